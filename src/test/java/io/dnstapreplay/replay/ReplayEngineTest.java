// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Scrape;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UDP stage against a real socket on loopback that answers as told. */
class ReplayEngineTest {
  private static final int QUERIES = 500;

  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(1000);
  private final RecordBuffer timeouts = new RecordBuffer(1000);
  private final PayloadQueue<Dnstap> queue = new PayloadQueue<>(10_000);
  private EventLoopGroup group;

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * The response the responder sends for {@code query}: the query with QR set, padded with {@code
   * padding} bytes after the question so responses of any size can be made.
   */
  static byte[] responseTo(byte[] query, int padding) {
    byte[] r = Arrays.copyOf(query, query.length + padding);
    r[2] |= (byte) 0x80;
    Arrays.fill(r, query.length, r.length, (byte) 0x5a);
    return r;
  }

  /** Answers every datagram with {@link #responseTo}, until closed. */
  static final class Responder implements AutoCloseable {
    final DatagramSocket socket;
    private final Thread thread;

    Responder(InetAddress address, int padding) throws Exception {
      socket = new DatagramSocket(new InetSocketAddress(address, 0));
      thread =
          new Thread(
              () -> {
                byte[] buf = new byte[65535];
                while (!socket.isClosed()) {
                  try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] r = responseTo(Arrays.copyOf(p.getData(), p.getLength()), padding);
                    socket.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  private static Dnstap payload(int i, byte[] client, int padding) {
    byte[] query = InFlightTableTest.query(i, "q" + i + ".example");
    return Dnstap.newBuilder()
        .setType(Dnstap.Type.MESSAGE)
        .setMessage(
            Message.newBuilder()
                .setType(Message.Type.AUTH_RESPONSE)
                .setSocketFamily(client.length == 4 ? SocketFamily.INET : SocketFamily.INET6)
                .setSocketProtocol(SocketProtocol.UDP)
                .setQueryAddress(ByteString.copyFrom(client))
                .setQueryPort(10_000 + i)
                .setQueryMessage(ByteString.copyFrom(query))
                .setResponseMessage(ByteString.copyFrom(responseTo(query, padding))))
        .build();
  }

  private ReplayEngine engine(InetSocketAddress target, Integer dscp) throws Exception {
    ReplayOutcomes outcomes =
        new ReplayOutcomes(
            metrics,
            new MatchSwitch(metrics::setMatchStatus),
            false,
            errors::offer,
            timeouts::offer);
    return ReplayEngine.start(
        new ReplayConfig(
            target,
            4,
            dscp,
            false,
            false,
            Duration.ofSeconds(2),
            64,
            true,
            false,
            IgnoredNetworks.none()),
        outcomes,
        queue,
        group);
  }

  private Scrape awaitAnswered(int n) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      Scrape s = new Scrape(metrics.scrape());
      if (s.result("dnstap_replay_dnstap_payloads_total", "success")
              + s.result("dnstap_replay_dnstap_payloads_total", "error")
          >= n) {
        return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not all answered:\n" + metrics.scrape());
  }

  private void replay(InetAddress responderAddress, byte[] client, int padding, int n)
      throws Exception {
    try (Responder responder = new Responder(responderAddress, padding)) {
      ReplayEngine engine = engine(responder.address(), null);
      try {
        for (int i = 0; i < n; i++) {
          queue.offer(payload(i, client, padding));
        }
        Scrape s = awaitAnswered(n);
        assertEquals(n, s.result("dnstap_replay_dns_comparisons_total", "matched"), s.toString());
        assertEquals(0, s.result("dnstap_replay_dns_queries_total", "timeout"));
      } finally {
        engine.close();
      }
    }
  }

  @Test
  void manyQueriesOverIpv4AreAllMatchedWithABoundedWindow() throws Exception {
    replay(InetAddress.getByName("127.0.0.1"), new byte[] {(byte) 192, 0, 2, 1}, 0, QUERIES);
  }

  @Test
  void ipv6TargetWorks() throws Exception {
    byte[] client = InetAddress.getByName("2001:db8::7").getAddress();
    replay(InetAddress.getByName("::1"), client, 0, 50);
  }

  @Test
  void responsesLargerThan4096BytesAreReceivedWhole() throws Exception {
    replay(InetAddress.getByName("127.0.0.1"), new byte[] {(byte) 192, 0, 2, 1}, 20_000, 20);
  }

  @Test
  void mismatchRecordCarriesTheWholeLargeResponse() throws Exception {
    try (Responder responder = new Responder(InetAddress.getByName("127.0.0.1"), 9000)) {
      ReplayEngine engine = engine(responder.address(), null);
      try {
        queue.offer(payload(1, new byte[] {10, 0, 0, 1}, 8000));
        awaitAnswered(1);
      } finally {
        engine.close();
      }
    }
    Dnstap record = Dnstap.parseFrom(errors.take(1).get(0));
    byte[] received = FailureRecord.decode(record.getExtra().toByteArray()).mismatchResponse();
    assertEquals(record.getMessage().getQueryMessage().size() + 9000, received.length);
    assertArrayEquals(
        responseTo(record.getMessage().getQueryMessage().toByteArray(), 9000), received);
  }

  @Test
  void dscpIsSetOnEverySocket() throws Exception {
    try (Responder responder = new Responder(InetAddress.getByName("127.0.0.1"), 0)) {
      ReplayEngine engine = engine(responder.address(), 46);
      try {
        for (var ch : engine.channels()) {
          assertEquals(46 << 2, ch.config().getOption(ChannelOption.IP_TOS));
        }
      } finally {
        engine.close();
      }
    }
  }

  @Test
  void closeWaitsForQueriesInFlightToTimeOut() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      ReplayEngine engine = engine((InetSocketAddress) silent.getLocalSocketAddress(), null);
      for (int i = 0; i < 10; i++) {
        queue.offer(payload(i, new byte[] {10, 0, 0, 1}, 0));
      }
      engine.close();
      Scrape s = new Scrape(metrics.scrape());
      assertEquals(10, s.result("dnstap_replay_dns_queries_total", "timeout"), s.toString());
      assertEquals(10, timeouts.size());
      assertEquals(0, engine.inFlight());
    }
  }
}
