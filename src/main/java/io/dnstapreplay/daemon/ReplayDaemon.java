// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import io.dnstapreplay.collector.SenderPipeline;
import io.dnstapreplay.collector.TcpCollector;
import io.dnstapreplay.collector.UnixSocketCollector;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.fault.Stages;
import io.dnstapreplay.http.HttpServer;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.ByteBound;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.monitor.MatchStatusMonitor;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.replay.MatchSwitch;
import io.dnstapreplay.replay.ReplayConfig;
import io.dnstapreplay.replay.ReplayEngine;
import io.dnstapreplay.replay.ReplayOutcomes;
import io.dnstapreplay.report.RecordBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReplayDaemon wires the stages together: the Unix socket and TCP collectors (or, for a replay of
 * files, the file reader and the record files), queue, replay engine, failure buffers, HTTP server
 * and, optionally, the match-status monitor. It is the only class that knows every package.
 *
 * <p>Start-up opens the input files first, then binds the UDP sockets and the HTTP server before
 * the listeners, so a DNS server never connects to a daemon that cannot replay yet; a failure at
 * any step undoes the earlier ones, and only a complete start is logged, so a failed one leaves a
 * single error line. Shutdown goes the other way and loses nothing already received. An input named
 * {@code -} is this process's standard input.
 */
public final class ReplayDaemon implements AutoCloseable {
  /** Start-up and shutdown lines, shown at the default log level (see the CLI). */
  public static final String LIFECYCLE_LOGGER = "dnstap-replay";

  private static final Logger log = LoggerFactory.getLogger(LIFECYCLE_LOGGER);

  private final Metrics metrics;
  private final Stages stages;
  private final EventLoopGroup ioGroup;
  private final EventLoopGroup udpGroup;
  private boolean closed;
  private MatchStatusMonitor monitor;
  private PayloadQueue<Payload> queue;
  private RecordBuffer errors;
  private RecordBuffer timeouts;
  private ReplayEngine engine;
  private HttpServer http;
  private UnixSocketCollector unixCollector;
  private TcpCollector tcpCollector;
  private FileReplay files;
  private FileReplay.Outcome filesOutcome;

  private ReplayDaemon(Metrics metrics, Stages stages, int udpThreads) {
    this.metrics = metrics;
    this.stages = stages;
    this.ioGroup = stages.eventLoopGroup("collector-http", 1);
    this.udpGroup = stages.eventLoopGroup("replay-udp", udpThreads);
  }

  /**
   * Starts every stage.
   *
   * @throws IOException when an address or path cannot be used; nothing is left running then
   */
  public static ReplayDaemon start(DaemonConfig c) throws IOException {
    Metrics metrics = new Metrics();
    int udpThreads = Math.min(c.replay().numSockets(), Runtime.getRuntime().availableProcessors());
    ReplayDaemon d = new ReplayDaemon(metrics, new Stages(), udpThreads);
    try {
      d.startStages(c);
      return d;
    } catch (IOException | RuntimeException e) {
      d.stop(false);
      throw e;
    }
  }

