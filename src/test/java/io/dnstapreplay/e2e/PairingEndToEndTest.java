// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.PAYLOADS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static io.dnstapreplay.testing.KnotCapture.FRAMES;
import static io.dnstapreplay.testing.KnotCapture.TCP;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.KnotTargets;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.SplitCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Knot capture split as BIND, NSD and Unbound log it (a query message, then a few frames later
 * a response message without its query), sent live to the daemon with {@code --pair} and replayed
 * to a real Knot target: the counts of the Knot capture itself, exact pairing counters, and failure
 * records that are the responses with their query filled in.
 */
@RequiresTools({"knotd", "kdig"})
class PairingEndToEndTest {
  private static final String PAIRING = "dnstap_replay_pairing_total";
  private static final String PENDING = "dnstap_replay_pairing_pending";
  private static final String UNUSABLE = "dnstap_replay_unusable_responses_total";
  private static final int UNANSWERED = 20;
  private static final int ORPHANS = 5;

  @RegisterExtension static final KnotTargets TARGETS = new KnotTargets();

  @TempDir Path dir;

  private DaemonRunner daemon(TargetZone zone, boolean pair) throws Exception {
    return DaemonRunner.start(
        dir,
        TARGETS.get(zone).targetAddress(),
        s -> {
          s.proxy = true;
          s.timeout = Duration.ofSeconds(2);
          if (pair) {
            s.pair();
          }
        });
  }

  private static double reason(Scrape m, String name, String reason) {
    return m.value(name + "{reason=\"" + reason + "\"}");
  }

  private static void assertOnlyUnusable(Scrape m, String reason, double count) {
    for (String r : List.of("client_response", "response_without_query", "non_udp")) {
      assertEquals(r.equals(reason) ? count : 0, reason(m, UNUSABLE, r), r);
    }
  }

  /** A message of the capture from another client port, of {@code type}, without a response. */
  private static Dnstap stray(Dnstap knot, int port, boolean query, long timeSec) {
    Message.Builder m = knot.getMessage().toBuilder().setQueryPort(port);
    if (query) {
      m.setType(Message.Type.AUTH_QUERY)
          .clearResponseMessage()
          .clearResponseTimeSec()
          .clearResponseTimeNsec()
          .setQueryTimeSec(timeSec)
          .setQueryTimeNsec(0);
    } else {
      m.clearQueryMessage();
    }
    return knot.toBuilder().setMessage(m).build();
  }

  @Test
  void everySplitResponsePairsAndReplaysAsTheKnotCaptureDoes() throws Exception {
    List<Dnstap> knot = SplitCapture.knot();
    Dnstap first = knot.get(0);
    long start = first.getMessage().getResponseTimeSec();
    long last = knot.stream().mapToLong(d -> d.getMessage().getResponseTimeSec()).max().getAsLong();
    List<Dnstap> messages = new ArrayList<>();
    for (int i = 0; i < UNANSWERED; i++) {
      messages.add(stray(knot.get(i), 10 + i, true, start));
    }
    messages.addAll(SplitCapture.split(knot, 13));
    List<Integer> udp = KnotCapture.udpFrameIndexes();
    for (int i = 0; i < ORPHANS; i++) {
      messages.add(stray(knot.get(udp.get(i)), 100 + i, false, 0));
    }
    // 10 s of dnstap time later: the unanswered queries age out, this one waits
    messages.add(stray(first, 200, true, last + 10));

    try (DaemonRunner d = daemon(TargetZone.NORMAL, true)) {
      FrameStreamSender.sendSession(d.socket(), SplitCapture.frames(messages));
      Scrape m =
          d.awaitMetrics(
              x ->
                  Accounting.payloads(x) == FRAMES + ORPHANS
                      && x.result(Accounting.IN_FLIGHT, null) == 0
                      && x.result(PENDING, null) == 1);
      assertEquals(messages.size(), m.result("dnstap_replay_data_frames_total", null));
      assertEquals(FRAMES, m.result(PAIRING, "paired"));
      assertEquals(UNANSWERED, m.result(PAIRING, "query_without_response"));
      assertEquals(ORPHANS, m.result(PAIRING, "response_without_query"));
      assertEquals(0, m.result(PAIRING, "passed_through"));
      assertEquals(0, m.result(PAIRING, "evicted"));
      assertEquals(UDP, m.result(COMPARISONS, "matched"));
      assertEquals(
          UDP,
          m.result(COMPARISONS, "matched")
              + m.result(COMPARISONS, "mismatched")
              + m.result(QUERIES, "timeout"));
      Accounting.assertQueriesBalance(m, UDP);
      assertEquals(UDP + ORPHANS, m.result(PAYLOADS, "success"));
      assertEquals(TCP, m.result(PAYLOADS, "error"));
      assertEquals(
          TCP, m.result("dnstap_replay_dnstap_handler_internal_errors_total", "discard_non_udp"));
      assertEquals(0, m.result("dnstap_replay_dnstap_ignored_total", null));
      assertOnlyUnusable(m, "non_udp", TCP);
      d.close();
      Scrape end = d.scrape();
      assertEquals(UNANSWERED + 1, end.result(PAIRING, "query_without_response"));
      assertEquals(0, end.result(PENDING, null));
    }
  }

