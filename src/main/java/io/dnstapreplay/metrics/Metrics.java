// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.pairing.PairOutcome;
import io.dnstapreplay.pairing.Unusable;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every meter of the daemon, created eagerly so that each name and label value is scraped (at 0)
 * from start-up, as dashboards built for the original expect.
 *
 * <p>Names marked "original" are those of Fastly's dnstap-replay and must never change; the
 * Prometheus registry appends {@code _total} to counters. Everything else is ours and has a name of
 * its own.
 *
 * <p>Like any exporter it also has the JVM's and the process's meters ({@code jvm_*}, {@code
 * process_*}, {@code system_*}), a {@code dnstap_replay_build_info} series, and the {@link
 * HealthChecks} behind {@code /healthz}.
 */
public final class Metrics {
  private static final String P = "dnstap_replay_";
  private static final String RESULT = "result";
  static final String UNIX_SOCKET_REACHABLE = P + "unix_socket_reachable";

  /**
   * Micrometer's binders without listeners or threads, so nothing needs closing; the polled ones
   * first, as they filter some of the others.
   */
  private static final List<MeterBinder> JVM_AND_PROCESS =
      List.of(
          new PolledJvmMetrics(),
          new JvmMemoryMetrics(),
          new JvmThreadMetrics(),
          new ClassLoaderMetrics(),
          new JvmInfoMetrics(),
          new ProcessorMetrics(),
          new FileDescriptorMetrics(),
          new UptimeMetrics());

  private static final String TRANSPORT = "transport";

  private final PrometheusMeterRegistry registry;
  private final HealthChecks health = new HealthChecks();
  private volatile boolean unixSocketUsed = true;

  // original
  public final Counter dataFrames;
  public final Counter dataBytes;
  public final Counter payloadsSuccess;
  public final Counter payloadsError;
  public final Counter discardNonUdp;
  public final Counter queriesSuccess;
  public final Counter queriesError;
  public final Counter queriesTimeout;
  public final Counter matched;
  public final Counter mismatched;
  public final Counter suppressed;
  public final Counter udpTcIgnored;
  public final Counter queryNetIgnored;
  public final Counter errorTxSuccess;
  public final Counter errorTxError;
  public final Counter errorRxSuccess;
  public final Counter timeoutTxSuccess;
  public final Counter timeoutTxError;
  public final Counter timeoutRxSuccess;
  private final AtomicInteger matchStatus = new AtomicInteger(1);

  // ours
  private final Map<ConnectionError, Counter> connectionErrors =
      new EnumMap<>(ConnectionError.class);
  public final Counter connectionsAccepted;
  public final Counter dnstapDecodeErrors;
  public final Counter dnstapIgnored;
  public final Counter lateResponses;
  public final Counter unexpectedResponses;
  public final Counter heldQueries;
  public final Counter equivalent;
  private final Map<MismatchClass, Counter> mismatchClasses = new EnumMap<>(MismatchClass.class);
  public final Timer responseLatency;
  private final Map<Transport, Counter> transportFrames = new EnumMap<>(Transport.class);
  private final Map<Transport, AtomicInteger> openConnections = new EnumMap<>(Transport.class);
  private final Map<Transport, Map<Refusal, Counter>> refusals = new EnumMap<>(Transport.class);
  private final Map<PairOutcome, Counter> pairing = new EnumMap<>(PairOutcome.class);
  private final Map<Unusable, Counter> unusable = new EnumMap<>(Unusable.class);
  private final AtomicInteger pairingPending = new AtomicInteger();
  private final AtomicLong pairingPendingBytes = new AtomicLong();
  private final AtomicLong oversizedPendingQueries = new AtomicLong();

  /**
   * Where Frame Streams data comes from; the {@code transport} label value is the lower-case name.
   */
  public enum Transport {
    UNIX,
    TCP,
    FILE;