  private void startStages(DaemonConfig c) throws IOException {
    if (c.files() != null || c.listeners().unix() == null) {
      metrics.withoutUnixSocket();
    }
    if (c.files() != null) {
      files = FileReplay.open(c.files(), System.in);
    }
    MatchSwitch matchSwitch = new MatchSwitch(metrics::setMatchStatus);
    if (!c.matchStatusFiles().isEmpty()) {
      monitor =
          MatchStatusMonitor.start(c.matchStatusFiles(), c.matchStatusDelay(), matchSwitch::set);
    }
    errors = new RecordBuffer(c.errorCapacity(), c.errorBytes());
    timeouts = new RecordBuffer(c.timeoutCapacity(), c.timeoutBytes());
    metrics.gauge("errors_buffered", "Records waiting in the /errors buffer", errors::size);
    metrics.gauge("timeouts_buffered", "Records waiting in the /timeouts buffer", timeouts::size);
    metrics.gauge("errors_buffered_bytes", "Bytes of the /errors buffer's records", errors::bytes);
    metrics.gauge(
        "timeouts_buffered_bytes", "Bytes of the /timeouts buffer's records", timeouts::bytes);
    metrics.gauge("errors_buffer_max_bytes", "The /errors buffer's byte bound", errors::maxBytes);
    metrics.gauge(
        "timeouts_buffer_max_bytes", "The /timeouts buffer's byte bound", timeouts::maxBytes);
    queue = new PayloadQueue<>(c.channelCapacity(), c.channelBytes(), Payload::weight);
    metrics.gauge("queue_depth", "Payloads waiting for the replay stage", queue::size);
    metrics.gauge(
        "queue_bytes",
        "Bytes of the payloads waiting for the replay stage (about their dnstap frames)",
        queue::bytes);
    metrics.gauge("queue_max_bytes", "The queue's byte bound (--channel-bytes)", queue::maxBytes);
    metrics.oversizedPayloads(ByteBound.QUEUE, queue::oversized);
    long pairingBytes = c.replay().pairing() == null ? 0 : c.replay().pairing().maxPendingBytes();
    metrics.gauge(
        "pairing_pending_max_bytes",
        "With --pair: the byte bound of the queries waiting (--pair-max-pending-bytes), else 0",
        () -> pairingBytes);
    metrics.gauge(
        "queue_paused_connections",
        "Frame Streams connections not read because the queue is full",
        queue::parkedProducers);

    ReplayOutcomes outcomes =
        new ReplayOutcomes(
            metrics,
            matchSwitch,
            c.replay().ignoreTc(),
            c.replay().equivalent(),
            errors::offer,
            timeouts::offer,
            metrics.targetQueries(c.replay().targets()));
    engine = ReplayEngine.start(c.replay(), outcomes, queue, udpGroup);
    metrics.health().addCritical("stages", stages::problem);
    metrics.gauge("dns_queries_in_flight", "Queries sent and not yet completed", engine::inFlight);
    metrics.gauge(
        "dns_queries_in_flight_bytes",
        "Bytes of the payloads of the queries in flight (about their dnstap frames)",
        engine::inFlightBytes);
    metrics.gauge(
        "dns_queries_in_flight_max_bytes",
        "Their byte bound (--max-in-flight-bytes)",
        engine::maxInFlightBytes);
    metrics.oversizedPayloads(ByteBound.IN_FLIGHT, engine::oversizedQueries);
    metrics.gauge(
        "dns_window",
        "Queries allowed in flight now: the congestion window, or --max-in-flight when fixed",
        engine::window);
    metrics.gauge(
        "dns_min_rtt_seconds",
        "Smallest round-trip time to the target in the last 10 to 20 s (0 before any response)",
        engine::minRttSeconds);
    if (files != null) {
      files.startOutputs(errors, timeouts, metrics);
    }
    if (c.http() != null) {
      startHttp(c.http());
    }
    if (files == null) {
      startListeners(c.listeners());
    }
    logStarted(c);
    if (files != null) {
      files.startReading(queue, metrics);
    }
  }

  /** Only a complete start is logged, so that a failed one leaves a single error line. */
  private void logStarted(DaemonConfig c) {
    ReplayConfig r = c.replay();
    if (r.ipv6Target() == null) {
      log.info(
          "replaying to udp:{} over {} sockets",
          NetUtil.toSocketAddressString(r.target()),
          r.numSockets());
    } else {
      log.info(
          "replaying to udp:{}, and what was logged over IPv6 to udp:{}, over {} sockets each",
          NetUtil.toSocketAddressString(r.target()),
          NetUtil.toSocketAddressString(r.ipv6Target()),
          r.numSockets());
    }
    if (http != null) {
      log.info(
          "serving http://{}/metrics, /healthz, /errors, /timeouts",
          NetUtil.toSocketAddressString(http.localAddress()));
    }
    if (unixCollector != null) {
      log.info("listening for Frame Streams on unix:{}", c.listeners().unix());
    }
    if (tcpCollector != null) {
      log.info(
          "listening for Frame Streams on tcp:{} from {}",
          NetUtil.toSocketAddressString(tcpCollector.localAddress()),
          c.listeners().tcpAllow());
    }
    if (files != null) {
      log.info("reading {}", String.join(", ", c.files().inputs()));
    }
  }

