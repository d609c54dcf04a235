// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that answers badly: too short, from the wrong port, with the wrong ID, twice, too late,
 * or with a datagram near the UDP limit. Each response is counted where it belongs and is never
 * compared with a query it does not answer.
 */
class TargetResponseTest {
  private static final String UNMATCHED = "dnstap_replay_dns_unmatched_responses_total";
  private static final Map<String, byte[]> LOGGED = KnotCapture.responses();

  @TempDir Path dir;

  private static byte[] logged(UdpResponder.Query q) {
    return LOGGED.get(KnotCapture.key(q.client(), q.message()));
  }

  private Scrape replay(UdpResponder.Policy policy) throws Exception {
    return replay(policy, KnotCapture.frames(), m -> true, DaemonRunner.SHORT_TIMEOUT);
  }

  /**
   * Replays {@code frames} and returns the metrics once every payload has an outcome and {@code
   * settled} holds (responses may still arrive after the last query completed).
   */
  private Scrape replay(
      UdpResponder.Policy policy, List<byte[]> frames, Predicate<Scrape> settled, Duration timeout)
      throws Exception {
    try (DaemonRunner daemon =
        DaemonRunner.start(
            dir,
            policy,
            s -> {
              s.proxy = true;
              s.timeout = timeout;
            })) {
      daemon.replay(frames, frames.size());
      Scrape m = daemon.awaitMetrics(settled);
      Accounting.assertQueriesBalance(m, daemon.target().receivedCount());
      return m;
    }
  }

  private static double unmatched(Scrape m, String reason) {
    return m.value(UNMATCHED + "{reason=\"" + reason + "\"}");
  }

  /** No response answered a query: each was counted unknown, each query timed out. */
  private static void assertEveryResponseUnknown(Scrape m) {
    assertEquals(KnotCapture.UDP, unmatched(m, "unknown"));
    assertEquals(KnotCapture.UDP, m.result(QUERIES, "timeout"));
    assertEquals(0, m.result(COMPARISONS, "mismatched"));
  }

  @Test
  void responsesShorterThanAHeaderMatchNothing() throws Exception {
    assertEveryResponseUnknown(replay((q, reply) -> reply.send(Arrays.copyOf(logged(q), 11))));
  }

  @Test
  void shortResponseFollowedByTheRealOneIsMatched() throws Exception {
    Scrape m =
        replay(
            (q, reply) -> {
              reply.send(new byte[] {1, 2, 3});
              reply.send(logged(q));
            });
    assertEquals(KnotCapture.UDP, unmatched(m, "unknown"));
    assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
  }

  /** A 0-byte datagram is a response too: counted, never silently lost. */
  @Test
  void emptyResponsesMatchNothing() throws Exception {
    assertEveryResponseUnknown(replay((q, reply) -> reply.send(new byte[0])));
  }

  /** Nor does it hide the datagrams queued behind it. */
  @Test
  void emptyResponsesFollowedByTheRealOneAreCountedAndTheRealOneMatched() throws Exception {
    Scrape m =
        replay(
            (q, reply) -> {
              reply.send(new byte[0]);
              reply.send(new byte[0]);
              reply.send(logged(q));
            });
    assertEquals(2 * KnotCapture.UDP, unmatched(m, "unknown"));
    assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
  }

  /** The daemon's UDP sockets are connected: the kernel drops datagrams from any other source. */
  @Test
  void responsesFromAnotherPortNeverReachTheDaemon() throws Exception {
    Scrape m = replay((q, reply) -> reply.sendFromOtherPort(logged(q)));
    assertEquals(KnotCapture.UDP, m.result(QUERIES, "timeout"));
    assertEquals(0, m.result(QUERIES, "success"));
    assertEquals(0, unmatched(m, "unknown") + unmatched(m, "late"));
  }

  @Test
  void forgedMismatchFromAnotherPortDoesNotSpoilTheRealAnswer() throws Exception {
    Scrape m =
        replay(
            (q, reply) -> {
              byte[] forged = logged(q).clone();
              forged[forged.length - 1] ^= 1;
              reply.sendFromOtherPort(forged);
              reply.send(logged(q));
            });
    assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
    assertEquals(0, m.result(COMPARISONS, "mismatched"));
  }

  @Test
  void responseWithAnotherIdMatchesNoQuery() throws Exception {
    Scrape m =
        replay(
            (q, reply) -> {
              byte[] r = logged(q).clone();
              r[0] ^= (byte) 0x80;
              reply.send(r);
            });
    assertEveryResponseUnknown(m);
  }

