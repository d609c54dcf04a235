// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.metrics.Metrics.ConnectionError;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every hostile sender of {@link HostileSenderTest}, one after another, while the real {@code
 * fstrm_replay} sends the Knot capture to a daemon replaying to a real Knot target: the capture
 * replays exactly as it does alone, and each bad connection is counted under its reason.
 */
@RequiresTools({"knotd", "kdig", "fstrm_replay"})
class HostileSendersAgainstKnotTest {
  @TempDir Path dir;

  @Test
  void hostileSendersDoNotDisturbFstrmReplay() throws Exception {
    List<Arguments> attacks = HostileSenderTest.attacks().toList();
    Map<ConnectionError, Integer> expected = new EnumMap<>(ConnectionError.class);
    int extraFrames = 0;
    for (Arguments a : attacks) {
      expected.merge((ConnectionError) a.get()[2], 1, Integer::sum);
      extraFrames += (Integer) a.get()[3];
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (KnotLab lab = KnotLab.target()) {
      try (DaemonRunner d = DaemonRunner.start(dir, lab.targetAddress(), s -> s.proxy = true)) {
        Future<?> replay =
            pool.submit(
                () -> {
                  d.fstrmReplay(KnotCapture.path());
                  return null;
                });
        for (Arguments a : attacks) {
          try (FrameStreamSender bad = FrameStreamSender.open(d.socket())) {
            ((HostileSenderTest.Attack) a.get()[1]).run(bad);
            assertTrue(bad.awaitClosedByPeer(), a.get()[0].toString());
          }
        }
        replay.get(60, TimeUnit.SECONDS);
        int payloads = KnotCapture.FRAMES + extraFrames;
        Scrape m = d.awaitPayloads(payloads);
        assertEquals(KnotCapture.UDP + extraFrames, m.result(COMPARISONS, "matched"));
        Accounting.assertQueriesBalance(m, KnotCapture.UDP + extraFrames);
        for (ConnectionError e : ConnectionError.values()) {
          assertEquals(
              (double) expected.getOrDefault(e, 0), Accounting.connectionErrors(m, e), e.name());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
