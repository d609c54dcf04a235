// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HttpServer is the operator's window: {@code /metrics} for Prometheus, {@code /errors} and {@code
 * /timeouts} to fetch failure records. It serves nothing else and reads no request bodies, and
 * every limit (line, headers, body, idle time) is small, because it is meant for a loopback or
 * management address, not the internet.
 */
public final class HttpServer implements AutoCloseable {
  static final int MAX_INITIAL_LINE = 4096;
  static final int MAX_HEADER_BYTES = 8192;
  static final int MAX_BODY_BYTES = 8192;
  static final Duration IDLE = Duration.ofSeconds(60);

  private final Channel server;
  private final ChannelGroup connections;

  private HttpServer(Channel server, ChannelGroup connections) {
    this.server = server;
    this.connections = connections;
  }

  /**
   * Binds {@code address}.
   *
   * @throws IOException when the address cannot be bound
   */
  public static HttpServer bind(
      InetSocketAddress address,
      EventLoopGroup group,
      Metrics metrics,
      RecordBuffer errors,
      RecordBuffer timeouts)
      throws IOException {
    return bind(address, group, metrics, errors, timeouts, IDLE);
  }

  /** As {@link #bind}, closing connections idle for {@code idle} (tests use a short one). */
  static HttpServer bind(
      InetSocketAddress address,
      EventLoopGroup group,
      Metrics metrics,
      RecordBuffer errors,
      RecordBuffer timeouts,
      Duration idle)
      throws IOException {
    Routes routes = new Routes(metrics, errors, timeouts);
    ChannelGroup connections = new DefaultChannelGroup(group.next());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(
                Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS))
                        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192))
                        .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                        .addLast(new HttpRequestHandler(routes));
                  }
                });
    try {
      return new HttpServer(b.bind(address).sync().channel(), connections);
    } catch (Exception e) {
      throw new IOException(String.valueOf(e.getMessage()), e);
    }
  }

  /** The bound address (useful with port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /**
   * Stops listening, then closes the open connections, so that a request racing the shutdown gets a
   * closed connection at once instead of waiting for its own timeout.
   */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
  }
}
