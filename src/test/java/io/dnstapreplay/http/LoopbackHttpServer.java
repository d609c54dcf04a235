// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * LoopbackHttpServer is the HTTP stage alone, on a free port of 127.0.0.1 with event loops of its
 * own, for the tests that talk to it without a daemon around it.
 */
final class LoopbackHttpServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final HttpServer server;

  private LoopbackHttpServer(EventLoopGroup group, HttpServer server) {
    this.group = group;
    this.server = server;
  }

  /** Serves {@code metrics} and the two buffers; closes connections idle for {@code idle}. */
  static LoopbackHttpServer start(
      Metrics metrics, RecordBuffer errors, RecordBuffer timeouts, Duration idle)
      throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    try {
      return new LoopbackHttpServer(
          group,
          HttpServer.bind(
              new InetSocketAddress("127.0.0.1", 0), group, metrics, errors, timeouts, idle));
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  InetSocketAddress localAddress() {
    return server.localAddress();
  }

  /** Closes the HTTP server alone, leaving its event loops running. */
  void closeServer() {
    server.close();
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
