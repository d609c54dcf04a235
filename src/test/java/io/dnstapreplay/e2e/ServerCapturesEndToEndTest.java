// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.KnotTargets;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.tools.MiniJson;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Captures recorded from real BIND, NSD and Unbound (testdata/servers/README.md), replayed by file
 * with {@code --pair} into a real Knot target serving the same zone: every response pairs with its
 * query, and every UDP one is replayed and compared.
 */
@RequiresTools({"knotd", "kdig"})
class ServerCapturesEndToEndTest {
  private static final Duration RUN_LIMIT = Duration.ofSeconds(120);

  /** Each capture: the lab's 231 queries, 166 of them over UDP, 65 over TCP. */
  private static final long PAIRS = 231;

  private static final long UDP = 166;
  private static final long TCP = 65;

  @RegisterExtension static final KnotTargets TARGETS = new KnotTargets();

  @TempDir Path dir;

  private DaemonProcess.Finished replay(String capture, String... options) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--dns",
                "127.0.0.1:" + TARGETS.get(TargetZone.NORMAL).targetPort(),
                "--proxy",
                "--json",
                "--timeout",
                "2000",
                "-r",
                Path.of("testdata", "servers", capture).toString()));
    args.addAll(List.of(options));
    return DaemonProcess.run(dir, RUN_LIMIT, args.toArray(String[]::new));
  }

  private static Map<?, ?> map(Map<String, Object> summary, String key) {
    return (Map<?, ?>) summary.get(key);
  }

  @ParameterizedTest
  @CsvSource({"bind-auth.tap", "nsd-auth.tap", "unbound-client.tap"})
  void everyResponsePairsAndEveryUdpOneIsCompared(String capture) throws Exception {
    DaemonProcess.Finished r = replay(capture, "--pair");
    Map<String, Object> s = MiniJson.object(r.stdout());
    assertEquals("", r.stderr(), "no hint: everything paired");
    assertEquals(
        Map.of(
            "paired", PAIRS,
            "passed_through", 0L,
            "query_without_response", 0L,
            "response_without_query", 0L,
            "evicted", 0L),
        map(s, "pairing"),
        r.stdout());
    Map<?, ?> outcomes = map(s, "outcomes");
    assertEquals(UDP, s.get("queries"));
    assertEquals(
        UDP,
        (long) outcomes.get("matched")
            + (long) outcomes.get("mismatched")
            + (long) outcomes.get("timeout"));
    assertEquals(0L, outcomes.get("timeout"), r.stdout());
    assertEquals(TCP, outcomes.get("discard_non_udp"));
    assertEquals(PAIRS, s.get("payloads"));
    assertEquals(0L, s.get("not_auth_response"));
    assertEquals(TCP, map(s, "unusable_responses").get("non_udp"));
    assertEquals((long) outcomes.get("mismatched") > 0 ? 1 : 0, r.exit(), r.stdout());
  }

  /**
   * Paced by the timestamps, which reorders messages by time: BIND's responses carry no earlier
   * time than their query, so they still come after it.
   */
  @Test
  void pacedByTimeTheBindCaptureStillPairs() throws Exception {
    DaemonProcess.Finished r = replay("bind-auth.tap", "--pair", "--speed", "20");
    Map<String, Object> s = MiniJson.object(r.stdout());
    assertEquals(PAIRS, map(s, "pairing").get("paired"), r.stdout());
    assertEquals(UDP, s.get("queries"));
  }

  /** Unbound sends dnstap over TCP too: its capture, live over --tcp, pairs the same. */
  @Test
  void liveOverTcpTheUnboundCapturePairs() throws Exception {
    try (DaemonRunner d =
        DaemonRunner.start(
            dir,
            TARGETS.get(TargetZone.NORMAL).targetAddress(),
            x -> {
              x.proxy = true;
              x.tcp = new InetSocketAddress("127.0.0.1", 0);
              x.pair();
            })) {
      List<byte[]> frames =
          KnotCapture.readFrames(Path.of("testdata", "servers", "unbound-client.tap"));
      FrameStreamSender.sendSession(d.tcpAddress(), frames);
      Scrape m = d.awaitPayloads(PAIRS);
      assertEquals(PAIRS, m.result("dnstap_replay_pairing_total", "paired"));
      assertEquals(0, m.result("dnstap_replay_pairing_pending", null));
      assertEquals(
          frames.size(), m.value("dnstap_replay_transport_data_frames_total{transport=\"tcp\"}"));
      Accounting.assertQueriesBalance(m, UDP);
      assertEquals(0, m.result(Accounting.QUERIES, "timeout"));
    }
  }

  /** Without --pair, BIND's capture replays nothing, and says why at the default log level. */
  @Test
  void withoutPairTheHintsNameTheFix() throws Exception {
    DaemonProcess.Finished r = replay("bind-auth.tap");
    Map<String, Object> s = MiniJson.object(r.stdout());
    assertEquals(0L, s.get("queries"));
    assertEquals(
        Map.of("client_response", 165L, "response_without_query", 56L, "non_udp", 10L),
        map(s, "unusable_responses"));
    // nothing replayed while responses could not be: trouble, not a clean run
    assertEquals(2, r.exit(), r.stderr());
    List<String> lines = r.stderr().lines().toList();
    assertEquals(3, lines.size(), r.stderr());
    assertEquals(
        "dnstap-replay: no query was replayed, but responses these options cannot use arrived"
            + " (client_response 165, response_without_query 56, non_udp 10); see the hints above",
        lines.get(2));
    assertEquals(
        1,
        lines.stream()
            .filter(l -> l.contains("WARN dnstap-replay.source - CLIENT_RESPONSE messages are not"))
            .filter(l -> l.contains("run with --pair"))
            .count(),
        r.stderr());
    assertEquals(
        1,
        lines.stream()
            .filter(l -> l.contains("WARN dnstap-replay.source - AUTH_RESPONSE messages without"))
            .filter(l -> l.contains("run with --pair"))
            .filter(l -> l.contains("responses-with-queries: on"))
            .count(),
        r.stderr());
  }
}
