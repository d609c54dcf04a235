// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Frame Streams over TCP on loopback: the same handshake and accounting as the Unix socket, and
 * admission before anything is read. A second loopback address (127.0.0.2) plays a sender outside
 * {@code --tcp-allow}.
 */
class TcpCollectorTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final Metrics metrics = new Metrics();
  private final PayloadQueue<Payload> queue = new PayloadQueue<>(1000);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private TcpCollector bind(String allow, int maxConnections) throws IOException {
    return TcpCollector.bind(
        ANY_PORT,
        group,
        new SenderPipeline(
            Transport.TCP,
            IpNetworks.parse(List.of(allow)),
            maxConnections,
            FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH,
            queue,
            metrics));
  }

  private Scrape scrape() {
    return new Scrape(metrics.scrape());
  }

  private double refused(String reason) {
    return scrape()
        .value(
            "dnstap_replay_connections_refused_total{reason=\"" + reason + "\",transport=\"tcp\"}");
  }

  @Test
  void aSessionOverTcpIsReadLikeOneOverTheUnixSocket() throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    try (TcpCollector c = bind("127.0.0.0/8", 4)) {
      FrameStreamSender.sendSession(c.localAddress(), frames);
    }
    List<Payload> got = new ArrayList<>();
    queue.drainTo(got, frames.size() + 1, 1, TimeUnit.SECONDS);
    assertEquals(frames.size(), got.size());
    assertEquals(KnotCapture.parse(frames.get(0)), got.get(0).dnstap());
    Scrape m = scrape();
    assertEquals(frames.size(), m.value("dnstap_replay_data_frames_total"));
    assertEquals(
        frames.size(), m.value("dnstap_replay_transport_data_frames_total{transport=\"tcp\"}"));
    assertEquals(0, m.value("dnstap_replay_transport_data_frames_total{transport=\"unix\"}"));
    assertEquals(1, m.value("dnstap_replay_connections_accepted_total"));
  }

  @Test
  void aSenderOutsideTheAllowedNetworksIsClosedBeforeAnythingIsRead() throws Exception {
    try (TcpCollector c = bind("127.0.0.1/32", 4);
        FrameStreamSender outsider =
            FrameStreamSender.openFrom(InetAddress.getByName("127.0.0.2"), c.localAddress())) {
      assertTrue(outsider.awaitClosedByPeer(), "closed at accept");
      assertEquals(1, refused("not_allowed"));
      assertEquals(0, refused("too_many"));
      assertEquals(0, scrape().value("dnstap_replay_connections_accepted_total"));
      assertEquals(0, c.connections());

      FrameStreamSender.sendSession(c.localAddress(), KnotCapture.frames().subList(0, 3));
      // A read's payloads are handed over when the read completes, which may be just after FINISH.
      Await.until(
          () -> queue.size() == 3,
          Duration.ofSeconds(10),
          () -> "a sender from 127.0.0.1 is still served: " + queue.size() + " of 3 queued");
    }
  }

  @Test
  void connectionsBeyondTheCapAreRefused() throws Exception {
    try (TcpCollector c = bind("127.0.0.0/8", 1);
        FrameStreamSender first = FrameStreamSender.streaming(c.localAddress());
        FrameStreamSender second = FrameStreamSender.open(c.localAddress())) {
      assertTrue(second.awaitClosedByPeer(), "closed at accept");
      assertEquals(1, refused("too_many"));
      assertEquals(
          1, scrape().value("dnstap_replay_connections_open{transport=\"tcp\"}"), "the first");
      first.send(KnotCapture.frames().subList(0, 1));
      first.stop();
      Await.until(() -> c.connections() == 0, WAIT, () -> "connections: " + c.connections());
    }
  }

  @Test
  void aSenderThatBreaksTheProtocolIsClosedAndCountedAsOverUnix() throws Exception {
    try (TcpCollector c = bind("127.0.0.0/8", 4);
        FrameStreamSender hostile = FrameStreamSender.open(c.localAddress())) {
      hostile.writeHex("00000004 deadbeef");
      assertTrue(hostile.awaitClosedByPeer());
      assertEquals(
          1, scrape().value("dnstap_replay_connection_errors_total{reason=\"data_before_start\"}"));
      assertEquals(0, queue.size());
    }
  }

  @Test
  void anAddressInUseIsAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  TcpCollector.bind(
                      new InetSocketAddress("127.0.0.1", taken.getLocalPort()),
                      group,
                      new SenderPipeline(
                          Transport.TCP, IpNetworks.none(), 1, 1024, queue, metrics)));
      assertTrue(
          e.getMessage().startsWith("cannot listen on --tcp 127.0.0.1:" + taken.getLocalPort()),
          e.getMessage());
    }
  }
}
