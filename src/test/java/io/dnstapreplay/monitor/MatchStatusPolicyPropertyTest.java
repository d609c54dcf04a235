// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Checks the policy against its definition: matching is on exactly when the files have been
 * identical without interruption for at least the delay.
 */
class MatchStatusPolicyPropertyTest {
  /** One step: time passes, then either a tick or an observation. */
  record Step(long elapsedNanos, boolean isObservation, boolean identical) {}

  @Property
  void onExactlyWhenIdenticalWithoutBreakForTheDelay(
      @ForAll @LongRange(min = 0, max = 1_000) long delay,
      @ForAll long start,
      @ForAll("steps") List<Step> steps) {
    MatchStatusPolicy policy = new MatchStatusPolicy(delay);
    long now = start;
    boolean identical = false;
    long identicalSince = 0;
    for (Step step : steps) {
      now += step.elapsedNanos();
      boolean on;
      if (step.isObservation()) {
        if (step.identical() && !identical) {
          identicalSince = now;
        }
        identical = step.identical();
        on = policy.observe(step.identical(), now);
      } else {
        on = policy.tick(now);
      }
      boolean expected = identical && now - identicalSince >= delay;
      assertEquals(expected, on);
      long expectedWait =
          expected || !identical
              ? MatchStatusPolicy.NO_DECISION_PENDING
              : identicalSince + delay - now;
      assertEquals(expectedWait, policy.nanosUntilDecision(now));
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 600),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as(Step::new)
        .list()
        .ofMaxSize(60);
  }
}
