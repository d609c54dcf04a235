// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Scrape;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pump on an embedded event loop: what it takes off the queue, in what order, and when. */
class ReplayPumpTest {
  private static final int WINDOW = 3;

  private final Metrics metrics = new Metrics();
  private final ReplayOutcomes outcomes =
      new ReplayOutcomes(
          metrics,
          new MatchSwitch(metrics::setMatchStatus),
          false,
          Set.of(),
          new RecordBuffer(100)::offer,
          new RecordBuffer(100)::offer,
          metrics.targetQueries(
              List.of(new InetSocketAddress("127.0.0.1", 53), new InetSocketAddress("::1", 53))));
  private final InFlightLimit permits = new InFlightLimit(WINDOW);
  private final PayloadQueue<Payload> queue = new PayloadQueue<>(4096);
  private static final ReplayConfig CONFIG =
      config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), null);
  private final ReplayPump pump = new ReplayPump(queue, CONFIG, outcomes, permits);
  private EmbeddedChannel channel;

  private static ReplayConfig config(InetSocketAddress target, InetSocketAddress ipv6Target) {
    return new ReplayConfig(
        target,
        ipv6Target,
        1,
        null,
        false,
        false,
        Duration.ofSeconds(1),
        WINDOW,
        Long.MAX_VALUE,
        false,
        false,
        IpNetworks.none(),
        Set.of(),
        null);
  }

  @BeforeEach
  void open() {
    ReplaySocketHandler h = new ReplaySocketHandler(CONFIG, outcomes, permits, 1, pump::wake);
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(h);
    pump.start(List.of(h));
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static Dnstap payload(byte[] query, Message.Type type) {
    return Dnstap.newBuilder()
        .setType(Dnstap.Type.MESSAGE)
        .setMessage(
            Message.newBuilder()
                .setType(type)
                .setSocketFamily(SocketFamily.INET)
                .setSocketProtocol(SocketProtocol.UDP)
                .setQueryAddress(ByteString.copyFrom(new byte[] {(byte) 192, 0, 2, 1}))
                .setQueryPort(40000)
                .setQueryMessage(ByteString.copyFrom(query))
                .setResponseMessage(
                    ByteString.copyFrom(ReplaySocketHandlerTest.response(query, 0))))
        .build();
  }

  private static byte[] query(int i) {
    return InFlightTableTest.query(i, "q" + i + ".example");
  }

  /** Hands {@code payloads} to the queue as a collector's read would. */
  private void collect(Dnstap... payloads) {
    queue.offerAll(new ArrayDeque<>(Stream.of(payloads).map(Payload::of).toList()));
  }

  private byte[] sent() {
    return ReplaySocketHandlerTest.sent(channel);
  }

  private void answer(byte[] query) {
    ReplaySocketHandlerTest.answer(channel, ReplaySocketHandlerTest.response(query, 0));
  }

  @Test
  void takesOnlyWhatTheWindowAllowsAndEachReadThatFreesPlacesSendsMore() {
    for (int i = 0; i < 5; i++) {
      collect(payload(query(i), Message.Type.AUTH_RESPONSE));
    }
    channel.runPendingTasks();
    for (int i = 0; i < WINDOW; i++) {
      assertArrayEquals(query(i), sent());
    }
    assertNull(sent());
    assertEquals(2, queue.size(), "the rest waits in the queue: backpressure to the collectors");

    answer(query(0));
    channel.runPendingTasks();
    assertArrayEquals(query(3), sent());
    assertNull(sent());
    assertEquals(1, queue.size());
  }

  @Test
  void anEmptyQueueWakesThePumpWhenACollectorAddsToIt() {
    channel.runPendingTasks();
    assertNull(sent());
    collect(payload(query(1), Message.Type.AUTH_RESPONSE));
    channel.runPendingTasks();
    assertArrayEquals(query(1), sent());
  }

  @Test
  void batchesWithNothingToSendDoNotStopThePump() {
    for (int i = 0; i < 2 * ReplayPump.BATCH; i++) {
      collect(payload(query(i), Message.Type.CLIENT_RESPONSE));
    }
    collect(payload(query(1), Message.Type.AUTH_RESPONSE));
    channel.runPendingTasks();
    assertArrayEquals(query(1), sent());
    assertEquals(
        2 * ReplayPump.BATCH,
        new Scrape(metrics.scrape()).value("dnstap_replay_dnstap_ignored_total"));
  }

  @Test
  void aRunYieldsToTheLoopAfterItsLimitAndTheNextRunGoesOn() {
    for (int i = 0; i < ReplayPump.RUN_LIMIT + 1; i++) {
      collect(payload(query(i), Message.Type.CLIENT_RESPONSE));
    }
    collect(payload(query(1), Message.Type.AUTH_RESPONSE));
    channel.runPendingTasks();
    assertArrayEquals(query(1), sent());
    assertEquals(0, queue.size());
  }

  /**
   * With a second target, the queries logged over IPv6 go to its sockets, the rest to the first.
   */
  @Test
  void eachQueryGoesToTheTargetOfItsAddressFamily() throws Exception {
    ReplayConfig dual =
        config(new InetSocketAddress("127.0.0.1", 53), new InetSocketAddress("::1", 53));
    PayloadQueue<Payload> q = new PayloadQueue<>(10);
    InFlightLimit limit = new InFlightLimit(WINDOW);
    ReplayPump p = new ReplayPump(q, dual, outcomes, limit);
    ReplaySocketHandler v4 = new ReplaySocketHandler(dual, outcomes, limit, 1, p::wake);
    ReplaySocketHandler v6 = new ReplaySocketHandler(dual, outcomes, limit, 1, p::wake);
    EmbeddedChannel ch4 = new EmbeddedChannel(v4);
    EmbeddedChannel ch6 = new EmbeddedChannel(v6);
    try {
      p.start(List.of(v4, v6));
      Dnstap overIpv6 =
          payload(query(2), Message.Type.AUTH_RESPONSE).toBuilder()
              .setMessage(
                  payload(query(2), Message.Type.AUTH_RESPONSE).getMessage().toBuilder()
                      .setSocketFamily(SocketFamily.INET6)
                      .setQueryAddress(
                          ByteString.copyFrom(InetAddress.getByName("2001:db8::1").getAddress())))
              .build();
      q.offerAll(
          new ArrayDeque<>(
              Stream.of(
                      payload(query(1), Message.Type.AUTH_RESPONSE),
                      overIpv6,
                      payload(query(3), Message.Type.AUTH_RESPONSE))
                  .map(Payload::of)
                  .toList()));
      ch4.runPendingTasks();
      ch6.runPendingTasks();
      assertArrayEquals(query(1), ReplaySocketHandlerTest.sent(ch4));
      assertArrayEquals(query(3), ReplaySocketHandlerTest.sent(ch4));
      assertNull(ReplaySocketHandlerTest.sent(ch4));
      assertArrayEquals(query(2), ReplaySocketHandlerTest.sent(ch6));
      assertNull(ReplaySocketHandlerTest.sent(ch6));
    } finally {
      ch4.finishAndReleaseAll();
      ch6.finishAndReleaseAll();
    }
  }

  /** What {@code d} weighs in the queue and in flight. */
  private static int weight(Dnstap d) {
    return Payload.of(d).weight();
  }

  /** One payload's weight, the same for query(0) to query(9). */
  private static final int WEIGHT = weight(payload(query(0), Message.Type.AUTH_RESPONSE));

  /** Room for two payloads in flight and half of a third. */
  private static final long IN_FLIGHT_BYTES = 2 * WEIGHT + WEIGHT / 2;

  /** A pump, its only socket and what they share, with a byte bound on what is in flight. */
  private record BytePump(
      PayloadQueue<Payload> queue, InFlightLimit limit, EmbeddedChannel channel) {
    static BytePump start(ReplayOutcomes outcomes) {
      // weighed as the daemon's queue weighs: as ReplayQuery.weight
      PayloadQueue<Payload> q = new PayloadQueue<>(100, Long.MAX_VALUE, Payload::weight);
      InFlightLimit limit = new InFlightLimit(100, IN_FLIGHT_BYTES, false);
      ReplayPump p = new ReplayPump(q, CONFIG, outcomes, limit);
      ReplaySocketHandler h = new ReplaySocketHandler(CONFIG, outcomes, limit, 1, p::wake);
      EmbeddedChannel ch = new EmbeddedChannel();
      ch.freezeTime();
      ch.pipeline().addLast(h);
      p.start(List.of(h));
      return new BytePump(q, limit, ch);
    }

    void collect(Dnstap... payloads) {
      queue.offerAll(new ArrayDeque<>(Stream.of(payloads).map(Payload::of).toList()));
      channel.runPendingTasks();
    }

    void answer(byte[] query) {
      ReplaySocketHandlerTest.answer(channel, ReplaySocketHandlerTest.response(query, 0));
      channel.runPendingTasks();
    }

    byte[] sent() {
      return ReplaySocketHandlerTest.sent(channel);
    }
  }

  @Test
  void leavesPayloadsQueuedWhileTheirBytesWouldExceedTheBoundInFlight() {
    BytePump b = BytePump.start(outcomes);
    try {
      b.collect(
          payload(query(0), Message.Type.AUTH_RESPONSE),
          payload(query(1), Message.Type.AUTH_RESPONSE),
          payload(query(2), Message.Type.AUTH_RESPONSE),
          payload(query(3), Message.Type.AUTH_RESPONSE));
      assertArrayEquals(query(0), b.sent());
      assertArrayEquals(query(1), b.sent());
      assertNull(b.sent(), "a third would exceed the bytes: the count (100) would allow it");
      assertEquals(2 * WEIGHT, b.limit().inFlightBytes());
      assertEquals(2, b.queue().size(), "the rest waits in the queue: backpressure");
      assertEquals(2 * WEIGHT, b.queue().bytes());

      b.answer(query(0));
      assertArrayEquals(query(2), b.sent());
      assertNull(b.sent());
      assertEquals(1, b.queue().size());
      b.answer(query(1));
      b.answer(query(2));
      assertArrayEquals(query(3), b.sent());
      assertEquals(0, b.queue().size());
      assertEquals(WEIGHT, b.limit().inFlightBytes());
      assertEquals(0, b.limit().oversized());
    } finally {
      b.channel().finishAndReleaseAll();
    }
  }

  @Test
  void aPayloadHeavierThanTheWholeBoundIsSentAloneOnceNothingIsInFlight() {
    Dnstap heavy =
        payload(query(1), Message.Type.AUTH_RESPONSE).toBuilder()
            .setExtra(ByteString.copyFrom(new byte[(int) IN_FLIGHT_BYTES]))
            .build();
    BytePump b = BytePump.start(outcomes);
    try {
      b.collect(
          payload(query(0), Message.Type.AUTH_RESPONSE),
          heavy,
          payload(query(2), Message.Type.AUTH_RESPONSE));
      assertArrayEquals(query(0), b.sent());
      assertNull(b.sent(), "the heavy one waits while anything is in flight");
      assertEquals(2, b.queue().size());

      b.answer(query(0));
      assertArrayEquals(query(1), b.sent(), "alone: nothing else was in flight");
      assertNull(b.sent(), "nothing goes with it");
      assertEquals(weight(heavy), b.limit().inFlightBytes());
      assertEquals(1, b.limit().oversized());

      b.answer(query(1));
      assertArrayEquals(query(2), b.sent());
      assertEquals(0, b.queue().size());
    } finally {
      b.channel().finishAndReleaseAll();
    }
  }

  @Test
  void everyPayloadHasItsOutcomeInQueueOrder() {
    collect(
        payload(query(1), Message.Type.AUTH_RESPONSE),
        payload(query(2), Message.Type.CLIENT_RESPONSE),
        payload(new byte[5], Message.Type.AUTH_RESPONSE),
        payload(query(3), Message.Type.AUTH_RESPONSE));
    channel.runPendingTasks();
    assertArrayEquals(query(1), sent());
    assertArrayEquals(query(3), sent());
    assertNull(sent());
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(1, s.value("dnstap_replay_dnstap_ignored_total"));
    assertEquals(1, s.result("dnstap_replay_dns_queries_total", "error"), "too short to send");
    assertEquals(2, permits.inFlight());
  }
}
