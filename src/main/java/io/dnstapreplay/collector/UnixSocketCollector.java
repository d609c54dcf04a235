// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.metrics.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UnixSocketCollector accepts Frame Streams senders (DNS servers) on a Unix socket and feeds their
 * dnstap messages into the replay queue. Every connection has its own pipeline, so one broken
 * sender never disturbs another.
 *
 * <p>The socket file is identified by its inode: if someone removes or replaces it while we run,
 * connected senders go on, new ones cannot reach us, and we say so (a warning and the {@code
 * unix_socket_reachable} gauge) instead of failing silently; on close we remove only our own file.
 */
public final class UnixSocketCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnixSocketCollector.class);

  /** How often the socket file is checked; a removed one is reported within this time. */
  static final long SOCKET_CHECK_SECONDS = 10;

  private final Path path;
  private final Channel server;
  private final SenderPipeline senders;
  private final Object fileKey;
  private ScheduledFuture<?> socketCheck;
  private boolean reportedGone;

  private UnixSocketCollector(Path path, Channel server, SenderPipeline senders, Object fileKey) {
    this.path = path;
    this.server = server;
    this.senders = senders;
    this.fileKey = fileKey;
  }

  /**
   * Binds the socket at {@code path} (removing only a stale socket there) with file mode {@code
   * permissions}; each sender that connects gets {@code senders}' pipeline.
   *
   * @throws IOException when the path cannot be used or bound; nothing is left behind then
   */
  public static UnixSocketCollector bind(
      Path path,
      Set<PosixFilePermission> permissions,
      EventLoopGroup group,
      SenderPipeline senders,
      Metrics metrics)
      throws IOException {
    SocketPath.prepare(path);
    Socket listener = listen(path, permissions);
    Object fileKey;
    try {
      fileKey = fileKey(path);
    } catch (IOException e) {
      listener.close();
      throw new IOException("cannot stat --unix " + path + ": " + e.getMessage(), e);
    }
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channelFactory(() -> new EpollServerDomainSocketChannel(listener.intValue(), true))
            .childHandler(senders);
    Channel server;
    try {
      server = b.register().sync().channel();
    } catch (Exception e) {
      listener.close();
      Files.deleteIfExists(path);
      throw new IOException("cannot listen on --unix " + path + ": " + e.getMessage(), e);
    }
    UnixSocketCollector collector = new UnixSocketCollector(path, server, senders, fileKey);
    collector.socketCheck =
        server
            .eventLoop()
            .scheduleAtFixedRate(
                collector::checkSocketFile,
                SOCKET_CHECK_SECONDS,
                SOCKET_CHECK_SECONDS,
                TimeUnit.SECONDS);
    metrics.gauge(
        "unix_socket_reachable",
        "1 while --unix names the socket we listen on; 0 once it was removed or replaced",
        () -> collector.ownsSocketFile() ? 1 : 0);
    return collector;
  }

  /**
   * Binds and listens with Netty's native socket rather than letting the channel bind: a channel
   * that bound a path deletes whatever file is at that path when it closes, even another program's
   * socket that replaced ours. A channel made from a listening descriptor deletes nothing, and
   * {@link #close} removes the file only if it is still ours.
   */
  private static Socket listen(Path path, Set<PosixFilePermission> permissions) throws IOException {
    Socket listener = Socket.newSocketDomain();
    try {
      listener.bind(new DomainSocketAddress(path.toFile()));
    } catch (IOException e) {
      listener.close();
      throw new IOException("cannot listen on --unix " + path + ": " + e.getMessage(), e);
    }
    try {
      Files.setPosixFilePermissions(path, permissions);
      listener.listen(NetUtil.SOMAXCONN);
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      Files.deleteIfExists(path);
      throw new IOException("cannot set up --unix " + path + ": " + e.getMessage(), e);
    }
  }

  private static Object fileKey(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  /** Whether {@code path} is still the socket file this collector bound. */
  boolean ownsSocketFile() {
    try {
      return fileKey.equals(fileKey(path));
    } catch (IOException e) {
      return false;
    }
  }

  /** Warns once when the socket file has gone: new senders cannot connect until a restart. */
  void checkSocketFile() {
    if (!reportedGone && !ownsSocketFile()) {
      reportedGone = true;
      log.warn(
          "socket file {} was removed or replaced: connected senders go on, new senders cannot"
              + " connect; restart dnstap-replay to listen again",
          path);
    }
  }

  public Path path() {
    return path;
  }

  /** Number of senders connected now. */
  public int connections() {
    return senders.connections();
  }

  /**
   * Stops accepting senders, closes open connections and removes the socket file if it is still
   * ours. Payloads already decoded stay queued for replay.
   */
  @Override
  public void close() {
    socketCheck.cancel(false);
    server.close().syncUninterruptibly();
    senders.closeConnections();
    if (!ownsSocketFile()) {
      log.info("not removing {}: it is no longer the socket this daemon bound", path);
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("cannot remove socket file {}: {}", path, e.getMessage());
    }
  }
}
