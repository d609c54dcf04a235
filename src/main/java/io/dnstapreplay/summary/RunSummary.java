// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import io.dnstapreplay.collector.FileCollector;
import io.dnstapreplay.daemon.FileReplay;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.pairing.PairOutcome;
import io.dnstapreplay.pairing.Unusable;
import io.dnstapreplay.report.RecordFileWriter;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * RunSummary is the verdict of a replay of files, taken from the same counters the daemon exports,
 * so a file replay and a live one are accounted alike: every AUTH_RESPONSE payload in exactly one
 * outcome, plus how reading and writing went, rates and latency. {@link #exitStatus} is like
 * diff(1)'s.
 *
 * @param inputs the files read
 * @param target the nameserver replayed to, as written on the command line; with {@code
 *     ipv6Target}, the one the queries logged over IPv4 went to
 * @param ipv6Target the nameserver the queries logged over IPv6 went to, or null if every query
 *     went to {@code target}
 * @param frames data frames read
 * @param outcomes payloads by outcome, in a fixed order; their sum is {@code payloads}
 * @param notReplayed messages that are not AUTH_RESPONSE, which are read and not replayed
 * @param pairing messages by pairing outcome ({@code --pair}), all 0 without it
 * @param unusable responses the options cannot replay, by reason
 * @param queries queries sent: responses, timeouts and errors
 * @param elapsed from the first payload ready for the replay stage until every query had its
 *     outcome
 * @param latency response time quantiles and mean in seconds (NaN without a response)
 * @param outputs the record files written, with what went wrong
 * @param troubles what keeps the verdict from being complete, each a line for the operator
 */
public record RunSummary(
    List<String> inputs,
    String target,
    String ipv6Target,
    long frames,
    Map<String, Long> outcomes,
    long notReplayed,
    Map<String, Long> pairing,
    Map<String, Long> unusable,
    long queries,
    Duration elapsed,
    Map<String, Double> latency,
    List<RecordFileWriter.Result> outputs,
    List<String> troubles) {
  /** diff(1)'s statuses: same, different, trouble. */
  public static final int SAME = 0;

  public static final int DIFFERENT = 1;
  public static final int TROUBLE = 2;

  /** The outcomes that make a run different; each has a failure record. */
  static final List<String> FAILURES = List.of("mismatched", "timeout", "missing_field");

  private static final double[] QUANTILES = {0.5, 0.9, 0.99};

  /** Summarises a replay of files that has ended, from its daemon's counters. */
  public static RunSummary of(
      Metrics m,
      List<String> inputs,
      String target,
      String ipv6Target,
      FileReplay.Outcome outcome) {
    Map<String, Long> outcomes = new LinkedHashMap<>();
    long matched = count(m.matched.count());
    long mismatched = count(m.mismatched.count());
    long tcIgnored = count(m.udpTcIgnored.count());
    long equivalent = count(m.equivalent.count());
    // no match-status files with --read: nothing is suppressed, but the identity says it all
    long suppressed = count(m.suppressed.count());
    long timeout = count(m.queriesTimeout.count());
    long error = count(m.queriesError.count());
    long nonUdp = count(m.discardNonUdp.count());
    long netIgnored = count(m.queryNetIgnored.count());
    outcomes.put("matched", matched);
    outcomes.put("mismatched", mismatched);
    outcomes.put("udp_tc_ignored", tcIgnored);
    outcomes.put("equivalent", equivalent);
    outcomes.put("timeout", timeout);
    outcomes.put("error", error);
    // The counters the original has no outcome for are what the accounting identities leave.
    outcomes.put(
        "missing_field", count(m.payloadsError.count()) - mismatched - timeout - error - nonUdp);
    outcomes.put("discard_non_udp", nonUdp);
    outcomes.put("query_net_ignored", netIgnored);
    outcomes.put(
        "incomplete",
        count(m.payloadsSuccess.count())
            - matched
            - tcIgnored
            - equivalent
            - suppressed
            - netIgnored);

    List<String> troubles = new ArrayList<>();
    FileCollector.Result read = outcome.read();
    if (read.trouble() != null) {
      troubles.add(read.trouble());
    } else if (read.stopped()) {
      troubles.add("interrupted: the inputs were not read to their end");
    }
    if (error > 0) {
      troubles.add(error + " queries could not be sent or the target reported them unreachable");
    }
    Map<String, Long> pairing = counts(PairOutcome.values(), PairOutcome::label, m::pairingCount);
    Map<String, Long> unusable = counts(Unusable.values(), Unusable::label, m::unusableCount);
    long queries = timeout + error + count(m.queriesSuccess.count());
    if (queries == 0) {
      nothingReplayed(unusable, pairing).ifPresent(troubles::add);
    }
    List<RecordFileWriter.Result> outputs = new ArrayList<>();
    addOutput(outputs, troubles, outcome.errors(), m.errorTxError.count());
    addOutput(outputs, troubles, outcome.timeouts(), m.timeoutTxError.count());

    HistogramSnapshot h = m.responseLatency.takeSnapshot();
    Map<String, Double> latency = new LinkedHashMap<>();
    latency.put("mean", h.count() == 0 ? Double.NaN : h.mean(TimeUnit.SECONDS));
    for (double q : QUANTILES) {
      latency.put("p" + Math.round(q * 100), HistogramQuantile.seconds(q, h));
    }
    return new RunSummary(
        List.copyOf(inputs),
        target,
        ipv6Target,
        read.frames(),
        Collections.unmodifiableMap(outcomes),
        count(m.dnstapIgnored.count()),
        pairing,
        unusable,
        queries,
        outcome.elapsed(),
        Collections.unmodifiableMap(latency),
        List.copyOf(outputs),
        List.copyOf(troubles));
  }

  /**
   * A source or options that gave nothing to replay but responses that could not be (the source's
   * hint lines say why): a misconfigured replay must not pass as a clean one.
   */
  private static Optional<String> nothingReplayed(
      Map<String, Long> unusable, Map<String, Long> pairing) {
    Map<String, Long> why = new LinkedHashMap<>();
    unusable.forEach((k, v) -> why.merge(k, v, Long::sum));
    String unpaired = PairOutcome.RESPONSE_WITHOUT_QUERY.label();
    why.merge(unpaired, pairing.get(unpaired), Long::sum);
    String reasons =
        why.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    return reasons.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "no query was replayed, but responses these options cannot use arrived ("
                + reasons
                + "); see the hints above");
  }

  private static void addOutput(
      List<RecordFileWriter.Result> outputs,
      List<String> troubles,
      RecordFileWriter.Result written,
      double dropped) {
    if (written == null) {
      return;
    }
    outputs.add(written);
    if (written.trouble() != null) {
      troubles.add(written.trouble());
    }
    if (dropped > 0) {
      troubles.add(
          count(dropped) + " records did not fit in the buffer and are not in " + written.file());
    }
  }

  private static <E> Map<String, Long> counts(
      E[] values, Function<E, String> label, ToLongFunction<E> count) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (E v : values) {
      out.put(label.apply(v), count.applyAsLong(v));
    }
    return Collections.unmodifiableMap(out);
  }

  private static long count(double counter) {
    return Math.round(counter);
  }

  /** AUTH_RESPONSE payloads, each in one outcome. */
  public long payloads() {
    return outcomes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Payloads that failed: mismatched, timed out, or without a field replay needs. */
  public long failures() {
    return FAILURES.stream().mapToLong(outcomes::get).sum();
  }

  /** 0 when every payload matched (or was not to be compared), 1 on failures, 2 on trouble. */
  public int exitStatus() {
    if (!troubles.isEmpty()) {
      return TROUBLE;
    }
    return failures() > 0 ? DIFFERENT : SAME;
  }

  /** Per second of {@link #elapsed}, or 0 for an instant run. */
  double rate(long n) {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? n / seconds : 0;
  }
}
