// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.tools.QueryInjector.Outcome;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * dnstap-inject's loop and its counts: the query of every message of a dnstap file goes through a
 * {@link QueryInjector}, and the run ends with a summary a person or a script can check. Not
 * thread-safe.
 */
public final class InjectSummary {
  private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);

  /**
   * Injects every message of {@code in}, in file order, adding each outcome to this summary; a
   * frame without a message counts as skipped. When this throws, the summary holds the counts up to
   * the failure.
   *
   * @param listener receives each message with a query and its result as it completes
   * @throws IOException if reading the file or using the socket fails
   */
  public void injectAll(
      DnstapFileReader in,
      QueryInjector injector,
      BiConsumer<DnstapProto.Message, QueryInjector.Result> listener)
      throws IOException {
    for (DnstapProto.Dnstap d = in.next(); d != null; d = in.next()) {
      if (!d.hasMessage()) {
        add(Outcome.SKIPPED_NO_QUERY);
        continue;
      }
      QueryInjector.Result result = injector.inject(d.getMessage());
      add(result.outcome());
      listener.accept(d.getMessage(), result);
    }
  }

  private void add(Outcome outcome) {
    counts.merge(outcome, 1L, Long::sum);
  }

  public long count(Outcome outcome) {
    return counts.getOrDefault(outcome, 0L);
  }

  /** Queries sent, answered or not. */
  public long sent() {
    return count(Outcome.ANSWERED) + count(Outcome.TIMED_OUT) + count(Outcome.REFUSED);
  }

  /** One {@code name: count} line each, for people and for {@code grep}. */
  @Override
  public String toString() {
    long skippedNoQuery = count(Outcome.SKIPPED_NO_QUERY);
    long skippedNoPort = count(Outcome.SKIPPED_NO_QUERY_PORT);
    return "sent: "
        + sent()
        + "\nanswered: "
        + count(Outcome.ANSWERED)
        + "\ntimed_out: "
        + count(Outcome.TIMED_OUT)
        + "\nrefused: "
        + count(Outcome.REFUSED)
        + "\nskipped: "
        + (skippedNoQuery + skippedNoPort)
        + "\nskipped_without_query: "
        + skippedNoQuery
        + "\nskipped_without_query_port: "
        + skippedNoPort
        + "\n";
  }
}
