// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain live: a real Knot source answers dnsperf's query mix and logs dnstap to the
 * daemon, which replays every UDP query with a PROXY v2 header to a real Knot target serving the
 * variant zone. What {@code /errors} hands out is exactly what the counters say, and the reference
 * dnstap readers (golang-dnstap's {@code dnstap}, {@code dnstap-ldns}) read it.
 */
@RequiresTools({"knotd", "kdig", "dnsperf", "dnstap", "dnstap-ldns"})
class LiveKnotEndToEndTest {
  /** {@code drive.sh main} at the source: 330 queries, 55 over TCP. */
  private static final int DRIVEN = 330;

  /** The variant zone's changes show in 40 of the main mix's UDP answers. */
  private static final int VARIANT_MISMATCHES = 40;

  private static final long TOOL_SECONDS = 30;

  @TempDir Path dir;

  private static boolean settled(Scrape m) {
    double frames = m.result("dnstap_replay_data_frames_total", null);
    double udp =
        frames - m.result("dnstap_replay_dnstap_handler_internal_errors_total", "discard_non_udp");
    return frames >= DRIVEN
        && Accounting.payloads(m) == frames
        && m.result(QUERIES, "success") + m.result(QUERIES, "timeout") == udp
        && m.value("dnstap_replay_dns_queries_in_flight") == 0;
  }

  @Test
  void liveSourceReplayedToVariantTargetGivesReadableErrors() throws Exception {
    try (KnotLab target = KnotLab.builder().target(TargetZone.VARIANT).proxyAllow(true).start()) {
      try (DaemonRunner d = DaemonRunner.start(dir, target.targetAddress(), s -> s.proxy = true)) {
        try (KnotLab source = KnotLab.builder().source(d.socket()).start()) {
          source.drive("main");
        }
        Scrape m = d.awaitMetrics(LiveKnotEndToEndTest::settled);
        double mismatched = m.result(COMPARISONS, "mismatched");
        assertEquals(0, m.result(QUERIES, "timeout"), m.toString());
        assertEquals(0, m.result(QUERIES, "error"), m.toString());
        assertEquals(VARIANT_MISMATCHES, mismatched, m.toString());
        assertEquals(mismatched, m.result("dnstap_replay_channel_error_tx_total", "success"));

        Path errors = dir.resolve("errors.tap");
        Files.write(errors, d.get("/errors").body());
        assertEquals(VARIANT_MISMATCHES, DaemonRunner.records(Files.readAllBytes(errors)).size());
        assertEquals(
            mismatched, d.scrape().result("dnstap_replay_channel_error_rx_total", "success"));

        List<String> go = run(dir.resolve("dnstap.out"), "dnstap", "-q", "-r", errors.toString());
        List<String> ldns =
            run(dir.resolve("dnstap-ldns.out"), "dnstap-ldns", "-q", "-r", errors.toString());
        assertEquals(VARIANT_MISMATCHES, go.stream().filter(l -> l.contains(" AR ")).count());
        assertEquals(VARIANT_MISMATCHES, ldns.stream().filter(l -> l.contains(" AR ")).count());
      }
    }
  }

  /** Runs a tool, requires exit 0, and returns its stdout lines. */
  private static List<String> run(Path out, String... command) throws Exception {
    Path err = Path.of(out + ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS), String.join(" ", command) + " hangs");
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(
        0,
        p.exitValue(),
        String.join(" ", command) + ":\n" + String.join("\n", lines) + Files.readString(err));
    return lines;
  }
}