    /** Whether senders connect over it (and so can be refused and counted as open). */
    public boolean isListener() {
      return this != FILE;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a connection was closed at accept, before reading anything. */
  public enum Refusal {
    /** The peer's address is outside {@code --tcp-allow}. */
    NOT_ALLOWED,
    /** {@code --max-connections} senders are connected already. */
    TOO_MANY;

    /** Whether connections over {@code t} can be refused for this reason. */
    boolean appliesTo(Transport t) {
      return this == TOO_MANY || t == Transport.TCP;
    }
  }

  /** Why a Frame Streams connection was closed by us; the label value is the lower-case name. */
  public enum ConnectionError {
    DATA_FRAME_TOO_LARGE,
    CONTROL_FRAME_LENGTH,
    UNKNOWN_CONTROL_TYPE,
    MALFORMED_CONTROL_FRAME,
    TRUNCATED,
    UNEXPECTED_CONTROL_FRAME,
    DATA_BEFORE_START,
    CONTENT_TYPE_REJECTED,
    HANDSHAKE_TIMEOUT,
    IO_ERROR
  }

  public Metrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public Metrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    Clock clock = registry.config().clock();
    JVM_AND_PROCESS.forEach(b -> b.bindTo(registry));
    dataFrames = counter("data_frames", "Frame Streams data frames read", null);
    dataBytes = counter("data_bytes", "Frame Streams data frame bytes read", null);
    payloadsSuccess = payloads("success");
    payloadsError = payloads("error");
    discardNonUdp =
        counter(
            "dnstap_handler_internal_errors",
            "Payloads that ended in an internal error",
            "discard_non_udp");
    StampedCounter responses = new StampedCounter(queries("success"), clock);
    StampedCounter errors = new StampedCounter(queries("error"), clock);
    StampedCounter timeouts = new StampedCounter(queries("timeout"), clock);
    queriesSuccess = responses;
    queriesError = errors;
    queriesTimeout = timeouts;
    matched = comparisons("matched");
    mismatched = comparisons("mismatched");
    suppressed = comparisons("suppressed");
    udpTcIgnored = comparisons("udp_tc_ignored");
    queryNetIgnored = comparisons("query_net_ignored");
    errorTxSuccess =
        counter("channel_error_tx", "Records offered to the /errors buffer", "success");
    errorTxError = counter("channel_error_tx", "Records offered to the /errors buffer", "error");
    errorRxSuccess = counter("channel_error_rx", "Records handed out by /errors", "success");
    timeoutTxSuccess =
        counter("channel_timeout_tx", "Records offered to the /timeouts buffer", "success");
    timeoutTxError =
        counter("channel_timeout_tx", "Records offered to the /timeouts buffer", "error");
    timeoutRxSuccess = counter("channel_timeout_rx", "Records handed out by /timeouts", "success");
    Gauge.builder(P + "match_status", matchStatus, AtomicInteger::get)
        .description("1 while responses are compared, 0 while matching is suppressed")
        .register(registry);

    for (ConnectionError e : ConnectionError.values()) {
      connectionErrors.put(
          e,
          Counter.builder(P + "connection_errors")
              .description("Frame Streams connections closed because of a protocol or I/O error")
              .tag("reason", e.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    connectionsAccepted =
        Counter.builder(P + "connections_accepted")
            .description("Frame Streams connections accepted on the Unix socket")
            .register(registry);
    dnstapDecodeErrors =
        Counter.builder(P + "dnstap_decode_errors")
            .description("Data frames that are not a valid dnstap protobuf message (skipped)")
            .register(registry);
    dnstapIgnored =
        Counter.builder(P + "dnstap_ignored")
            .description("dnstap payloads that are not Message/AUTH_RESPONSE (not replayed)")
            .register(registry);
    lateResponses = unmatched("late");
    unexpectedResponses = unmatched("unknown");
    heldQueries =
        Counter.builder(P + "dns_queries_held")
            .description(
                "Queries held back because an indistinguishable query was in flight on every socket")
            .register(registry);
    equivalent = comparisons("equivalent");
    countersByLabel(
        mismatchClasses,
        MismatchClass.values(),
        MismatchClass::label,
        "dns_mismatch_classes",
        "class",
        "Differences found in responses that are not byte for byte equal, one per class of each"
            + " (mismatched and equivalent alike)");
    responseLatency =
        Timer.builder(P + "dns_response_latency")
            .description("Time from sending a replayed query to receiving its response")
            .serviceLevelObjectives(latencyBuckets())
            .register(registry);

    // ".info" makes the registry export an info series: dnstap_replay_build_info{...} 1
    Gauge.builder(P + "build.info", () -> 1)
        .description("This build of dnstap-replay and the Java runtime running it")
        .tag("version", BuildInfo.version())
        .tag("java_version", Runtime.version().toString())
        .register(registry);

    registerTransportMeters();
    registerIntakeMeters();
    health.add("unix_socket", this::unixSocketProblem);
    health.add("target", new TargetHealth("the target", responses, timeouts, errors, clock));
  }

  /**
   * The daemon listens on no Unix socket (only over TCP, or it reads files): the {@code
   * unix_socket} check has nothing to wait for and passes.
   */
  public void withoutUnixSocket() {
    unixSocketUsed = false;
  }

  /** The socket is healthy while the collector's reachability gauge says it is ours. */
  private Optional<String> unixSocketProblem() {
    if (!unixSocketUsed) {
      return Optional.empty();
    }
    Gauge reachable = registry.find(UNIX_SOCKET_REACHABLE).gauge();
    if (reachable == null) {
      return Optional.of("not listening on the Unix socket yet");
    }
    if (reachable.value() != 1) {
      return Optional.of("the Unix socket file was removed or replaced: senders cannot connect");
    }
    return Optional.empty();
  }

  private void registerTransportMeters() {
    for (Transport t : Transport.values()) {
      transportFrames.put(
          t,
          Counter.builder(P + "transport_data_frames")
              .description("Frame Streams data frames read, by transport")
              .tag(TRANSPORT, t.label())
              .register(registry));
      if (!t.isListener()) {
        continue;
      }
      AtomicInteger open = new AtomicInteger();
      openConnections.put(t, open);
      Gauge.builder(P + "connections_open", open, AtomicInteger::get)
          .description("Frame Streams senders connected now, by transport")
          .tag(TRANSPORT, t.label())
          .register(registry);
      Map<Refusal, Counter> byReason = new EnumMap<>(Refusal.class);
      for (Refusal r : Refusal.values()) {
        if (r.appliesTo(t)) {
          byReason.put(
              r,
              Counter.builder(P + "connections_refused")
                  .description("Connections closed at accept: not_allowed by --tcp-allow, too_many")
                  .tag(TRANSPORT, t.label())
                  .tag("reason", r.name().toLowerCase(Locale.ROOT))
                  .register(registry));
        }
      }
      refusals.put(t, byReason);
    }
  }

  private void registerIntakeMeters() {
    countersByLabel(
        pairing,
        PairOutcome.values(),
        PairOutcome::label,
        "pairing",
        RESULT,
        "With --pair: pairs made, responses that had their query, and messages that never paired,"
            + " by result");
    Gauge.builder(P + "pairing_pending", pairingPending, AtomicInteger::get)
        .description("With --pair: queries waiting for their response")
        .register(registry);
    Gauge.builder(P + "pairing_pending_bytes", pairingPendingBytes, AtomicLong::get)
        .description("With --pair: bytes the queries waiting for their response hold")
        .register(registry);
    oversizedPayloads(ByteBound.PAIRING, oversizedPendingQueries::get);
    countersByLabel(
        unusable,
        Unusable.values(),
        Unusable::label,
        "unusable_responses",
        "reason",
        "Responses the options cannot replay: client_response (needs --pair),"
            + " response_without_query (needs --pair), non_udp");
  }

  /** One counter {@code name} per value of an enum, told apart by the label {@code tag}. */
  private <E> void countersByLabel(
      Map<E, Counter> into,
      E[] values,
      Function<E, String> label,
      String name,
      String tag,
      String help) {
    for (E v : values) {
      into.put(
          v,
          Counter.builder(P + name).description(help).tag(tag, label.apply(v)).register(registry));
    }
  }

  private static Duration[] latencyBuckets() {
    long[] micros = {
      100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
      1_000_000, 2_500_000, 5_000_000
    };
    Duration[] buckets = new Duration[micros.length];
    for (int i = 0; i < micros.length; i++) {
      buckets[i] = Duration.ofNanos(micros[i] * 1_000);
    }
    return buckets;
  }

  private Counter counter(String name, String help, String result) {
    Counter.Builder b = Counter.builder(P + name).description(help);
    if (result != null) {
      b.tag(RESULT, result);
    }
    return b.register(registry);
  }

  private Counter payloads(String result) {
    return counter("dnstap_payloads", "AUTH_RESPONSE payloads handled by the replay stage", result);
  }

  private Counter queries(String result) {
    return counter("dns_queries", "Queries replayed to the target, by outcome", result);
  }

  /**
   * Registers the per-target query counters, at 0, and with two targets a health check for each.
   *
   * @param targets as the replay indexes them
   */
  public TargetQueries targetQueries(List<InetSocketAddress> targets) {
    return new TargetQueries(this, targets);
  }

  StampedCounter targetQueries(String target, String result) {
    return new StampedCounter(
        Counter.builder(P + "target_queries")
            .description("Queries replayed, by target (--dns) and outcome")
            .tag("target", target)
            .tag(RESULT, result)
            .register(registry),
        registry.config().clock());
  }

  HealthChecks.Check targetHealth(
      String target, StampedCounter responses, StampedCounter timeouts, StampedCounter errors) {
    return new TargetHealth(target, responses, timeouts, errors, registry.config().clock());
  }

  private Counter comparisons(String result) {
    return counter("dns_comparisons", "Outcomes of comparing responses", result);
  }

  private Counter unmatched(String reason) {
    return Counter.builder(P + "dns_unmatched_responses")
        .description(
            "Responses that match no query in flight: late (its query had timed out) or unknown")
        .tag("reason", reason)
        .register(registry);
  }

  /** Counts a connection we closed; see {@link ConnectionError}. */
  public void connectionError(ConnectionError reason) {
    connectionErrors.get(reason).increment();
  }

  /** Counts one difference of class {@code c} found in a pair of responses. */
  public void mismatchClass(MismatchClass c) {
    mismatchClasses.get(c).increment();
  }

  /**
   * Counts a data frame of {@code bytes} read over {@code t}, in the original's and our counters.
   */
  public void dataFrame(Transport t, int bytes) {
    dataFrames.increment();
    dataBytes.increment(bytes);
    transportFrames.get(t).increment();
  }

  /** The number of senders connected over {@code t}, which its listener keeps up to date. */
  public AtomicInteger openConnections(Transport t) {
    AtomicInteger open = openConnections.get(t);
    if (open == null) {
      throw new IllegalArgumentException(t + " has no connections");
    }
    return open;
  }

  /** Counts a connection over {@code t} closed at accept for {@code reason}. */
  public void connectionRefused(Transport t, Refusal reason) {
    Counter c = refusals.get(t).get(reason);
    if (c == null) {
      throw new IllegalArgumentException(t + " connections are not refused as " + reason);
    }
    c.increment();
  }

  /** Counts a message's outcome in pairing ({@code --pair}). */
  public void pairing(PairOutcome o) {
    pairing.get(o).increment();
  }

  /** The count of {@code o} so far. */
  public long pairingCount(PairOutcome o) {
    return Math.round(pairing.get(o).count());
  }

  /** Counts a response the options cannot replay. */
  public void unusable(Unusable reason) {
    unusable.get(reason).increment();
  }

  /** The count of {@code reason} so far. */
  public long unusableCount(Unusable reason) {
    return Math.round(unusable.get(reason).count());
  }

  /** Sets the number of queries waiting for their response, and the bytes they hold. */
  public void setPairingPending(int n, long bytes) {
    pairingPending.set(n);
    pairingPendingBytes.set(bytes);
  }

  /** Counts a query heavier than the whole pairing byte bound, which waits alone. */
  public void oversizedPendingQuery() {
    oversizedPendingQueries.incrementAndGet();
  }

  public void setMatchStatus(boolean on) {
    matchStatus.set(on ? 1 : 0);
  }

  /** Registers a gauge sampled at scrape time, e.g. a queue depth. */
  public void gauge(String name, String help, Supplier<Number> value) {
    Gauge.builder(P + name, value).description(help).register(registry);
  }

  /** A byte bound that a payload heavier than all of it passes alone; the label value. */
  public enum ByteBound {
    /** {@code --channel-bytes}: it went into the queue when the queue was empty. */
    QUEUE,
    /** {@code --max-in-flight-bytes}: it was sent when nothing was in flight. */
    IN_FLIGHT,
    /**
     * {@code --pair-max-pending-bytes}: a query message that waits for its response alone, the
     * others pushed out.
     */
    PAIRING;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Registers {@code dnstap_replay_oversized_payloads_total{bound}}, read at scrape time from the
   * stage that counts them (under a lock it holds anyway, rather than with an atomic of its own).
   */
  public void oversizedPayloads(ByteBound bound, Supplier<Number> count) {
    FunctionCounter.builder(P + "oversized_payloads", count, c -> c.get().doubleValue())
        .description(
            "Payloads heavier than a whole byte bound (--channel-bytes, --max-in-flight-bytes,"
                + " --pair-max-pending-bytes), let through alone")
        .tag("bound", bound.label())
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The conditions {@code /healthz} reports; other stages may add theirs. */
  public HealthChecks health() {
    return health;
  }

  /** The Prometheus text exposition (format 0.0.4) of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Every meter in the format {@code contentType} names: {@code application/openmetrics-text} for
   * OpenMetrics 1.0, anything else for the Prometheus text format 0.0.4.
   */
  public String scrape(String contentType) {
    return registry.scrape(contentType);
  }
}
