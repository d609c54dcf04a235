// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.RecordingLogger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private final RecordingLogger logger = new RecordingLogger();
  private final AtomicLong now = new AtomicLong(1_000);
  private final RateLimitedLog log = new RateLimitedLog(logger, INTERVAL, now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void firstOfAKindIsLoggedThenOnePerIntervalWithTheCountLeftOut() {
    for (int i = 0; i < 100_000; i++) {
      log.warn("bad frames", "bad frame {}", i);
    }
    assertEquals(List.of("WARN bad frame 0"), logger.lines());

    advance(INTERVAL.minusNanos(1));
    log.warn("bad frames", "bad frame {}", "a");
    assertEquals(1, logger.lines().size(), "still within the interval");

    advance(Duration.ofNanos(1));
    log.warn("bad frames", "bad frame {}", "b");
    assertEquals(
        List.of(
            "WARN bad frame 0",
            "WARN 100000 more warnings of bad frames in the last 10 s were not logged"
                + " (the metrics count each)",
            "WARN bad frame b"),
        logger.lines());
  }

  @Test
  void kindsAreLimitedApart() {
    log.warn("handshake timeouts", "timeout {}", 1);
    log.warn("refused connections", "refused {}", 1);
    log.warn("handshake timeouts", "timeout {}", 2);
    assertEquals(List.of("WARN timeout 1", "WARN refused 1"), logger.lines());
  }

  @Test
  void aQuietKindLogsAgainWithoutASummary() {
    log.warn("k", "one");
    advance(INTERVAL.multipliedBy(3));
    log.warn("k", "two");
    assertEquals(List.of("WARN one", "WARN two"), logger.lines());
  }

  @Test
  void eachIntervalOfAFloodGivesAtMostTwoLines() {
    int perSecond = 10_000;
    for (int second = 0; second < 60; second++) {
      for (int i = 0; i < perSecond; i++) {
        log.warn("flood", "x");
      }
      advance(Duration.ofSeconds(1));
    }
    List<String> lines = logger.lines();
    assertEquals(1 + 2 * 5, lines.size(), String.join("\n", lines));
    long counted =
        lines.stream()
                .filter(l -> l.contains("more warnings"))
                .mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .sum()
            + lines.stream().filter(l -> l.equals("WARN x")).count();
    // The last interval's are summed up only when the kind occurs again.
    long lastInterval = 10L * perSecond - 1;
    assertEquals(60L * perSecond - lastInterval, counted, "every one logged or counted");
  }
}
