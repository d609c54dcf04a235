// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.framestream.FrameStreamDecoder;
import io.dnstapreplay.framestream.FrameStreamEncoder;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.queue.PayloadQueue;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UnixSocketCollector accepts Frame Streams senders (DNS servers) on a Unix socket and feeds their
 * dnstap messages into the replay queue. Every connection has its own pipeline, so one broken
 * sender never disturbs another.
 */
public final class UnixSocketCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnixSocketCollector.class);

  private final Path path;
  private final Channel server;
  private final ChannelGroup connections;

  private UnixSocketCollector(Path path, Channel server, ChannelGroup connections) {
    this.path = path;
    this.server = server;
    this.connections = connections;
  }

  /**
   * Binds the socket at {@code path} (removing only a stale socket there) with file mode {@code
   * permissions}.
   *
   * @throws IOException when the path cannot be used or bound; nothing is left behind then
   */
  public static UnixSocketCollector bind(
      Path path,
      Set<PosixFilePermission> permissions,
      EventLoopGroup group,
      int maxDataFrameLength,
      PayloadQueue<Dnstap> queue,
      Metrics metrics)
      throws IOException {
    SocketPath.prepare(path);
    DnstapDecoder dnstapDecoder = new DnstapDecoder(metrics);
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<UnixChannel>() {
                  @Override
                  protected void initChannel(UnixChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast("fstrm-encoder", FrameStreamEncoder.INSTANCE)
                        .addLast("fstrm-decoder", new FrameStreamDecoder(maxDataFrameLength))
                        .addLast("handshake", new ReceiverHandshakeHandler(metrics))
                        .addLast("dnstap-decoder", dnstapDecoder)
                        .addLast("queue-writer", new QueueWriterHandler<>(queue, Dnstap.class));
                  }
                });
    Channel server;
    try {
      server = b.bind(new DomainSocketAddress(path.toFile())).sync().channel();
    } catch (Exception e) {
      throw new IOException("cannot listen on --unix " + path + ": " + e.getMessage(), e);
    }
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (IOException | RuntimeException e) {
      server.close().syncUninterruptibly();
      Files.deleteIfExists(path);
      throw new IOException("cannot set the mode of --unix " + path + ": " + e.getMessage(), e);
    }
    return new UnixSocketCollector(path, server, connections);
  }

  public Path path() {
    return path;
  }

  /** Number of senders connected now. */
  public int connections() {
    return connections.size();
  }

  /**
   * Stops accepting senders, closes open connections and removes the socket file. Payloads already
   * decoded stay queued for replay.
   */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("cannot remove socket file {}: {}", path, e.getMessage());
    }
  }
}
