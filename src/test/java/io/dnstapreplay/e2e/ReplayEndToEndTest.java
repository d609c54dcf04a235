// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.PAYLOADS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static io.dnstapreplay.testing.KnotCapture.FRAMES;
import static io.dnstapreplay.testing.KnotCapture.TCP;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Knot capture replayed through the real daemon into a real Knot target gives exactly the
 * table of testdata/README.md.
 */
@RequiresTools({"knotd", "kdig", "fstrm_replay"})
class ReplayEndToEndTest {
  @TempDir Path dir;

  private Scrape replayCapture(KnotLab lab, boolean proxy) throws Exception {
    try (DaemonRunner d = DaemonRunner.start(dir, lab.targetAddress(), s -> s.proxy = proxy)) {
      d.fstrmReplay(KnotCapture.path());
      Scrape m =
          d.awaitMetrics(
              x ->
                  Accounting.payloads(x) == FRAMES
                      && x.result(QUERIES, "success") + x.result(QUERIES, "timeout") == UDP);
      assertEquals(FRAMES, m.result("dnstap_replay_data_frames_total", null));
      assertEquals(
          Files.size(KnotCapture.path()) - controlBytes(),
          m.result("dnstap_replay_data_bytes_total", null) + 4 * FRAMES);
      assertEquals(
          TCP, m.result("dnstap_replay_dnstap_handler_internal_errors_total", "discard_non_udp"));
      assertEquals(0, m.result(QUERIES, "error"));
      return m;
    }
  }

  /** The capture's START and STOP control frames (fstrm_capture writes no others). */
  private static long controlBytes() {
    int start = 4 + 4 + 4 + 4 + 4 + "protobuf:dnstap.Dnstap".length();
    int stop = 4 + 4 + 4;
    return start + stop;
  }

  @Test
  void sameZoneWithoutProxyDiffersOnlyInWhoami() throws Exception {
    try (KnotLab lab = KnotLab.target()) {
      Scrape m = replayCapture(lab, false);
      assertEquals(UDP, m.result(QUERIES, "success"));
      assertEquals(273, m.result(COMPARISONS, "matched"));
      assertEquals(3, m.result(COMPARISONS, "mismatched"));
      assertEquals(3, m.result("dnstap_replay_channel_error_tx_total", "success"));
      assertEquals(FRAMES - TCP - 3, m.result(PAYLOADS, "success"));
    }
  }

  @Test
  void sameZoneWithProxyMatchesEverything() throws Exception {
    try (KnotLab lab = KnotLab.target()) {
      Scrape m = replayCapture(lab, true);
      assertEquals(UDP, m.result(COMPARISONS, "matched"));
      assertEquals(0, m.result(COMPARISONS, "mismatched"));
    }
  }

  @Test
  void variantZoneWithProxyMismatchesForty() throws Exception {
    try (KnotLab lab = KnotLab.builder().target(TargetZone.VARIANT).start()) {
      Scrape m = replayCapture(lab, true);
      assertEquals(236, m.result(COMPARISONS, "matched"));
      assertEquals(40, m.result(COMPARISONS, "mismatched"));
      assertEquals(40, m.result("dnstap_replay_channel_error_tx_total", "success"));
    }
  }

  @Test
  void targetThatDropsProxyHeadersTimesEverythingOut() throws Exception {
    try (KnotLab lab = KnotLab.builder().target(TargetZone.NORMAL).proxyAllow(false).start()) {
      Scrape m = replayCapture(lab, true);
      assertEquals(UDP, m.result(QUERIES, "timeout"));
      assertEquals(0, m.result(QUERIES, "success"));
      assertEquals(UDP, m.result("dnstap_replay_channel_timeout_tx_total", "success"));
      assertEquals(FRAMES, m.result(PAYLOADS, "error"));
    }
  }
}
