// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.Payload;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intake is what the replay stage does with each message before its filter: the {@link Guardrails},
 * then, with {@code --pair}, the {@link Pairer}. Single-threaded: the queue's one consumer feeds it
 * in arrival order.
 */
public final class Intake {
  /**
   * Hints about the source; the command line shows its warnings at the default log level, live and
   * with {@code --read}, since a misconfigured source must not go unnoticed.
   */
  public static final String HINTS_LOGGER = "dnstap-replay.source";

  private static final Logger hints = LoggerFactory.getLogger(HINTS_LOGGER);

  private final Guardrails guardrails;
  private final Pairer pairer;
  private final Counters counters;
  private final Set<PairOutcome> hinted = EnumSet.noneOf(PairOutcome.class);

  /** Where the intake counts; called on the consumer's thread. */
  public interface Counters {
    void pairing(PairOutcome outcome);

    void unusable(Unusable reason);

    /** The number of queries waiting for their response and their bytes, after every change. */
    void pendingQueries(int n, long bytes);

    /** A query heavier than the whole pairing byte bound, which waits alone. */
    void oversizedQuery();
  }

  /**
   * @param pairing how to pair ({@code --pair}), or null to pass every message unpaired
   */
  public Intake(PairingConfig pairing, Counters counters) {
    this(pairing, counters, hints);
  }

  Intake(PairingConfig pairing, Counters counters, Logger hints) {
    this.counters = counters;
    this.guardrails = new Guardrails(pairing != null, counters::unusable, hints);
    this.pairer =
        pairing == null
            ? null
            : new Pairer(pairing, o -> outcome(o, hints), counters::oversizedQuery);
  }

  /**
   * Takes the next message; returns the one for the filter (see {@link Pairer#accept}), or null
   * when there is none yet.
   */
  public Payload accept(Payload p) {
    guardrails.check(p);
    if (pairer == null) {
      return p;
    }
    int before = pairer.pending();
    long bytesBefore = pairer.pendingBytes();
    Dnstap d = p.dnstap();
    Dnstap out = pairer.accept(d);
    if (pairer.pending() != before || pairer.pendingBytes() != bytesBefore) {
      counters.pendingQueries(pairer.pending(), pairer.pendingBytes());
    }
    return out == d ? p : out == null ? null : Payload.of(out);
  }

  /** The input has ended: the queries still waiting have no response. */
  public void finish() {
    guardrails.finish();
    if (pairer != null) {
      pairer.finish();
      counters.pendingQueries(0, 0);
    }
  }

  private void outcome(PairOutcome o, Logger log) {
    counters.pairing(o);
    String hint =
        switch (o) {
          case RESPONSE_WITHOUT_QUERY ->
              "a response without a query waiting for it (--pair):"
                  + " if many are, let the server log the queries too (Knot log-queries: on, NSD"
                  + " dnstap-log-auth-query-messages: yes, Unbound dnstap-log-client-query-messages:"
                  + " yes) or widen --pair-window";
          case QUERY_WITHOUT_RESPONSE ->
              "a query without its response within --pair-window:"
                  + " if many are, let the server log the responses too, or widen --pair-window";
          case EVICTED ->
              "a query pushed out by --pair-max-pending or --pair-max-pending-bytes before its"
                  + " --pair-window ended: raise the one that is full (dnstap_replay_pairing_pending,"
                  + " dnstap_replay_pairing_pending_bytes)";
          case PAIRED, PASSED_THROUGH -> null;
        };
    if (hint != null && hinted.add(o)) {
      log.warn("{} (counted in dnstap_replay_pairing_total)", hint);
    }
  }
}
