// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.Scrape;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector's socket file: its mode, and that it removes only its own socket. */
class UnixSocketCollectorTest {
  private static final int MAX_CONNECTIONS = 2;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final Metrics metrics = new Metrics();

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Path socket() {
    return dir.resolve("replay.sock");
  }

  private UnixSocketCollector bind(String mode) throws IOException {
    return UnixSocketCollector.bind(
        socket(),
        PosixFilePermissions.fromString(mode),
        group,
        new SenderPipeline(
            Transport.UNIX,
            null,
            MAX_CONNECTIONS,
            FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH,
            new PayloadQueue<Payload>(10),
            metrics),
        metrics);
  }

  @Test
  void boundSocketHasTheRequestedMode() throws IOException {
    for (String mode : new String[] {"rw-rw----", "rw-------", "rw-rw-rw-"}) {
      try (UnixSocketCollector c = bind(mode)) {
        Set<PosixFilePermission> actual = Files.getPosixFilePermissions(c.path());
        assertEquals(mode, PosixFilePermissions.toString(actual));
        assertTrue(SocketPath.isSocket(socket()));
        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
          assertTrue(s.isConnected());
        }
      }
      assertFalse(Files.exists(socket()), "close removes the socket it bound");
    }
  }

  /**
   * Someone removed our socket and another program now listens at the path: stopping the daemon
   * must not take that program's socket away.
   */
  @Test
  void closeLeavesASocketThatIsNoLongerOursAlone() throws IOException {
    UnixSocketCollector c = bind("rw-rw----");
    Files.delete(socket());
    try (ServerSocketChannel other =
        ServerSocketChannel.open(StandardProtocolFamily.UNIX)
            .bind(UnixDomainSocketAddress.of(socket()))) {
      c.close();
      assertTrue(Files.exists(socket()), "the other program's socket was removed");
      try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
        assertTrue(s.isConnected() && other.isOpen());
      }
    }
  }

  @Test
  void removedSocketFileShowsInTheGaugeAndExistingConnectionsStay() throws IOException {
    try (UnixSocketCollector c = bind("rw-rw----");
        SocketChannel connected = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
      assertEquals(1, reachable());
      Files.delete(socket());
      c.checkSocketFile();
      assertEquals(0, reachable());
      assertThrows(
          IOException.class, () -> SocketChannel.open(UnixDomainSocketAddress.of(socket())));
      assertTrue(connected.isConnected());
      assertEquals(1, c.connections());
    }
    assertFalse(Files.exists(socket()));
  }

  /**
   * Beyond {@code --max-connections}, a sender is closed at accept and counted; once one leaves,
   * the next gets in.
   */
  @Test
  void connectionsBeyondTheCapAreRefusedUntilOneLeaves() throws Exception {
    try (UnixSocketCollector c = bind("rw-rw----")) {
      List<SocketChannel> admitted = new ArrayList<>();
      try {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
          admitted.add(SocketChannel.open(UnixDomainSocketAddress.of(socket())));
        }
        Await.until(() -> c.connections() == MAX_CONNECTIONS, WAIT, () -> "connections");
        try (SocketChannel refused = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
          assertEquals(-1, refused.read(ByteBuffer.allocate(1)), "closed at once");
        }
        Scrape m = new Scrape(metrics.scrape());
        assertEquals(
            1,
            m.value(
                "dnstap_replay_connections_refused_total{reason=\"too_many\",transport=\"unix\"}"));
        assertEquals(
            MAX_CONNECTIONS, m.value("dnstap_replay_connections_open{transport=\"unix\"}"));
        assertEquals(MAX_CONNECTIONS, c.connections());

        admitted.remove(0).close();
        Await.until(() -> c.connections() == MAX_CONNECTIONS - 1, WAIT, () -> "one left");
        admitted.add(SocketChannel.open(UnixDomainSocketAddress.of(socket())));
        Await.until(() -> c.connections() == MAX_CONNECTIONS, WAIT, () -> "the next got in");
      } finally {
        for (SocketChannel ch : admitted) {
          ch.close();
        }
      }
    }
    assertEquals(
        0,
        new Scrape(metrics.scrape()).value("dnstap_replay_connections_open{transport=\"unix\"}"));
  }

  private double reachable() {
    return new Scrape(metrics.scrape()).result("dnstap_replay_unix_socket_reachable", null);
  }

  @Test
  void closeLeavesAFileThatReplacedTheSocketAlone() throws IOException {
    UnixSocketCollector c = bind("rw-rw----");
    Files.delete(socket());
    Files.writeString(socket(), "not ours");
    c.close();
    assertEquals("not ours", Files.readString(socket()));
  }
}
