// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.TargetQueries;
import io.dnstapreplay.mismatch.Mismatch;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.mismatch.MismatchClassifier;
import io.dnstapreplay.pairing.Intake;
import io.dnstapreplay.pairing.PairOutcome;
import io.dnstapreplay.pairing.Unusable;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * ReplayOutcomes turns what happened to each payload into the original's counters and failure
 * records, in one place, so that the accounting identity operators rely on holds: every
 * AUTH_RESPONSE payload ends in exactly one outcome and one {@code dnstap_payloads_total} count. It
 * also counts what the {@link Intake} did before the filter. Thread-safe (called from every UDP
 * event loop).
 */
public final class ReplayOutcomes implements Intake.Counters {
  private final Metrics metrics;
  private final MatchSwitch matchSwitch;
  private final boolean ignoreTc;
  private final Set<MismatchClass> equivalent;
  private final FailureSink errors;
  private final FailureSink timeouts;
  private final TargetQueries targets;

  /**
   * @param equivalent a mismatch whose differences are all of these classes is counted as {@code
   *     equivalent} and keeps no record ({@code --equivalent})
   * @param targets the per-target counters, indexed as the replay's targets
   */
  public ReplayOutcomes(
      Metrics metrics,
      MatchSwitch matchSwitch,
      boolean ignoreTc,
      Set<MismatchClass> equivalent,
      FailureSink errors,
      FailureSink timeouts,
      TargetQueries targets) {
    this.metrics = metrics;
    this.matchSwitch = matchSwitch;
    this.ignoreTc = ignoreTc;
    this.equivalent = Set.copyOf(equivalent);
    this.errors = errors;
    this.timeouts = timeouts;
    this.targets = targets;
  }

  /** Accounts for a payload the filter decided not to send. */
  void notSent(Payload original, PayloadFilter.Decision decision) {
    if (decision instanceof PayloadFilter.Decision.NotAuthResponse) {
      metrics.dnstapIgnored.increment();
    } else if (decision instanceof PayloadFilter.Decision.SkippedIncomplete) {
      metrics.payloadsSuccess.increment();
    } else if (decision instanceof PayloadFilter.Decision.QueryNetIgnored) {
      metrics.queryNetIgnored.increment();
      metrics.payloadsSuccess.increment();
    } else if (decision instanceof PayloadFilter.Decision.DiscardNonUdp) {
      metrics.discardNonUdp.increment();
      metrics.payloadsError.increment();
    } else if (decision instanceof PayloadFilter.Decision.MissingField) {
      metrics.payloadsError.increment();
      toErrors(
          FailureRecord.withExtra(
              original.dnstap(), FailureRecord.encode(FailureRecord.Kind.MISSING_FIELD, null)));
    } else {
      throw new IllegalArgumentException("not a decision to skip: " + decision);
    }
  }

  /** Accounts for the target's response to {@code q}. */
  void response(ReplayQuery q, byte[] response, long latencyNanos) {
    metrics.queriesSuccess.increment();
    targets.success(q.target);
    metrics.responseLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
    if (!matchSwitch.isOn()) {
      metrics.suppressed.increment();
      metrics.payloadsSuccess.increment();
      return;
    }
    switch (ResponseComparator.compare(q.replay.loggedResponse(), response, ignoreTc)) {
      case MATCHED -> {
        metrics.matched.increment();
        metrics.payloadsSuccess.increment();
      }
      case UDP_TC_IGNORED -> {
        metrics.udpTcIgnored.increment();
        metrics.payloadsSuccess.increment();
      }
      case MISMATCHED -> differs(q, response);
    }
  }

  /**
   * Classifies a pair that is not byte for byte equal. Only this path parses, so matching responses
   * cost no more than the byte comparison.
   */
  private void differs(ReplayQuery q, byte[] response) {
    Mismatch mismatch = MismatchClassifier.classify(q.replay.loggedResponse(), response);
    mismatch.classes().forEach(metrics::mismatchClass);
    if (mismatch.onlyIn(equivalent)) {
      metrics.equivalent.increment();
      metrics.payloadsSuccess.increment();
      return;
    }
    metrics.mismatched.increment();
    metrics.payloadsError.increment();
    toErrors(
        FailureRecord.withExtra(
            q.original.dnstap(), FailureRecord.encode(FailureRecord.Kind.MISMATCH, response)));
  }

  /** Accounts for a query that got no response in time. */
  void timeout(ReplayQuery q) {
    metrics.queriesTimeout.increment();
    targets.timeout(q.target);
    metrics.payloadsError.increment();
    byte[] record =
        FailureRecord.withExtra(
            q.original.dnstap(), FailureRecord.encode(FailureRecord.Kind.TIMEOUT, null));
    if (timeouts.offer(record)) {
      metrics.timeoutTxSuccess.increment();
    } else {
      metrics.timeoutTxError.increment();
    }
  }

  /** Accounts for a query that could not be sent, or whose target reported it unreachable. */
  void sendError(int target) {
    metrics.queriesError.increment();
    targets.error(target);
    metrics.payloadsError.increment();
  }

  /** Counts a query held back until an indistinguishable one in flight completes. */
  void held() {
    metrics.heldQueries.increment();
  }

  @Override
  public void pairing(PairOutcome outcome) {
    metrics.pairing(outcome);
  }

  @Override
  public void unusable(Unusable reason) {
    metrics.unusable(reason);
  }

  @Override
  public void pendingQueries(int n, long bytes) {
    metrics.setPairingPending(n, bytes);
  }

  @Override
  public void oversizedQuery() {
    metrics.oversizedPendingQuery();
  }

  void unmatched(InFlightTable.Miss miss) {
    switch (miss) {
      case LATE -> metrics.lateResponses.increment();
      case UNKNOWN -> metrics.unexpectedResponses.increment();
    }
  }

  private void toErrors(byte[] record) {
    if (errors.offer(record)) {
      metrics.errorTxSuccess.increment();
    } else {
      metrics.errorTxError.increment();
    }
  }
}