  private void startHttp(InetSocketAddress address) throws IOException {
    try {
      http =
          files == null
              ? HttpServer.bind(address, ioGroup, metrics, errors, timeouts)
              : HttpServer.bind(
                  address,
                  ioGroup,
                  metrics,
                  files.servedErrors(errors),
                  files.servedTimeouts(timeouts));
    } catch (IOException e) {
      throw new IOException(
          "cannot listen on --http "
              + NetUtil.toSocketAddressString(address)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void startListeners(ListenerConfig l) throws IOException {
    if (l.unix() != null) {
      unixCollector =
          UnixSocketCollector.bind(
              l.unix(),
              l.unixMode(),
              ioGroup,
              new SenderPipeline(
                  Transport.UNIX, null, l.maxConnections(), l.maxFrameSize(), queue, metrics),
              metrics);
    }
    if (l.tcp() != null) {
      tcpCollector =
          TcpCollector.bind(
              l.tcp(),
              ioGroup,
              new SenderPipeline(
                  Transport.TCP,
                  l.tcpAllow(),
                  l.maxConnections(),
                  l.maxFrameSize(),
                  queue,
                  metrics));
    }
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The TCP listener's bound address, or null without one. */
  public InetSocketAddress tcpAddress() {
    return tcpCollector == null ? null : tcpCollector.localAddress();
  }

  /** The HTTP server's bound address, or null without one. */
  public InetSocketAddress httpAddress() {
    return http == null ? null : http.localAddress();
  }

  /** The replay of files, or null for a live replay. */
  public FileReplay files() {
    return files;
  }

  /** How the replay of files went; null before {@link #close} or for a live replay. */
  public synchronized FileReplay.Outcome filesOutcome() {
    return filesOutcome;
  }

  /**
   * Stops accepting senders (or reading files) and removes the socket file, replays what was
   * already received, lets queries in flight complete or time out, completes the record files, then
   * stops HTTP and the event loops. HTTP answers until then, so the outcome of the last queries can
   * still be scraped. Idempotent and thread-safe: the second caller waits for the first to finish.
   */
  @Override
  public void close() {
    stop(true);
  }

  private synchronized void stop(boolean wasRunning) {
    if (closed) {
      return;
    }
    closed = true;
    stages.stopping();
    if (unixCollector != null) {
      unixCollector.close();
    }
    if (tcpCollector != null) {
      tcpCollector.close();
    }
    if (files != null) {
      try {
        files.stopAndAwaitReading();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    double responses = metrics.queriesSuccess.count();
    double timedOut = metrics.queriesTimeout.count();
    if (wasRunning) {
      log.info(
          "stopping: no new {}; {} payloads queued, {} queries in flight",
          files == null ? "senders" : "frames",
          queue.size(),
          engine.inFlight());
    }
    if (engine != null) {
      try {
        engine.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (files != null && engine != null) {
      filesOutcome = files.finish();
    }
    if (wasRunning && files == null) {
      log.info(
          "drained: {} responses and {} timeouts while stopping; {} /errors and {} /timeouts"
              + " records not fetched are dropped",
          (long) (metrics.queriesSuccess.count() - responses),
          (long) (metrics.queriesTimeout.count() - timedOut),
          errors.size(),
          timeouts.size());
    }
    if (http != null) {
      http.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    udpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (wasRunning) {
      log.info("stopped");
    }
  }
}
