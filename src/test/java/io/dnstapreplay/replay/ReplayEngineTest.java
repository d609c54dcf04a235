// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UDP stage against a responder on loopback that answers each query with itself. */
class ReplayEngineTest {
  private static final int QUERIES = 500;
  private static final HexFormat HEX = HexFormat.of();

  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(1000);
  private final RecordBuffer timeouts = new RecordBuffer(1000);
  private final PayloadQueue<Payload> queue = new PayloadQueue<>(10_000);
  private EventLoopGroup group;

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static Dnstap payload(int i, byte[] client, int padding) {
    return payload(i, client, client.length == 4 ? SocketFamily.INET : SocketFamily.INET6, padding);
  }

  /** A payload logged over {@code family}, or without a socket family when it is null. */
  private static Dnstap payload(int i, byte[] client, SocketFamily family, int padding) {
    byte[] query = query(i);
    Message.Builder m = Message.newBuilder();
    if (family != null) {
      m.setSocketFamily(family);
    }
    return Dnstap.newBuilder()
        .setType(Dnstap.Type.MESSAGE)
        .setMessage(
            m.setType(Message.Type.AUTH_RESPONSE)
                .setSocketProtocol(SocketProtocol.UDP)
                .setQueryAddress(ByteString.copyFrom(client))
                .setQueryPort(10_000 + i)
                .setQueryMessage(ByteString.copyFrom(query))
                .setResponseMessage(ByteString.copyFrom(UdpResponder.echoed(query, padding))))
        .build();
  }

  private static byte[] query(int i) {
    return InFlightTableTest.query(i, "q" + i + ".example");
  }

  private ReplayEngine engine(InetSocketAddress target, Integer dscp) throws Exception {
    return engine(target, null, dscp);
  }

  private ReplayEngine engine(InetSocketAddress target, InetSocketAddress ipv6Target, Integer dscp)
      throws Exception {
    ReplayConfig config =
        new ReplayConfig(
            target,
            ipv6Target,
            4,
            dscp,
            false,
            false,
            Duration.ofSeconds(2),
            64,
            Long.MAX_VALUE,
            true,
            false,
            IpNetworks.none(),
            Set.of(),
            null);
    ReplayOutcomes outcomes =
        new ReplayOutcomes(
            metrics,
            new MatchSwitch(metrics::setMatchStatus),
            false,
            Set.of(),
            errors::offer,
            timeouts::offer,
            metrics.targetQueries(config.targets()));
    return ReplayEngine.start(config, outcomes, queue, group);
  }

  private Scrape awaitAnswered(int n) throws Exception {
    return Await.settled(
        () -> new Scrape(metrics.scrape()),
        s -> Accounting.payloads(s) >= n,
        Duration.ofSeconds(10),
        "replay of " + n + " payloads");
  }

  private static UdpResponder echo(String address, int padding) throws Exception {
    return UdpResponder.start(
        new InetSocketAddress(InetAddress.getByName(address), 0), UdpResponder.echo(padding));
  }

