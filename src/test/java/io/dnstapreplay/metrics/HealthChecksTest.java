// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthChecksTest {
  @Test
  void healthyOnlyWhileEveryCheckPasses() {
    HealthChecks checks = new HealthChecks();
    AtomicReference<String> problem = new AtomicReference<>();
    checks.add("first", Optional::empty);
    checks.add("second", () -> Optional.ofNullable(problem.get()));
    assertTrue(HealthChecks.healthy(checks.run()));

    problem.set("broken");
    List<HealthChecks.Result> results = checks.run();
    assertFalse(HealthChecks.healthy(results));
    assertEquals(List.of("first", "second"), results.stream().map(r -> r.name()).toList());
    assertEquals(Optional.of("broken"), results.get(1).problem());
  }

  @Test
  void namesAreUniqueSnakeCase() {
    HealthChecks checks = new HealthChecks();
    checks.add("replay_stage", Optional::empty);
    assertThrows(IllegalArgumentException.class, () -> checks.add("replay_stage", Optional::empty));
    assertThrows(IllegalArgumentException.class, () -> checks.add("Replay Stage", Optional::empty));
  }

  @Test
  void noChecksIsHealthy() {
    assertTrue(HealthChecks.healthy(new HealthChecks().run()));
  }

  @Test
  void criticalChecksRunAlsoOnTheirOwn() {
    HealthChecks checks = new HealthChecks();
    checks.add("target", () -> Optional.of("silent"));
    checks.addCritical(
        "stages",
        () ->
            Optional.of(
                "replay-udp died: java.lang.IllegalStateException: an event loop of replay-udp ended"));
    assertEquals(
        List.of(
            new HealthChecks.Result(
                "stages",
                Optional.of(
                    "replay-udp died: java.lang.IllegalStateException: an event loop of replay-udp ended"))),
        checks.runCritical());
    assertEquals(2, checks.run().size());
    assertThrows(
        IllegalArgumentException.class, () -> checks.addCritical("target", Optional::empty));
  }
}
