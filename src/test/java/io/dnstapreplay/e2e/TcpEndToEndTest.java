// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.KnotCapture.FRAMES;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.KnotTargets;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference Frame Streams senders over TCP, {@code fstrm_replay -a} (libfstrm, as Unbound and
 * dnsdist use it) and golang-dnstap's {@code dnstap -T} (as CoreDNS), send the real Knot capture to
 * the daemon's {@code --tcp} listener, which replays every frame to a real Knot target: the same
 * counts as over the Unix socket (testdata/README.md, with {@code --proxy}).
 */
@RequiresTools({"knotd", "kdig", "fstrm_replay", "dnstap"})
class TcpEndToEndTest {
  private static final long TOOL_SECONDS = 60;

  @RegisterExtension static final KnotTargets TARGETS = new KnotTargets();

  @TempDir Path dir;

  private void replayWith(List<String> sender) throws Exception {
    try (DaemonRunner d =
        DaemonRunner.start(
            dir,
            TARGETS.get(TargetZone.NORMAL).targetAddress(),
            s -> {
              s.proxy = true;
              s.tcp = new InetSocketAddress("127.0.0.1", 0);
            })) {
      List<String> command =
          sender.stream()
              .map(a -> a.replace("PORT", Integer.toString(d.tcpAddress().getPort())))
              .toList();
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("sender.log").toFile())
              .start();
      if (!p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " still running");
      }
      assertEquals(0, p.exitValue(), command + " failed");
      Scrape m = d.awaitPayloads(FRAMES);
      assertEquals(FRAMES, m.value("dnstap_replay_transport_data_frames_total{transport=\"tcp\"}"));
      assertEquals(FRAMES, m.value("dnstap_replay_data_frames_total"));
      assertEquals(UDP, m.result(COMPARISONS, "matched"));
      assertEquals(0, m.result(COMPARISONS, "mismatched"));
      Accounting.assertQueriesBalance(m, UDP);
      Accounting.assertNoConnectionErrors(m);
      assertEquals(
          0,
          m.value(
              "dnstap_replay_connections_refused_total{reason=\"not_allowed\",transport=\"tcp\"}"));
    }
  }

  @Test
  void fstrmReplayOverTcpGetsEveryFrameReplayed() throws Exception {
    replayWith(
        List.of(
            "fstrm_replay",
            "-t",
            "protobuf:dnstap.Dnstap",
            "-a",
            "127.0.0.1",
            "-p",
            "PORT",
            "-r",
            KnotCapture.path().toString()));
  }

  @Test
  void golangDnstapOverTcpGetsEveryFrameReplayed() throws Exception {
    replayWith(List.of("dnstap", "-r", KnotCapture.path().toString(), "-T", "127.0.0.1:PORT"));
  }
}
