// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.metrics.Metrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final Metrics m = new Metrics();

  @Test
  void aQuarterReadInTenSecondsLeavesThirty() {
    m.payloadsSuccess.increment(90);
    m.payloadsError.increment(10);
    m.matched.increment(90);
    m.mismatched.increment(4);
    m.queriesTimeout.increment(6);
    assertEquals(
        "100 payloads: 90 matched, 4 mismatched, 6 timed out; 10/s; 25% read, about 0:30 left",
        Progress.line(m, 250, 1000, Duration.ofSeconds(10)));
  }

  @Test
  void standardInputHasNoShareNorTimeLeft() {
    assertEquals(
        "0 payloads: 0 matched, 0 mismatched, 0 timed out; 0/s; 2 KiB read",
        Progress.line(m, 2048, -1, Duration.ofSeconds(1)));
  }
}