  private void replay(String responderAddress, byte[] client, int padding, int n) throws Exception {
    try (UdpResponder responder = echo(responderAddress, padding)) {
      ReplayEngine engine = engine(responder.address(), null);
      try {
        for (int i = 0; i < n; i++) {
          queue.offer(Payload.of(payload(i, client, padding)));
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
    replay("127.0.0.1", new byte[] {(byte) 192, 0, 2, 1}, 0, QUERIES);
  }

  @Test
  void ipv6TargetWorks() throws Exception {
    byte[] client = InetAddress.getByName("2001:db8::7").getAddress();
    replay("::1", client, 0, 50);
  }

  /**
   * With a target per family, a query logged over IPv6 (by its socket family, or without one by its
   * 16-byte address) reaches only the IPv6 target, every other only the IPv4 target; each query is
   * answered once, by its own target.
   */
  @Test
  void eachQueryReachesTheTargetOfTheFamilyItWasLoggedOver() throws Exception {
    byte[] v4Client = {(byte) 192, 0, 2, 1};
    byte[] v6Client = InetAddress.getByName("2001:db8::7").getAddress();
    byte[] v4Mapped = InetAddress.getByName("::ffff:0:c000:201").getAddress();
    int n = 300;
    Set<String> toIpv4 = new HashSet<>();
    Set<String> toIpv6 = new HashSet<>();
    try (UdpResponder ipv4 = echo("127.0.0.1", 0);
        UdpResponder ipv6 = echo("::1", 0)) {
      ReplayEngine engine = engine(ipv4.address(), ipv6.address(), 46);
      try {
        assertEquals(8, engine.channels().size());
        for (var ch : engine.channels()) {
          assertEquals(46 << 2, ch.config().getOption(ChannelOption.IP_TOS));
        }
        for (int i = 0; i < n; i++) {
          Dnstap d =
              switch (i % 5) {
                case 0 -> payload(i, v4Client, SocketFamily.INET, 0);
                case 1 -> payload(i, v6Client, SocketFamily.INET6, 0);
                case 2 -> payload(i, v4Mapped, SocketFamily.INET6, 0);
                case 3 -> payload(i, v6Client, null, 0);
                default -> payload(i, v4Client, null, 0);
              };
          (i % 5 == 0 || i % 5 == 4 ? toIpv4 : toIpv6).add(HEX.formatHex(query(i)));
          queue.offer(Payload.of(d));
        }
        Scrape s = awaitAnswered(n);
        assertEquals(n, s.result("dnstap_replay_dns_comparisons_total", "matched"), s.toString());
        assertEquals(n, s.result("dnstap_replay_dns_queries_total", "success"));
        assertEquals(0, s.result("dnstap_replay_dns_queries_total", "timeout"));
        assertEquals(0, s.result("dnstap_replay_dns_queries_total", "error"));
        assertEquals(toIpv4.size(), targetQueries(s, "127.0.0.1:" + ipv4.address().getPort()));
        assertEquals(toIpv6.size(), targetQueries(s, "[::1]:" + ipv6.address().getPort()));
      } finally {
        engine.close();
      }
      assertEquals(toIpv4.size(), ipv4.receivedCount());
      assertEquals(toIpv6.size(), ipv6.receivedCount());
      assertEquals(toIpv4, received(ipv4));
      assertEquals(toIpv6, received(ipv6));
    }
  }

  private static double targetQueries(Scrape s, String target) {
    return s.value(
        "dnstap_replay_target_queries_total{result=\"success\",target=\"" + target + "\"}");
  }

  private static Set<String> received(UdpResponder responder) {
    return responder.received().stream().map(HEX::formatHex).collect(Collectors.toSet());
  }

  @Test
  void responsesLargerThan4096BytesAreReceivedWhole() throws Exception {
    replay("127.0.0.1", new byte[] {(byte) 192, 0, 2, 1}, 20_000, 20);
  }

  @Test
  void mismatchRecordCarriesTheWholeLargeResponse() throws Exception {
    try (UdpResponder responder = echo("127.0.0.1", 9000)) {
      ReplayEngine engine = engine(responder.address(), null);
      try {
        queue.offer(Payload.of(payload(1, new byte[] {10, 0, 0, 1}, 8000)));
        awaitAnswered(1);
      } finally {
        engine.close();
      }
    }
    Dnstap record = Dnstap.parseFrom(errors.take(1).get(0));
    byte[] received = FailureRecord.decode(record.getExtra().toByteArray()).mismatchResponse();
    assertEquals(record.getMessage().getQueryMessage().size() + 9000, received.length);
    assertArrayEquals(
        UdpResponder.echoed(record.getMessage().getQueryMessage().toByteArray(), 9000), received);
  }

  @Test
  void dscpIsSetOnEverySocket() throws Exception {
    try (UdpResponder responder = echo("127.0.0.1", 0)) {
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
    try (UdpResponder silent = UdpResponder.start(UdpResponder.silent())) {
      ReplayEngine engine = engine(silent.address(), null);
      for (int i = 0; i < 10; i++) {
        queue.offer(Payload.of(payload(i, new byte[] {10, 0, 0, 1}, 0)));
      }
      engine.close();
      Scrape s = new Scrape(metrics.scrape());
      assertEquals(10, s.result("dnstap_replay_dns_queries_total", "timeout"), s.toString());
      assertEquals(10, timeouts.size());
      assertEquals(0, engine.inFlight());
    }
  }
}