  @Test
  void failureRecordsAreTheResponsesWithTheirQueryFilledIn() throws Exception {
    List<Dnstap> knot = SplitCapture.knot();
    Map<List<ByteString>, Dnstap> expected = new HashMap<>();
    for (int i = 0; i < knot.size(); i++) {
      Dnstap paired = SplitCapture.paired(knot.get(i), i);
      assertEquals(null, expected.put(client(paired), paired));
    }
    try (DaemonRunner d = daemon(TargetZone.VARIANT, true)) {
      Scrape m = d.replay(SplitCapture.frames(SplitCapture.split(knot, 7)), FRAMES);
      assertEquals(236, m.result(COMPARISONS, "matched"));
      assertEquals(40, m.result(COMPARISONS, "mismatched"));
      assertEquals(FRAMES, m.result(PAIRING, "paired"));
      List<Dnstap> records = d.drain("/errors");
      assertEquals(40, records.size());
      for (Dnstap r : records) {
        assertEquals(
            FailureRecord.Kind.MISMATCH, FailureRecord.decode(r.getExtra().toByteArray()).kind());
        assertEquals(expected.get(client(r)), r.toBuilder().clearExtra().build());
      }
    }
  }

  /** The client and the response: what tells a message of the capture from the others. */
  private static List<ByteString> client(Dnstap d) {
    Message m = d.getMessage();
    return List.of(
        m.getQueryAddress(),
        ByteString.copyFromUtf8(Integer.toString(m.getQueryPort())),
        m.getResponseMessage());
  }

  /** Without --pair the split capture is counted as the original counts it, and as unusable. */
  @Test
  void withoutPairNothingIsReplayedAndTheGuardrailsCountWhy() throws Exception {
    List<Dnstap> knot = SplitCapture.knot();
    List<Dnstap> split = SplitCapture.split(knot, 5);
    long authUdp = 0;
    long authTcp = 0;
    long client = 0;
    for (Dnstap s : split) {
      Message msg = s.getMessage();
      if (msg.getType() == Message.Type.CLIENT_RESPONSE) {
        client++;
      } else if (msg.getType() == Message.Type.AUTH_RESPONSE) {
        if (msg.getSocketProtocol() == SocketProtocol.UDP) {
          authUdp++;
        } else {
          authTcp++;
        }
      }
    }
    try (DaemonRunner d = daemon(TargetZone.NORMAL, false)) {
      Scrape m = d.replay(SplitCapture.frames(split), authUdp + authTcp);
      assertEquals(FRAMES + client, m.result("dnstap_replay_dnstap_ignored_total", null));
      assertEquals(authUdp, m.result(PAYLOADS, "success"));
      assertEquals(authTcp, m.result(PAYLOADS, "error"));
      assertEquals(0, m.result(QUERIES, "success") + m.result(QUERIES, "timeout"));
      assertEquals(client, reason(m, UNUSABLE, "client_response"));
      assertEquals(authUdp, reason(m, UNUSABLE, "response_without_query"));
      assertEquals(authTcp, reason(m, UNUSABLE, "non_udp"));
      assertEquals(0, m.result(PAIRING, "paired"));
    }
  }
}