  /**
   * As in the original, which takes the next datagram as the answer, a response to another question
   * with the ID of a query in flight is that query's mismatch, kept in /errors with the evidence.
   * (One query per ID here: with two in flight, a wrong question could answer either.)
   */
  @Test
  void responseToAnotherQuestionIsThatQuerysMismatch() throws Exception {
    List<byte[]> frames = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (byte[] f : KnotCapture.framesWithDistinctQueries()) {
      byte[] q = KnotCapture.parse(f).getMessage().getQueryMessage().toByteArray();
      if (ids.add(((q[0] & 0xff) << 8) | (q[1] & 0xff))) {
        frames.add(f);
      }
    }
    UdpResponder.Policy otherQuestion =
        (q, reply) -> {
          byte[] r = logged(q).clone();
          r[13] ^= 1; // the first letter of the question's name
          reply.send(r);
        };
    try (DaemonRunner daemon = DaemonRunner.start(dir, otherQuestion, s -> s.proxy = true)) {
      Scrape m = daemon.replay(frames, frames.size());
      assertEquals(frames.size(), m.result(COMPARISONS, "mismatched"));
      assertEquals(0, m.result(QUERIES, "timeout"));
      assertEquals(0, unmatched(m, "unknown"));
      List<Dnstap> errors = daemon.drain("/errors");
      assertEquals(frames.size(), errors.size());
      for (Dnstap d : errors) {
        FailureRecord r = FailureRecord.decode(d.getExtra().toByteArray());
        byte[] expected = d.getMessage().getResponseMessage().toByteArray().clone();
        expected[13] ^= 1;
        assertArrayEquals(expected, r.mismatchResponse());
      }
    }
  }

  /**
   * Each response completes at most one query; the duplicate is unknown. (Queries are distinct
   * here: a duplicate answer to a query is indistinguishable from the answer to an identical query,
   * same ID and question, sent after it on the same socket; see RELIABILITY.md.)
   */
  @Test
  void duplicateResponsesAreCountedOnce() throws Exception {
    List<byte[]> frames = KnotCapture.framesWithDistinctQueries();
    Scrape m =
        replay(
            (q, reply) -> {
              reply.send(logged(q));
              reply.send(logged(q));
            },
            frames,
            s -> unmatched(s, "unknown") == frames.size(),
            DaemonRunner.SHORT_TIMEOUT);
    assertEquals(frames.size(), m.result(COMPARISONS, "matched"));
    assertEquals(0, m.result(COMPARISONS, "mismatched"));
    assertEquals(0, unmatched(m, "late"));
  }

  /**
   * Late: within one more timeout period after the query timed out. The answer comes halfway
   * through that period, half a second from either edge, so a busy machine does not move it out.
   */
  @Test
  void responsesAfterTheTimeoutAreLateNotCompared() throws Exception {
    List<byte[]> frames = KnotCapture.framesWithDistinctQueries();
    Duration timeout = Duration.ofSeconds(1);
    Scrape m =
        replay(
            (q, reply) -> reply.sendAfter(logged(q), timeout.toMillis() * 3 / 2),
            frames,
            s -> unmatched(s, "late") == frames.size(),
            timeout);
    assertEquals(frames.size(), m.result(QUERIES, "timeout"));
    assertEquals(0, m.result(COMPARISONS, "matched") + m.result(COMPARISONS, "mismatched"));
    assertEquals(0, unmatched(m, "unknown"));
  }

  /** Datagrams up to the largest UDP payload over IPv4 arrive whole and are compared whole. */
  @Test
  void responsesNearTheUdpLimitAreComparedWhole() throws Exception {
    List<Integer> udp = KnotCapture.udpFrameIndexes();
    Message small = KnotCapture.parse(KnotCapture.frames().get(udp.get(0))).getMessage();
    Message other = KnotCapture.parse(KnotCapture.frames().get(udp.get(1))).getMessage();
    byte[] matching = padded(small.getResponseMessage().toByteArray(), 60_000);
    byte[] logged = padded(other.getResponseMessage().toByteArray(), 65_507);
    byte[] sent = logged.clone();
    sent[sent.length - 1] ^= 1;
    Map<String, byte[]> answers =
        Map.of(
            HexFormat.of().formatHex(small.getQueryMessage().toByteArray()), matching,
            HexFormat.of().formatHex(other.getQueryMessage().toByteArray()), sent);
    UdpResponder.Policy policy =
        (q, reply) -> reply.send(answers.get(HexFormat.of().formatHex(q.message())));
    try (DaemonRunner daemon = DaemonRunner.start(dir, policy, s -> s.proxy = true)) {
      Scrape m =
          daemon.replay(
              List.of(
                  frame(
                      small.toBuilder().setResponseMessage(ByteString.copyFrom(matching)).build()),
                  frame(other.toBuilder().setResponseMessage(ByteString.copyFrom(logged)).build())),
              2);
      assertEquals(1, m.result(COMPARISONS, "matched"));
      assertEquals(1, m.result(COMPARISONS, "mismatched"));
      List<Dnstap> errors = daemon.drain("/errors");
      assertEquals(1, errors.size());
      assertArrayEquals(
          sent, FailureRecord.decode(errors.get(0).getExtra().toByteArray()).mismatchResponse());
      assertTrue(
          errors.get(0).getSerializedSize() > FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH,
          "a record holds two large DNS messages: readers of /errors need a higher frame limit");
    }
  }

  private static byte[] padded(byte[] response, int length) {
    byte[] b = Arrays.copyOf(response, length);
    Arrays.fill(b, response.length, length, (byte) 0x5a);
    return b;
  }

  private static byte[] frame(Message m) {
    return Dnstap.newBuilder().setType(Dnstap.Type.MESSAGE).setMessage(m).build().toByteArray();
  }
}
