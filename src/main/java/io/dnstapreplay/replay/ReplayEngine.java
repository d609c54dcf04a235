// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.queue.PayloadQueue;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReplayEngine is the replay stage: {@code numSockets} connected UDP sockets to each target (one,
 * or one per address family), each of which keeps many queries in flight, and the {@link
 * ReplayPump} that takes payloads off the queue, filters them and sends their queries from the
 * sockets' own event loops. A global permit count and byte bound limit the queries in flight
 * (memory and load on the target); when either is exhausted the pump leaves the payloads queued,
 * the queue fills, and the collectors stop reading: backpressure all the way to the DNS server's
 * dnstap buffer.
 */
public final class ReplayEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplayEngine.class);

  /** Received datagrams are read whole: the largest UDP payload. */
  static final int MAX_DATAGRAM = 65535;

  /**
   * Datagrams read per system call, at most. Above 1, epoll reads with recvmmsg, which delivers an
   * empty datagram as one; its single-datagram read on a connected socket takes 0 bytes for
   * "nothing to read", so an empty response would vanish uncounted. Each slot takes the largest
   * datagram, so a read's buffer is this many times 64 KiB, taken from the pool for the read only.
   */
  static final int DATAGRAMS_PER_READ = 8;

  /** Socket buffers large enough to absorb bursts of thousands of responses. */
  static final int SOCKET_BUFFER_BYTES = 4 << 20;

  /** How long past the timeout shutdown waits for the sweepers before expiring queries itself. */
  static final long SHUTDOWN_GRACE_MILLIS = 1000;

  private final List<Channel> channels;
  private final List<ReplaySocketHandler> sockets;
  private final InFlightLimit permits;
  private final ReplayConfig config;
  private final ReplayPump pump;

  private ReplayEngine(
      List<Channel> channels,
      List<ReplaySocketHandler> sockets,
      InFlightLimit permits,
      ReplayConfig config,
      ReplayPump pump) {
    this.channels = channels;
    this.sockets = sockets;
    this.permits = permits;
    this.config = config;
    this.pump = pump;
  }

  /**
   * Opens {@code numSockets} sockets to each target and starts replaying what arrives on {@code
   * queue}. One permit count covers both targets: they are normally one server over its two address
   * families, whose load and queue the window measures as a whole.
   */
  public static ReplayEngine start(
      ReplayConfig config,
      ReplayOutcomes outcomes,
      PayloadQueue<Payload> queue,
      EventLoopGroup group)
      throws IOException {
    InFlightLimit permits =
        new InFlightLimit(config.maxInFlight(), config.maxInFlightBytes(), config.adaptiveWindow());
    ReplayPump pump = new ReplayPump(queue, config, outcomes, permits);
    int numSockets = config.numSockets();
    List<Channel> channels = new ArrayList<>();
    List<ReplaySocketHandler> sockets = new ArrayList<>();
    for (InetSocketAddress target : config.targets()) {
      int first = sockets.size();
      try {
        for (int i = 0; i < numSockets; i++) {
          ReplaySocketHandler h =
              new ReplaySocketHandler(config, outcomes, permits, numSockets, pump::wake);
          channels.add(connect(config, target, h, group));
          sockets.add(h);
        }
      } catch (Exception e) {
        channels.forEach(Channel::close);
        throw new IOException(
            "cannot open UDP sockets to --dns "
                + NetUtil.toSocketAddressString(target)
                + ": "
                + e.getMessage(),
            e);
      }
      // a query that conflicts with one in flight moves on to another socket to the same target
      for (int i = 0; i < numSockets; i++) {
        sockets.get(first + i).setNext(sockets.get(first + (i + 1) % numSockets));
      }
    }
    pump.start(sockets);
    return new ReplayEngine(channels, sockets, permits, config, pump);
  }

  private static Channel connect(
      ReplayConfig config, InetSocketAddress target, ReplaySocketHandler h, EventLoopGroup group)
      throws InterruptedException {
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR, new DatagramReads(DATAGRAMS_PER_READ, MAX_DATAGRAM))
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
            .handler(h);
    if (Epoll.isAvailable()) {
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
    }
    if (config.dscp() != null) {
      b.option(ChannelOption.IP_TOS, config.dscp() << 2);
    }
    return b.connect(target).sync().channel();
  }

  /** The UDP sockets, for tests that check their options. */
  List<Channel> channels() {
    return channels;
  }

  /** Queries sent and not yet answered, timed out or failed. */
  public int inFlight() {
    return permits.inFlight();
  }

  /** The weight of the payloads of the queries in flight, about the bytes of their frames. */
  public long inFlightBytes() {
    return permits.inFlightBytes();
  }

  /** The bound of {@link #inFlightBytes}: {@code --max-in-flight-bytes}. */
  public long maxInFlightBytes() {
    return permits.maxBytes();
  }

  /** Queries heavier than {@code --max-in-flight-bytes}, sent alone, so far. */
  public long oversizedQueries() {
    return permits.oversized();
  }

  /** Queries allowed in flight now: the congestion window, or {@code --max-in-flight}. */
  public int window() {
    return permits.limit();
  }

  /** The smallest round-trip time of the last 10 to 20 s, in seconds; 0 before any response. */
  public double minRttSeconds() {
    return Math.max(0, permits.baseRttNanos()) / 1e9;
  }

  /**
   * Replays what is still queued, waits for the queries in flight to be answered or to time out,
   * then closes the sockets. Call after the collectors have stopped.
   */
  @Override
  public void close() throws InterruptedException {
    pump.finish();
    if (!permits.awaitNone(
        config.timeout().toMillis() + SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
      log.warn("{} queries still in flight at shutdown: counted as timeouts", inFlight());
      for (ReplaySocketHandler s : sockets) {
        s.timeOutEverything().sync();
      }
    }
    for (Channel ch : channels) {
      ch.close().sync();
    }
  }
}
