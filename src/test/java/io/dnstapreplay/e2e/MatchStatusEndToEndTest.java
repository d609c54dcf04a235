// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Match status files against a real Knot target serving the variant zone: while the files differ
 * every response is suppressed (none of the 40 differences is reported), once they are identical
 * and the delay has passed the same capture gives its 40 mismatches, and removing a file suppresses
 * again. The gauge follows each step.
 */
@RequiresTools({"knotd", "kdig"})
class MatchStatusEndToEndTest {
  private static final String STATUS = "dnstap_replay_match_status";
  private static final int MISMATCHED = 40;
  private static final Duration DELAY = Duration.ofMillis(700);

  @TempDir Path dir;

  private static double compared(Scrape m) {
    return m.result(COMPARISONS, "matched")
        + m.result(COMPARISONS, "mismatched")
        + m.result(COMPARISONS, "suppressed");
  }

  private static Scrape replay(DaemonRunner d, List<byte[]> capture, double comparedBefore)
      throws Exception {
    FrameStreamSender.sendSession(d.socket(), capture);
    return d.awaitMetrics(m -> compared(m) == comparedBefore + UDP);
  }

  private static int errorRecords(DaemonRunner d) throws Exception {
    return d.drain("/errors").size();
  }

  @Test
  void suppressedWhileFilesDifferComparedOnceIdenticalForTheDelay() throws Exception {
    Path source = Files.writeString(dir.resolve("source.serial"), "2024010101\n");
    Path target = Files.writeString(dir.resolve("target.serial"), "2024010100\n");
    List<byte[]> capture = KnotCapture.frames();
    try (KnotLab lab = KnotLab.builder().target(TargetZone.VARIANT).start()) {
      Files.createDirectory(dir.resolve("daemon"));
      try (DaemonRunner d =
          DaemonRunner.start(
              dir.resolve("daemon"),
              lab.targetAddress(),
              s -> {
                s.proxy = true;
                s.matchStatusFiles = List.of(source, target);
                s.matchStatusDelay = DELAY;
              })) {
        assertEquals(0, d.scrape().value(STATUS));
        Scrape m = replay(d, capture, 0);
        assertEquals(UDP, m.result(COMPARISONS, "suppressed"));
        assertEquals(0, m.result(COMPARISONS, "mismatched"));
        assertEquals(0, m.result(COMPARISONS, "matched"));
        assertEquals(0, errorRecords(d));

        long identicalAt = System.nanoTime();
        Files.writeString(target, "2024010101\n");
        d.awaitMetrics(x -> x.value(STATUS) == 1);
        long millis = (System.nanoTime() - identicalAt) / 1_000_000;
        assertTrue(millis >= DELAY.toMillis(), "on after " + millis + " ms, before the delay");

        m = replay(d, capture, UDP);
        assertEquals(UDP, m.result(COMPARISONS, "suppressed"), "no more suppressed");
        assertEquals(MISMATCHED, m.result(COMPARISONS, "mismatched"));
        assertEquals(UDP - MISMATCHED, m.result(COMPARISONS, "matched"));
        assertEquals(MISMATCHED, errorRecords(d));

        Files.delete(source);
        d.awaitMetrics(x -> x.value(STATUS) == 0);
        m = replay(d, capture, 2 * UDP);
        assertEquals(2 * UDP, m.result(COMPARISONS, "suppressed"));
        assertEquals(MISMATCHED, m.result(COMPARISONS, "mismatched"));
        assertEquals(0, errorRecords(d));
      }
    }
  }
}
