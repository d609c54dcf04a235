// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.proxyv2.ProxyV2Header;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UncaughtCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplaySocketHandlerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 53);
  private static final byte[] CLIENT = {(byte) 192, 0, 2, 7};

  private final Metrics metrics = new Metrics();
  private final MatchSwitch matchSwitch = new MatchSwitch(metrics::setMatchStatus);
  private final RecordBuffer errors = new RecordBuffer(100);
  private final RecordBuffer timeouts = new RecordBuffer(100);
  private final ReplayOutcomes outcomes =
      new ReplayOutcomes(
          metrics,
          matchSwitch,
          false,
          Set.of(),
          errors::offer,
          timeouts::offer,
          metrics.targetQueries(List.of(new InetSocketAddress("127.0.0.1", 53))));
  private final InFlightLimit permits = new InFlightLimit(10);
  private final AtomicInteger freed = new AtomicInteger();
  private EmbeddedChannel channel;

  private ReplaySocketHandler handler(boolean proxy, int ringSize) {
    return new ReplaySocketHandler(
        config(proxy, false), outcomes, permits, ringSize, freed::incrementAndGet);
  }

  private ReplaySocketHandler timespecHandler() {
    return new ReplaySocketHandler(
        config(true, true), outcomes, permits, 1, freed::incrementAndGet);
  }

  /** The handler reads no target: its channel is already connected. */
  private static ReplayConfig config(boolean proxy, boolean proxyTimespec) {
    return new ReplayConfig(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 53),
        null,
        1,
        null,
        proxy,
        proxyTimespec,
        TIMEOUT,
        10,
        Long.MAX_VALUE,
        true,
        false,
        IpNetworks.none(),
        Set.of(),
        null);
  }

  private EmbeddedChannel open(ReplaySocketHandler h) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(h);
    return ch;
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  /** A response to {@code query} (same ID and question) with the given RCODE. */
  static byte[] response(byte[] query, int rcode) {
    byte[] r = query.clone();
    r[2] |= (byte) 0x80;
    r[3] = (byte) rcode;
    return r;
  }

  static ReplayQuery replayQuery(byte[] query, byte[] logged) {
    return replayQuery(query, logged, null);
  }

  static ReplayQuery replayQuery(byte[] query, byte[] logged, ProxyV2Header.Timespec time) {
    Message.Builder m =
        Message.newBuilder()
            .setType(Message.Type.AUTH_RESPONSE)
            .setSocketFamily(SocketFamily.INET)
            .setSocketProtocol(SocketProtocol.UDP)
            .setQueryAddress(ByteString.copyFrom(CLIENT))
            .setQueryPort(40000)
            .setQueryMessage(ByteString.copyFrom(query))
            .setResponseMessage(ByteString.copyFrom(logged));
    if (time != null) {
      m.setResponseTimeSec(time.seconds()).setResponseTimeNsec(time.nanos());
    }
    return replayQuery(Dnstap.newBuilder().setType(Dnstap.Type.MESSAGE).setMessage(m).build());
  }

  private static ReplayQuery replayQuery(Dnstap d) {
    Payload p = Payload.of(d);
    PayloadFilter.Decision.Replay r =
        (PayloadFilter.Decision.Replay)
            PayloadFilter.classify(p, new PayloadFilter.Options(true, IpNetworks.none(), false));
    return new ReplayQuery(p, r, QueryKey.of(r.query()), 0);
  }

  private ReplayQuery take(byte[] query, byte[] logged) {
    return take(replayQuery(query, logged));
  }

  /** Takes {@code q}'s permit, as the pump does before it submits. */
  private ReplayQuery take(ReplayQuery q) {
    assertEquals(1, permits.tryAcquire(List.of(q), ReplayQuery::weight));
    return q;
  }

  static byte[] sent(EmbeddedChannel ch) {
    ByteBuf b = ch.readOutbound();
    if (b == null) {
      return null;
    }
    byte[] bytes = ByteBufUtil.getBytes(b);
    b.release();
    return bytes;
  }

  static void answer(EmbeddedChannel ch, byte[] response) {
    ch.writeInbound(
        new DatagramPacket(Unpooled.wrappedBuffer(response), new InetSocketAddress(0), TARGET));
  }

  private Scrape scrape() {
    return new Scrape(metrics.scrape());
  }

  private double comparisons(String result) {
    return scrape().result("dnstap_replay_dns_comparisons_total", result);
  }

  @Test
  void matchingResponseIsMatchedAndFreesItsPermit() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    byte[] logged = response(q, 1);
    h.submit(List.of(take(q, logged)));
    channel.runPendingTasks();
    assertArrayEquals(q, sent(channel));
    assertEquals(1, permits.inFlight());
    assertTrue(permits.inFlightBytes() > q.length + logged.length, "the message's size");
    assertEquals(0, freed.get());
    answer(channel, logged);
    assertEquals(1, freed.get(), "the read freed a place: the pump is asked to send more");
    assertEquals(1, comparisons("matched"));
    assertEquals(1, scrape().result("dnstap_replay_dns_queries_total", "success"));
    assertEquals(0, permits.inFlight());
    assertEquals(0, permits.inFlightBytes());
    assertEquals(0, errors.size());
  }

  @Test
  void differentResponseBecomesAMismatchRecordWithTheTargetsBytes() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    h.submit(List.of(take(q, response(q, 1))));
    channel.runPendingTasks();
    sent(channel);
    byte[] received = response(q, 2);
    answer(channel, received);
    assertEquals(1, comparisons("mismatched"));
    Dnstap record = Dnstap.parseFrom(errors.take(1).get(0));
    FailureRecord f = FailureRecord.decode(record.getExtra().toByteArray());
    assertEquals(FailureRecord.Kind.MISMATCH, f.kind());
    assertArrayEquals(received, f.mismatchResponse());
    assertArrayEquals(q, record.getMessage().getQueryMessage().toByteArray());
  }

  @Test
  void suppressedWhileTheSwitchIsOff() throws Exception {
    matchSwitch.set(false);
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    h.submit(List.of(take(q, response(q, 1))));
    channel.runPendingTasks();
    sent(channel);
    answer(channel, response(q, 2));
    assertEquals(1, comparisons("suppressed"));
    assertEquals(0, comparisons("mismatched"));
  }

  @Test
  void unansweredQueryTimesOutOnceAndItsLateResponseIsNotCompared() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    byte[] logged = response(q, 1);
    h.submit(List.of(take(q, logged)));
    channel.runPendingTasks();
    sent(channel);
    channel.advanceTimeBy(TIMEOUT.toMillis() - 200, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(0, timeouts.size());
    channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(1, timeouts.size());
    assertEquals(1, scrape().result("dnstap_replay_dns_queries_total", "timeout"));
    assertEquals(0, permits.inFlight());
    assertEquals(0, permits.inFlightBytes());
    Dnstap record = Dnstap.parseFrom(timeouts.take(1).get(0));
    assertEquals(
        FailureRecord.Kind.TIMEOUT, FailureRecord.decode(record.getExtra().toByteArray()).kind());

    answer(channel, logged);
    assertEquals(0, comparisons("matched"));
    assertEquals(1, scrape().value("dnstap_replay_dns_unmatched_responses_total{reason=\"late\"}"));
  }

  @Test
  void unknownAndShortResponsesAreCountedNotCompared() {
    channel = open(handler(false, 1));
    answer(channel, InFlightTableTest.query(99, "x.example"));
    answer(channel, new byte[] {1, 2, 3});
    assertEquals(
        2, scrape().value("dnstap_replay_dns_unmatched_responses_total{reason=\"unknown\"}"));
    assertEquals(0, scrape().result("dnstap_replay_dns_queries_total", "success"));
  }

  @Test
  void proxyHeaderCarriesTheOriginalClient() throws Exception {
    ReplaySocketHandler h = handler(true, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    h.submit(List.of(take(q, response(q, 1))));
    channel.runPendingTasks();
    byte[] out = sent(channel);
    ByteBuf expected = Unpooled.buffer();
    ProxyV2Header.encode(expected, CLIENT, 40000, null);
    expected.writeBytes(q);
    assertArrayEquals(ByteBufUtil.getBytes(expected), out);
    expected.release();
  }

  private static final ProxyV2Header.Timespec LOGGED_TIME =
      new ProxyV2Header.Timespec(1_700_000_000L, 123_456_789);

  /** Sends {@code q}, logged with a response time, through {@code h}; returns the datagram. */
  private byte[] sendWithResponseTime(ReplaySocketHandler h, byte[] q) throws Exception {
    channel = open(h);
    h.submit(List.of(take(replayQuery(q, response(q, 0), LOGGED_TIME))));
    channel.runPendingTasks();
    return sent(channel);
  }

  @Test
  void timespecTlvCarriesTheLoggedResponseTime() throws Exception {
    byte[] q = InFlightTableTest.query(7, "a.example");
    byte[] sent = sendWithResponseTime(timespecHandler(), q);
    ByteBuf expected = Unpooled.buffer();
    ProxyV2Header.encode(expected, CLIENT, 40000, LOGGED_TIME);
    expected.writeBytes(q);
    assertArrayEquals(ByteBufUtil.getBytes(expected), sent);
    expected.release();
  }

  @Test
  void timespecWithoutProxySendsTheBareQueryAsTheOriginalDoes() throws Exception {
    byte[] q = InFlightTableTest.query(7, "a.example");
    ReplaySocketHandler h =
        new ReplaySocketHandler(config(false, true), outcomes, permits, 1, freed::incrementAndGet);
    assertArrayEquals(q, sendWithResponseTime(h, q));
  }

  @Test
  void timespecIsLeftOutWhenTheMessageHasNoResponseTime() throws Exception {
    ReplaySocketHandler h = timespecHandler();
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    h.submit(List.of(take(q, response(q, 0))));
    channel.runPendingTasks();
    ByteBuf expected = Unpooled.buffer();
    ProxyV2Header.encode(expected, CLIENT, 40000, null);
    expected.writeBytes(q);
    assertArrayEquals(ByteBufUtil.getBytes(expected), sent(channel));
    expected.release();
  }

  @Test
  void indistinguishableQueryWaitsForTheFirstOnASingleSocket() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    byte[] logged = response(q, 1);
    h.submit(List.of(take(q, logged), take(q, logged)));
    channel.runPendingTasks();
    assertArrayEquals(q, sent(channel));
    assertNull(sent(channel));
    assertEquals(1, scrape().result("dnstap_replay_dns_queries_held_total", null));
    answer(channel, logged);
    assertArrayEquals(q, sent(channel));
    answer(channel, logged);
    assertEquals(2, comparisons("matched"));
    assertEquals(0, permits.inFlight());
    assertEquals(0, permits.inFlightBytes());
  }

  @Test
  void indistinguishableQueryGoesToTheNextSocket() throws Exception {
    ReplaySocketHandler a = handler(false, 2);
    ReplaySocketHandler b = handler(false, 2);
    a.setNext(b);
    b.setNext(a);
    channel = open(a);
    EmbeddedChannel other = open(b);
    try {
      byte[] q = InFlightTableTest.query(7, "a.example");
      a.submit(List.of(take(q, response(q, 1)), take(q, response(q, 1))));
      channel.runPendingTasks();
      other.runPendingTasks();
      assertArrayEquals(q, sent(channel));
      assertArrayEquals(q, sent(other));
      assertEquals(0, scrape().result("dnstap_replay_dns_queries_held_total", null));
    } finally {
      other.finishAndReleaseAll();
    }
  }

  @Test
  void shutdownCountsWhatIsLeftAsTimeouts() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    h.submit(List.of(take(q, response(q, 0)), take(q, response(q, 0))));
    channel.runPendingTasks();
    sent(channel);
    var done = h.timeOutEverything();
    channel.runPendingTasks();
    assertTrue(done.isSuccess());
    assertEquals(2, scrape().result("dnstap_replay_dns_queries_total", "timeout"));
    assertEquals(2, timeouts.size());
    assertEquals(0, permits.inFlight());
    assertEquals(0, permits.inFlightBytes());
  }

  @Test
  void closedSocketFailsEverythingItHeldAsErrors() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    byte[] q = InFlightTableTest.query(7, "a.example");
    h.submit(List.of(take(q, response(q, 0)), take(q, response(q, 0))));
    channel.runPendingTasks();
    sent(channel);
    channel.close();
    assertEquals(2, scrape().result("dnstap_replay_dns_queries_total", "error"));
    assertEquals(0, permits.inFlight());
    assertEquals(0, permits.inFlightBytes());
  }

  @Test
  void portUnreachableFailsWhatIsInFlightAsErrors() throws Exception {
    ReplaySocketHandler h = handler(false, 1);
    channel = open(h);
    h.submit(
        List.of(
            take(InFlightTableTest.query(1, "a.example"), new byte[12]),
            take(InFlightTableTest.query(2, "a.example"), new byte[12])));
    channel.runPendingTasks();
    channel.pipeline().fireExceptionCaught(new PortUnreachableException("closed"));
    assertEquals(2, scrape().result("dnstap_replay_dns_queries_total", "error"));
    assertEquals(2, scrape().result("dnstap_replay_dnstap_payloads_total", "error"));
    assertEquals(0, permits.inFlight());
    assertEquals(0, permits.inFlightBytes());
    assertEquals(0, timeouts.size());
  }

  /** An Error on the socket's pipeline goes to the handler that ends the process. */
  @Test
  void anErrorIsFatal() {
    channel = open(handler(false, 1));
    try (UncaughtCapture uncaught = UncaughtCapture.onThisThread()) {
      OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory");
      channel.pipeline().fireExceptionCaught(oom);
      assertEquals(List.of(oom), uncaught.errors());
    }
  }
}
