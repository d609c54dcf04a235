// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import static io.dnstapreplay.pairing.PairingMessages.knot;
import static io.dnstapreplay.pairing.PairingMessages.query;
import static io.dnstapreplay.pairing.PairingMessages.queryBytes;
import static io.dnstapreplay.pairing.PairingMessages.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.Policy;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairerTest {
  /** The question section of every query here: www.example.test. IN A. */
  private static final int QUESTION_LENGTH = 18 + 4;

  /** What a query of {@link PairingMessages#query(int, int, long)} weighs, pending. */
  private static final int WEIGHT = weight(queryBytes(1, "www.example.test").length);

  private final Map<PairOutcome, Long> counts = new EnumMap<>(PairOutcome.class);
  private long oversized;
  private Pairer pairer = pairer(Duration.ofSeconds(2), 10_000);

  private Pairer pairer(Duration window, int maxPending) {
    return pairer(window, maxPending, Long.MAX_VALUE);
  }

  private Pairer pairer(Duration window, int maxPending, long maxPendingBytes) {
    return new Pairer(
        new PairingConfig(window, maxPending, maxPendingBytes),
        o -> counts.merge(o, 1L, Long::sum),
        () -> oversized++);
  }

  /** The weight of a pending query of {@code queryLength} bytes from the test's client. */
  private static int weight(int queryLength) {
    return queryLength + PairingMessages.CLIENT.length + QUESTION_LENGTH + Pairer.PENDING_OVERHEAD;
  }

  /** Queries with IDs 1 to {@code n}, one a microsecond, none answered yet. */
  private void acceptQueries(int n) {
    for (int id = 1; id <= n; id++) {
      assertNull(pairer.accept(query(5300, id, 1000 + id)));
    }
  }

  /** A query of {@code padding} more bytes than {@link PairingMessages#query(int, int, long)}. */
  private static Dnstap paddedQuery(int port, int id, long micros, int padding) {
    Message m = query(port, id, micros).getMessage();
    return PairingMessages.wrap(
        m.toBuilder()
            .setQueryMessage(m.getQueryMessage().concat(ByteString.copyFrom(new byte[padding]))));
  }

  private long count(PairOutcome o) {
    return counts.getOrDefault(o, 0L);
  }

  private void assertCounts(long paired, long passed, long noResponse, long noQuery, long evicted) {
    assertEquals(paired, count(PairOutcome.PAIRED), "paired");
    assertEquals(passed, count(PairOutcome.PASSED_THROUGH), "passed_through");
    assertEquals(noResponse, count(PairOutcome.QUERY_WITHOUT_RESPONSE), "query_without_response");
    assertEquals(noQuery, count(PairOutcome.RESPONSE_WITHOUT_QUERY), "response_without_query");
    assertEquals(evicted, count(PairOutcome.EVICTED), "evicted");
  }

  /** The query a paired response carries, checked against the one logged with ID {@code id}. */
  private static void assertPairedWith(Dnstap out, Dnstap response, int id) {
    assertNotNull(out);
    Message m = out.getMessage();
    assertArrayEquals(queryBytes(id, "www.example.test"), m.getQueryMessage().toByteArray());
    assertEquals(
        response.getMessage(),
        m.toBuilder().clearQueryMessage().clearQueryTimeSec().clearQueryTimeNsec().build());
    assertEquals(response.getIdentity(), out.getIdentity());
  }

  @Test
  void adjacentQueryAndResponsePairWithTheQueryTime() {
    Dnstap q = query(5300, 1, 1_000_250);
    Dnstap r = response(5300, 1, 1_000_300);
    assertNull(pairer.accept(q));
    assertEquals(1, pairer.pending());
    Dnstap out = pairer.accept(r);
    assertPairedWith(out, r, 1);
    assertEquals(1, out.getMessage().getQueryTimeSec());
    assertEquals(250_000, out.getMessage().getQueryTimeNsec());
    assertEquals(0, pairer.pending());
    assertCounts(1, 0, 0, 0, 0);
  }

  /**
   * A query message may carry anything up to a whole frame (here a large response and a policy
   * beside its query); a pending query keeps its query and time, not the message.
   */
  @Test
  void aPendingQueryDoesNotKeepItsMessage() {
    WeakReference<Message> message = holdQueryWithLargeFields();
    for (int i = 0; i < 20 && message.get() != null; i++) {
      System.gc();
    }
    assertNull(message.get(), "the pending query still references its message");
    assertEquals(WEIGHT, pairer.pendingBytes(), "weighed by its query and key alone");
    Dnstap r = response(5300, 1, 1_000_300);
    Dnstap out = pairer.accept(r);
    assertPairedWith(out, r, 1);
    assertEquals(1, out.getMessage().getQueryTimeSec());
    assertEquals(250_000, out.getMessage().getQueryTimeNsec());
  }

  /** Gives the pairer a query message, and keeps only a weak reference to it. */
  private WeakReference<Message> holdQueryWithLargeFields() {
    Dnstap q =
        PairingMessages.wrap(
            query(5300, 1, 1_000_250).getMessage().toBuilder()
                .setResponseMessage(ByteString.copyFrom(new byte[1 << 20]))
                .setPolicy(Policy.newBuilder().setRule(ByteString.copyFrom(new byte[1 << 16]))));
    assertNull(pairer.accept(q));
    return new WeakReference<>(q.getMessage());
  }

  @Test
  void aResponseKeepsItsOwnQueryTime() {
    pairer.accept(query(5300, 1, 1_000_250));
    Dnstap r =
        PairingMessages.wrap(
            response(5300, 1, 1_000_300).getMessage().toBuilder()
                .setQueryTimeSec(7)
                .setQueryTimeNsec(8));
    Message m = pairer.accept(r).getMessage();
    assertEquals(7, m.getQueryTimeSec());
    assertEquals(8, m.getQueryTimeNsec());
  }

  @Test
  void queriesAFewFramesApartPairWithTheirOwnResponse() {
    for (int id = 1; id <= 7; id++) {
      assertNull(pairer.accept(query(5300 + id, id, 1000 + id)));
    }
    for (int id : new int[] {3, 1, 7, 2, 6, 4, 5}) {
      Dnstap r = response(5300 + id, id, 2000 + id);
      assertPairedWith(pairer.accept(r), r, id);
    }
    assertEquals(0, pairer.pending());
    assertCounts(7, 0, 0, 0, 0);
  }

  @Test
  void everyPartOfTheKeyMatters() {
    pairer.accept(query(5300, 1, 1000));
    Message q = query(5300, 1, 1000).getMessage();
    Message r = response(5300, 1, 1001).getMessage();
    Message[] others = {
      r.toBuilder().setQueryPort(5301).build(),
      r.toBuilder().setQueryAddress(ByteString.copyFrom(new byte[] {(byte) 192, 0, 2, 8})).build(),
      r.toBuilder().setSocketProtocol(SocketProtocol.TCP).build(),
      r.toBuilder().setSocketFamily(SocketFamily.INET6).build(),
      response(5300, 2, 1001).getMessage(),
      response(Message.Type.AUTH_RESPONSE, 5300, 1, "WWW.example.test", 1001).getMessage(),
      response(Message.Type.AUTH_RESPONSE, 5300, 1, "ww.example.test", 1001).getMessage(),
    };
    for (Message other : others) {
      Dnstap d = PairingMessages.wrap(other.toBuilder());
      assertSame(d, pairer.accept(d), other.toString());
    }
    assertCounts(0, 0, 0, others.length, 0);
    assertEquals(1, pairer.pending());
    assertEquals(
        q.getQueryMessage(),
        pairer.accept(PairingMessages.wrap(r.toBuilder())).getMessage().getQueryMessage());
  }

  @Test
  void zeroXTwentyCaseIsEchoedExactly() {
    pairer.accept(query(Message.Type.AUTH_QUERY, 5300, 1, "wWw.ExAmple.test", 1000));
    pairer.accept(query(Message.Type.AUTH_QUERY, 5300, 1, "WwW.eXample.test", 1001));
    Dnstap r = response(Message.Type.AUTH_RESPONSE, 5300, 1, "WwW.eXample.test", 1002);
    assertArrayEquals(
        queryBytes(1, "WwW.eXample.test"),
        pairer.accept(r).getMessage().getQueryMessage().toByteArray());
    assertEquals(1, pairer.pending());
  }

  @Test
  void anyQueryTypePairsWithAnyResponseType() {
    // BIND: AUTH_QUERY, then CLIENT_RESPONSE when RD=1; Unbound and dnsdist: CLIENT_* both
    Message.Type[][] combinations = {
      {Message.Type.AUTH_QUERY, Message.Type.CLIENT_RESPONSE},
      {Message.Type.CLIENT_QUERY, Message.Type.CLIENT_RESPONSE},
      {Message.Type.CLIENT_QUERY, Message.Type.AUTH_RESPONSE},
      {Message.Type.AUTH_QUERY, Message.Type.AUTH_RESPONSE},
    };
    int id = 0;
    for (Message.Type[] c : combinations) {
      id++;
      assertNull(pairer.accept(query(c[0], 5300, id, "www.example.test", 1000)));
      Dnstap r = response(c[1], 5300, id, "www.example.test", 1001);
      Dnstap out = pairer.accept(r);
      assertPairedWith(out, r, id);
      assertEquals(c[1], out.getMessage().getType());
    }
    assertCounts(combinations.length, 0, 0, 0, 0);
  }

  @Test
  void backwardsTimestampsAgeNothing() {
    pairer = pairer(Duration.ofMillis(4), 100);
    // BIND ticks in 4 ms steps: a response may be logged with an earlier time than its query,
    // and a query with a time long past arrives after later ones
    pairer.accept(query(5301, 1, 100_000));
    pairer.accept(query(5302, 2, 92_000));
    pairer.accept(query(5303, 3, 50_000));
    assertEquals(3, pairer.pending());
    Dnstap r3 = response(5303, 3, 96_000);
    assertPairedWith(pairer.accept(r3), r3, 3);
    Dnstap r1 = response(5301, 1, 99_000);
    assertPairedWith(pairer.accept(r1), r1, 1);
    Dnstap r2 = response(5302, 2, 104_000);
    assertPairedWith(pairer.accept(r2), r2, 2);
    assertCounts(3, 0, 0, 0, 0);
  }

  @Test
  void knotMessagesWithBothPassThroughUntouched() {
    Dnstap k = knot(5300, 1, 1000);
    assertSame(k, pairer.accept(k));
    // mixed with a split source
    pairer.accept(query(5301, 2, 1001));
    Dnstap r = response(5301, 2, 1002);
    assertPairedWith(pairer.accept(r), r, 2);
    // Knot with log-queries on as well: its query message is taken, the response kept as it is
    pairer.accept(query(5302, 3, 1003));
    Dnstap k3 = knot(5302, 3, 1004);
    assertSame(k3, pairer.accept(k3));
    assertEquals(0, pairer.pending());
    assertCounts(2, 1, 0, 0, 0);
  }

  @Test
  void otherMessagesPassUncounted() {
    Dnstap notMessage = Dnstap.newBuilder().setType(Dnstap.Type.MESSAGE).build();
    Dnstap resolver =
        PairingMessages.wrap(
            query(5300, 1, 1000).getMessage().toBuilder().setType(Message.Type.RESOLVER_QUERY));
    Dnstap queryWithoutMessage =
        PairingMessages.wrap(query(5300, 1, 1000).getMessage().toBuilder().clearQueryMessage());
    Dnstap shortQuery =
        PairingMessages.wrap(
            query(5300, 1, 1000).getMessage().toBuilder()
                .setQueryMessage(ByteString.copyFrom(new byte[11])));
    for (Dnstap d : new Dnstap[] {notMessage, resolver, queryWithoutMessage, shortQuery}) {
      assertSame(d, pairer.accept(d));
    }
    assertEquals(0, pairer.pending());
    assertTrue(counts.isEmpty(), counts.toString());
  }

  @Test
  void responsesWithoutAPendingQueryPassOnCounted() {
    Dnstap r = response(5300, 1, 1000);
    assertSame(r, pairer.accept(r));
    Dnstap empty = PairingMessages.wrap(r.getMessage().toBuilder().clearResponseMessage());
    assertSame(empty, pairer.accept(empty));
    assertCounts(0, 0, 0, 2, 0);
  }

  @Test
  void retransmissionsPairFirstInFirstOut() {
    pairer.accept(query(5300, 1, 1_000_001));
    pairer.accept(query(5300, 1, 1_000_002));
    pairer.accept(query(5300, 1, 1_000_003));
    assertEquals(3, pairer.pending());
    assertEquals(1000, pairer.accept(response(5300, 1, 1_000_010)).getMessage().getQueryTimeNsec());
    assertEquals(2000, pairer.accept(response(5300, 1, 1_000_011)).getMessage().getQueryTimeNsec());
    pairer.finish();
    assertCounts(2, 0, 1, 0, 0);
  }

  @Test
  void theOldestIsEvictedWhenTooManyWait() {
    pairer = pairer(Duration.ofSeconds(2), 3);
    for (int id = 1; id <= 5; id++) {
      pairer.accept(query(5300, id, 1000 + id));
      assertTrue(pairer.pending() <= 3);
    }
    assertCounts(0, 0, 0, 0, 2);
    for (int id = 1; id <= 5; id++) {
      pairer.accept(response(5300, id, 2000 + id));
    }
    assertCounts(3, 0, 0, 2, 2);
    assertEquals(0, pairer.pending());
  }

  @Test
  void aPendingQueryWeighsItsQueryAndKey() {
    pairer.accept(query(5300, 1, 1000));
    assertEquals(WEIGHT, pairer.pendingBytes());
    pairer.accept(paddedQuery(5300, 2, 1000, 1000));
    assertEquals(2 * WEIGHT + 1000, pairer.pendingBytes());
    pairer.accept(response(5300, 1, 1001));
    assertEquals(WEIGHT + 1000, pairer.pendingBytes());
    pairer.finish();
    assertEquals(0, pairer.pendingBytes());
  }

  @Test
  void theOldestAreEvictedWhenTheirBytesWouldExceedTheBound() {
    pairer = pairer(Duration.ofSeconds(2), 100, 4L * WEIGHT);
    acceptQueries(4);
    assertCounts(0, 0, 0, 0, 0);
    assertEquals(4L * WEIGHT, pairer.pendingBytes(), "exactly the bound is within it");
    // as heavy as two: the two oldest go, first in first out
    pairer.accept(paddedQuery(5300, 5, 1005, WEIGHT));
    assertCounts(0, 0, 0, 0, 2);
    assertEquals(3, pairer.pending());
    assertEquals(4L * WEIGHT, pairer.pendingBytes());
    pairer.accept(query(5300, 6, 1006));
    assertCounts(0, 0, 0, 0, 3);
    for (int id = 1; id <= 6; id++) {
      pairer.accept(response(5300, id, 2000 + id));
    }
    assertCounts(3, 0, 0, 3, 3);
    assertEquals(0, pairer.pendingBytes());
    assertEquals(0, oversized);
  }

  @Test
  void whicheverBoundIsReachedFirstEvicts() {
    pairer = pairer(Duration.ofSeconds(2), 2, 10L * WEIGHT);
    acceptQueries(3);
    assertCounts(0, 0, 0, 0, 1);
    assertEquals(2L * WEIGHT, pairer.pendingBytes());
    pairer.accept(paddedQuery(5300, 4, 1004, 9 * WEIGHT));
    assertCounts(0, 0, 0, 0, 3);
    assertEquals(1, pairer.pending());
  }

  /**
   * A query heavier than the whole bound waits alone, as a payload heavier than the queue's bound
   * goes in alone, and pairs with its response if that comes before the next query.
   */
  @Test
  void aQueryHeavierThanTheWholeBoundWaitsAlone() {
    pairer = pairer(Duration.ofSeconds(2), 100, 4L * WEIGHT);
    acceptQueries(3);
    Dnstap heavy = paddedQuery(5300, 4, 1004, 10 * WEIGHT);
    assertNull(pairer.accept(heavy));
    assertEquals(1, oversized);
    assertCounts(0, 0, 0, 0, 3);
    assertEquals(1, pairer.pending());
    assertEquals(11L * WEIGHT, pairer.pendingBytes());
    Dnstap out = pairer.accept(response(5300, 4, 1005));
    assertEquals(heavy.getMessage().getQueryMessage(), out.getMessage().getQueryMessage());
    assertEquals(0, pairer.pendingBytes());

    // the next query pushes a heavy one out like any other
    pairer.accept(paddedQuery(5300, 5, 1006, 10 * WEIGHT));
    pairer.accept(query(5300, 6, 1007));
    assertEquals(2, oversized);
    assertCounts(1, 0, 0, 0, 4);
    assertEquals(WEIGHT, pairer.pendingBytes());
  }

  @Test
  void anEvictedRetransmissionLeavesTheLaterOnesOfItsKey() {
    pairer = pairer(Duration.ofSeconds(2), 2);
    pairer.accept(query(5300, 1, 1_000_001));
    pairer.accept(query(5300, 1, 1_000_002));
    pairer.accept(query(5300, 1, 1_000_003));
    assertCounts(0, 0, 0, 0, 1);
    assertEquals(2000, pairer.accept(response(5300, 1, 1_000_010)).getMessage().getQueryTimeNsec());
    assertEquals(3000, pairer.accept(response(5300, 1, 1_000_011)).getMessage().getQueryTimeNsec());
    assertEquals(0, pairer.pending());
  }

  @Test
  void queriesAgeOutWhenTheDnstapClockPassesTheWindow() {
    pairer = pairer(Duration.ofMillis(100), 100);
    pairer.accept(query(5301, 1, 0));
    pairer.accept(query(5302, 2, 50_000));
    pairer.accept(query(5303, 3, 100_000)); // exactly the window after the first: it stays
    assertCounts(0, 0, 0, 0, 0);
    pairer.accept(query(5304, 4, 100_001));
    assertCounts(0, 0, 1, 0, 0);
    assertEquals(3, pairer.pending());
    // a response moves the clock too, and pairs before anything ages
    Dnstap r2 = response(5302, 2, 150_001);
    assertPairedWith(pairer.accept(r2), r2, 2);
    assertEquals(2, pairer.pending());
    assertEquals(
        PairOutcome.RESPONSE_WITHOUT_QUERY,
        outcomeOf(() -> pairer.accept(response(5301, 1, 150_002))));
    assertEquals(
        PairOutcome.QUERY_WITHOUT_RESPONSE,
        outcomeOf(() -> pairer.accept(query(5305, 5, 200_001))));
    assertEquals(2, pairer.pending());
    assertCounts(1, 0, 2, 1, 0);
  }

  @Test
  void messagesWithoutTimeDoNotMoveTheClock() {
    pairer = pairer(Duration.ofMillis(1), 100);
    pairer.accept(query(5301, 1, 1_000_000));
    Dnstap untimed =
        PairingMessages.wrap(
            query(5302, 2, 0).getMessage().toBuilder().clearQueryTimeSec().clearQueryTimeNsec());
    assertNull(pairer.accept(untimed));
    Dnstap r = response(5302, 2, 1_000_500);
    Message m = pairer.accept(r).getMessage();
    assertFalse(m.hasQueryTimeSec());
    assertEquals(0, count(PairOutcome.QUERY_WITHOUT_RESPONSE));
  }

  @Test
  void absurdTimestampsNeitherWrapTheClockNorLoseCounts() {
    pairer = pairer(Duration.ofMillis(1), 100);
    pairer.accept(query(5301, 1, 1_000_000));
    for (long sec : new long[] {Long.MAX_VALUE, -1L /* 2^64 - 1 as uint64 */}) {
      Dnstap far =
          PairingMessages.wrap(
              query(5302, 2, 0).getMessage().toBuilder().setQueryTimeSec(sec).setQueryTimeNsec(-1));
      assertNull(pairer.accept(far));
    }
    // the year 292 billion aged the first out, and the clock stays there
    assertCounts(0, 0, 1, 0, 0);
    Dnstap r = response(5302, 2, 2_000_000);
    assertNotNull(pairer.accept(r).getMessage().getQueryMessage());
    assertNotNull(pairer.accept(response(5302, 2, 2_000_000)).getMessage().getQueryMessage());
    assertCounts(2, 0, 1, 0, 0);
    assertEquals(0, pairer.pending());
  }

  @Test
  void finishCountsWhatStillWaits() {
    for (int id = 1; id <= 4; id++) {
      pairer.accept(query(5300, id, 1000));
    }
    pairer.accept(response(5300, 2, 1001));
    pairer.finish();
    assertEquals(0, pairer.pending());
    assertCounts(1, 0, 3, 0, 0);
    pairer.finish();
    assertCounts(1, 0, 3, 0, 0);
  }

  /**
   * Half the queries never get a response, the others get theirs a few frames later: pending
   * queries stay within the bounds of time, number and bytes, and every message is counted once.
   */
  @Test
  void halfTheQueriesUnansweredStayBoundedAndAreCountedExactly() {
    int messages = 100_000;
    Map<PairOutcome, Long> byCount = null;
    for (long[] bounds :
        new long[][] {{500, Long.MAX_VALUE}, {100_000, 500L * WEIGHT}, {100_000, Long.MAX_VALUE}}) {
      int maxPending = (int) bounds[0];
      long maxBytes = bounds[1];
      boolean bounded = maxPending == 500 || maxBytes != Long.MAX_VALUE;
      counts.clear();
      pairer = pairer(Duration.ofMillis(200), maxPending, maxBytes);
      Random random = new Random(13);
      int[] answerAt = new int[messages + 16];
      int queries = 0;
      int responses = 0;
      int maxSeen = 0;
      long micros = 1_000_000;
      for (int i = 0; responses + queries < messages; i++) {
        micros += 10 + random.nextInt(10) - (random.nextInt(8) == 0 ? 8 : 0);
        int id = i & 0xFFFF;
        int port = 1024 + (i >> 16);
        if (answerAt[i] != 0) {
          // the response of query answerAt[i] - 1, due now
          int q = answerAt[i] - 1;
          Dnstap r = response(1024 + (q >> 16), q & 0xFFFF, micros);
          assertNotNull(pairer.accept(r).getMessage().getQueryMessage());
          responses++;
        } else {
          assertNull(pairer.accept(query(port, id, micros)));
          queries++;
          if (random.nextBoolean()) {
            answerAt[i + 1 + random.nextInt(8)] = i + 1;
          }
        }
        maxSeen = Math.max(maxSeen, pairer.pending());
        assertEquals((long) pairer.pending() * WEIGHT, pairer.pendingBytes());
      }
      // 10 to 19 us per message, 200 ms window: fewer than 20,000 messages in a window
      assertTrue(maxSeen <= Math.min(maxPending, 20_000), "pending " + maxSeen);
      long waiting = pairer.pending();
      pairer.finish();
      assertEquals(0, pairer.pendingBytes());
      assertEquals(responses, count(PairOutcome.PAIRED), "every response paired");
      assertEquals(
          queries,
          count(PairOutcome.PAIRED)
              + count(PairOutcome.QUERY_WITHOUT_RESPONSE)
              + count(PairOutcome.EVICTED),
          "every query counted once");
      assertEquals(0, count(PairOutcome.RESPONSE_WITHOUT_QUERY));
      assertTrue(queries - responses > 45_000 / 2, "about half unanswered");
      if (bounded) {
        assertEquals(500, maxSeen);
        assertTrue(count(PairOutcome.EVICTED) > 0);
        // queries of one weight: a bound of 500 of them in bytes evicts exactly as one in number
        if (byCount == null) {
          byCount = new EnumMap<>(counts);
        } else {
          assertEquals(byCount, counts);
        }
      } else {
        assertEquals(0, count(PairOutcome.EVICTED));
        assertTrue(waiting > 0);
      }
    }
  }

  private PairOutcome outcomeOf(Runnable r) {
    Map<PairOutcome, Long> before = new EnumMap<>(counts);
    r.run();
    for (PairOutcome o : PairOutcome.values()) {
      if (count(o) != before.getOrDefault(o, 0L)) {
        return o;
      }
    }
    return null;
  }
}
