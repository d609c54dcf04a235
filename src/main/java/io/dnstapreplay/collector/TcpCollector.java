// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * TcpCollector accepts Frame Streams senders over TCP (Unbound's {@code dnstap-ip}, dnsdist,
 * CoreDNS, {@code fstrm_replay -a}, {@code dnstap -T}) and feeds their dnstap messages into the
 * replay queue through the same {@link SenderPipeline} as the Unix socket. The protocol has no
 * authentication, so the pipeline admits only allowed addresses.
 */
public final class TcpCollector implements AutoCloseable {
  private final Channel server;
  private final SenderPipeline senders;

  private TcpCollector(Channel server, SenderPipeline senders) {
    this.server = server;
    this.senders = senders;
  }

  /**
   * Listens on {@code address}; each sender that connects gets {@code senders}' pipeline. Keepalive
   * is on, so a sender that vanished without closing frees its place under {@code
   * --max-connections} eventually.
   *
   * @throws IOException when the address cannot be bound
   */
  public static TcpCollector bind(
      InetSocketAddress address, EventLoopGroup group, SenderPipeline senders) throws IOException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(senders);
    try {
      return new TcpCollector(b.bind(address).sync().channel(), senders);
    } catch (Exception e) {
      throw new IOException(
          "cannot listen on --tcp "
              + NetUtil.toSocketAddressString(address)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The bound address (useful with port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Number of senders connected now. */
  public int connections() {
    return senders.connections();
  }

  /**
   * Stops accepting senders and closes open connections. Payloads already decoded stay queued for
   * replay.
   */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    senders.closeConnections();
  }
}
