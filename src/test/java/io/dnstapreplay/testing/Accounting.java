// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.metrics.Metrics.ConnectionError;
import java.util.Locale;

/**
 * The series and identities by which tests check that every payload and every query was accounted
 * for, and exactly once. Names are spelled out, not taken from the main code, so a renamed metric
 * fails the tests as it would fail a dashboard.
 */
public final class Accounting {
  public static final String PAYLOADS = "dnstap_replay_dnstap_payloads_total";
  public static final String QUERIES = "dnstap_replay_dns_queries_total";
  public static final String COMPARISONS = "dnstap_replay_dns_comparisons_total";
  public static final String IN_FLIGHT = "dnstap_replay_dns_queries_in_flight";

  private Accounting() {}

  /** AUTH_RESPONSE payloads that have their outcome. */
  public static double payloads(Scrape m) {
    return m.result(PAYLOADS, "success") + m.result(PAYLOADS, "error");
  }

  public static double connectionErrors(Scrape m, ConnectionError reason) {
    return m.value(
        "dnstap_replay_connection_errors_total{reason=\""
            + reason.name().toLowerCase(Locale.ROOT)
            + "\"}");
  }

  /** Asserts that only {@code reason} (null: nothing) closed connections, {@code count} of them. */
  public static void assertConnectionErrors(Scrape m, ConnectionError reason, int count) {
    for (ConnectionError e : ConnectionError.values()) {
      assertEquals(e == reason ? count : 0, connectionErrors(m, e), e.name());
    }
  }

  public static void assertNoConnectionErrors(Scrape m) {
    assertConnectionErrors(m, null, 0);
  }

  /**
   * The accounting identities operators rely on: each of {@code sent} queries ended in exactly one
   * of response, error, timeout; each response in exactly one comparison outcome.
   */
  public static void assertQueriesBalance(Scrape m, long sent) {
    double responses = m.result(QUERIES, "success");
    assertEquals(
        sent, responses + m.result(QUERIES, "error") + m.result(QUERIES, "timeout"), "queries");
    assertEquals(
        responses,
        m.result(COMPARISONS, "matched")
            + m.result(COMPARISONS, "mismatched")
            + m.result(COMPARISONS, "suppressed")
            + m.result(COMPARISONS, "udp_tc_ignored")
            + m.result(COMPARISONS, "equivalent"),
        "comparisons");
    assertEquals(0, m.result(IN_FLIGHT, null), "in flight");
  }
}
