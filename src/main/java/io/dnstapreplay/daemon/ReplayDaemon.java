// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import io.dnstapreplay.collector.UnixSocketCollector;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.http.HttpServer;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.monitor.MatchStatusMonitor;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.replay.IgnoredNetworks;
import io.dnstapreplay.replay.MatchSwitch;
import io.dnstapreplay.replay.PayloadFilter;
import io.dnstapreplay.replay.ReplayEngine;
import io.dnstapreplay.replay.ReplayOutcomes;
import io.dnstapreplay.replay.ReplaySettings;
import io.dnstapreplay.report.RecordBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReplayDaemon wires the stages together: Unix socket collector, queue, replay engine, failure
 * buffers, HTTP server and, optionally, the match-status monitor. It is the only class that knows
 * every package.
 *
 * <p>Start-up binds the UDP sockets and the HTTP server before the Unix socket, so a DNS server
 * never connects to a daemon that cannot replay yet; a failure at any step undoes the earlier ones.
 * Shutdown goes the other way and loses nothing already received.
 */
public final class ReplayDaemon implements AutoCloseable {
  /** Start-up and shutdown lines, shown at the default log level (see the CLI). */
  public static final String LIFECYCLE_LOGGER = "dnstap-replay";

  private static final Logger log = LoggerFactory.getLogger(LIFECYCLE_LOGGER);

  private final Metrics metrics;
  private final EventLoopGroup ioGroup;
  private final EventLoopGroup udpGroup;
  private MatchStatusMonitor monitor;
  private ReplayEngine engine;
  private HttpServer http;
  private UnixSocketCollector collector;

  private ReplayDaemon(Metrics metrics, EventLoopGroup ioGroup, EventLoopGroup udpGroup) {
    this.metrics = metrics;
    this.ioGroup = ioGroup;
    this.udpGroup = udpGroup;
  }

  /**
   * Starts every stage.
   *
   * @throws IOException when an address or path cannot be used; nothing is left running then
   */
  public static ReplayDaemon start(DaemonConfig c) throws IOException {
    Metrics metrics = new Metrics();
    int udpThreads = Math.min(c.numSockets(), Runtime.getRuntime().availableProcessors());
    ReplayDaemon d =
        new ReplayDaemon(
            metrics,
            new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("collector-http"), EpollIoHandler.newFactory()),
            new MultiThreadIoEventLoopGroup(
                udpThreads, new DefaultThreadFactory("replay-udp"), EpollIoHandler.newFactory()));
    try {
      d.startStages(c);
      return d;
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  private void startStages(DaemonConfig c) throws IOException {
    MatchSwitch matchSwitch = new MatchSwitch(metrics::setMatchStatus);
    if (!c.matchStatusFiles().isEmpty()) {
      monitor =
          MatchStatusMonitor.start(c.matchStatusFiles(), c.matchStatusDelay(), matchSwitch::set);
    }
    RecordBuffer errors = new RecordBuffer(c.errorCapacity());
    RecordBuffer timeouts = new RecordBuffer(c.timeoutCapacity());
    metrics.gauge("errors_buffered", "Records waiting in the /errors buffer", errors::size);
    metrics.gauge("timeouts_buffered", "Records waiting in the /timeouts buffer", timeouts::size);
    PayloadQueue<Dnstap> queue = new PayloadQueue<>(c.channelCapacity());
    metrics.gauge("queue_depth", "Payloads waiting for the replay stage", queue::size);
    metrics.gauge(
        "queue_paused_connections",
        "Frame Streams connections not read because the queue is full",
        queue::parkedProducers);

    ReplayOutcomes outcomes =
        new ReplayOutcomes(metrics, matchSwitch, c.ignoreTc(), errors::offer, timeouts::offer);
    ReplaySettings settings =
        new ReplaySettings(c.proxy(), c.proxyTimespec(), c.timeout(), c.maxInFlight());
    PayloadFilter.Options filter =
        new PayloadFilter.Options(c.proxy(), IgnoredNetworks.parse(c.ignoreQueryNets()));
    engine =
        ReplayEngine.start(
            c.dns(), c.numSockets(), c.dscp(), settings, filter, outcomes, queue, udpGroup);
    metrics.gauge("dns_queries_in_flight", "Queries sent and not yet completed", engine::inFlight);
    log.info("replaying to udp:{} over {} sockets", c.dns(), c.numSockets());

    http = HttpServer.bind(c.http(), ioGroup, metrics, errors, timeouts);
    log.info(
        "serving http://{}/metrics, /errors, /timeouts", Addresses.format(http.localAddress()));

    collector =
        UnixSocketCollector.bind(c.unix(), c.unixMode(), ioGroup, c.maxFrameSize(), queue, metrics);
    log.info("listening for Frame Streams on unix:{}", c.unix());
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The HTTP server's bound address. */
  public java.net.InetSocketAddress httpAddress() {
    return http.localAddress();
  }

  /**
   * Stops accepting senders and removes the socket file, replays what was already received, lets
   * queries in flight complete or time out, then stops HTTP and the event loops.
   */
  @Override
  public void close() {
    if (collector != null) {
      collector.close();
    }
    if (engine != null) {
      try {
        engine.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (http != null) {
      http.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    udpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    log.info("stopped");
  }
}
