// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.pairing.PairOutcome;
import io.dnstapreplay.pairing.Unusable;
import io.dnstapreplay.testing.Scrape;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The original's metric names and labels are a contract with existing dashboards (SPEC 8). */
class MetricsTest {
  private static final Map<String, List<String>> ORIGINAL =
      Map.ofEntries(
          Map.entry("dnstap_replay_data_frames_total", List.of()),
          Map.entry("dnstap_replay_data_bytes_total", List.of()),
          Map.entry("dnstap_replay_dnstap_payloads_total", List.of("success", "error")),
          Map.entry(
              "dnstap_replay_dnstap_handler_internal_errors_total", List.of("discard_non_udp")),
          Map.entry("dnstap_replay_dns_queries_total", List.of("success", "error", "timeout")),
          Map.entry(
              "dnstap_replay_dns_comparisons_total",
              List.of(
                  "matched", "mismatched", "suppressed", "udp_tc_ignored", "query_net_ignored")),
          Map.entry("dnstap_replay_channel_error_tx_total", List.of("success", "error")),
          Map.entry("dnstap_replay_channel_error_rx_total", List.of("success")),
          Map.entry("dnstap_replay_channel_timeout_tx_total", List.of("success", "error")),
          Map.entry("dnstap_replay_channel_timeout_rx_total", List.of("success")));

  @Test
  void everyOriginalSeriesIsScrapedAtZeroFromStartUp() {
    String scrape = new Metrics().scrape();
    ORIGINAL.forEach(
        (name, results) -> {
          if (results.isEmpty()) {
            assertEquals("0.0", value(scrape, name + " "), name);
          }
          for (String r : results) {
            assertEquals("0.0", value(scrape, name + "{result=\"" + r + "\"} "), name + " " + r);
          }
        });
    assertEquals("1.0", value(scrape, "dnstap_replay_match_status "));
  }

  @Test
  void originalCountersCarryNoLabelButResult() {
    String scrape = new Metrics().scrape();
    for (String name : ORIGINAL.keySet()) {
      Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\}").matcher(scrape);
      while (m.find()) {
        assertTrue(m.group(1).matches("result=\"[a-z_]+\""), name + " has labels " + m.group(1));
      }
    }
  }

  @Test
  void countsAndGaugeShowInTheScrape() {
    Metrics m = new Metrics();
    m.queriesTimeout.increment(3);
    m.dataBytes.increment(1234);
    m.setMatchStatus(false);
    m.connectionError(Metrics.ConnectionError.DATA_BEFORE_START);
    String scrape = m.scrape();
    assertEquals("3.0", value(scrape, "dnstap_replay_dns_queries_total{result=\"timeout\"} "));
    assertEquals("1234.0", value(scrape, "dnstap_replay_data_bytes_total "));
    assertEquals("0.0", value(scrape, "dnstap_replay_match_status "));
    assertEquals(
        "1.0",
        value(scrape, "dnstap_replay_connection_errors_total{reason=\"data_before_start\"} "));
  }

  @Test
  void transportSeriesAreScrapedAtZeroFromStartUp() {
    Scrape scrape = new Scrape(new Metrics().scrape());
    for (String t : List.of("unix", "tcp", "file")) {
      assertEquals(
          0, scrape.value("dnstap_replay_transport_data_frames_total{transport=\"" + t + "\"}"));
    }
    for (String t : List.of("unix", "tcp")) {
      assertEquals(0, scrape.value("dnstap_replay_connections_open{transport=\"" + t + "\"}"));
      assertEquals(
          0,
          scrape.value(
              "dnstap_replay_connections_refused_total{reason=\"too_many\",transport=\""
                  + t
                  + "\"}"));
    }
    assertEquals(
        0,
        scrape.value(
            "dnstap_replay_connections_refused_total{reason=\"not_allowed\",transport=\"tcp\"}"));
    assertFalse(scrape.toString().contains("reason=\"not_allowed\",transport=\"unix\""));
  }

  @Test
  void pairingAndUnusableSeriesAreScrapedAtZeroFromStartUpAndCount() {
    Metrics m = new Metrics();
    Scrape zero = new Scrape(m.scrape());
    List<String> results =
        List.of(
            "paired",
            "passed_through",
            "query_without_response",
            "response_without_query",
            "evicted");
    for (String r : results) {
      assertEquals(0, zero.value("dnstap_replay_pairing_total{result=\"" + r + "\"}"), r);
    }
    for (String r : List.of("client_response", "response_without_query", "non_udp")) {
      assertEquals(0, zero.value("dnstap_replay_unusable_responses_total{reason=\"" + r + "\"}"));
    }
    assertEquals(0, zero.value("dnstap_replay_pairing_pending"));
    assertEquals(0, zero.value("dnstap_replay_pairing_pending_bytes"));
    assertEquals(0, zero.value("dnstap_replay_oversized_payloads_total{bound=\"pairing\"}"));
    m.pairing(PairOutcome.EVICTED);
    m.unusable(Unusable.NON_UDP);
    m.setPairingPending(3, 3_000_000_000L);
    m.oversizedPendingQuery();
    Scrape scrape = new Scrape(m.scrape());
    assertEquals(1, scrape.value("dnstap_replay_pairing_total{result=\"evicted\"}"));
    assertEquals(0, scrape.value("dnstap_replay_pairing_total{result=\"paired\"}"));
    assertEquals(1, scrape.value("dnstap_replay_unusable_responses_total{reason=\"non_udp\"}"));
    assertEquals(3, scrape.value("dnstap_replay_pairing_pending"));
    assertEquals(3e9, scrape.value("dnstap_replay_pairing_pending_bytes"));
    assertEquals(1, scrape.value("dnstap_replay_oversized_payloads_total{bound=\"pairing\"}"));
  }

  @Test
  void aDataFrameCountsInTheOriginalsCountersAndByTransport() {
    Metrics m = new Metrics();
    m.dataFrame(Metrics.Transport.TCP, 100);
    m.dataFrame(Metrics.Transport.FILE, 20);
    Scrape scrape = new Scrape(m.scrape());
    assertEquals(2, scrape.value("dnstap_replay_data_frames_total"));
    assertEquals(120, scrape.value("dnstap_replay_data_bytes_total"));
    assertEquals(1, scrape.value("dnstap_replay_transport_data_frames_total{transport=\"tcp\"}"));
    assertEquals(1, scrape.value("dnstap_replay_transport_data_frames_total{transport=\"file\"}"));
    assertEquals(0, scrape.value("dnstap_replay_transport_data_frames_total{transport=\"unix\"}"));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.connectionRefused(Metrics.Transport.UNIX, Metrics.Refusal.NOT_ALLOWED));
    assertThrows(IllegalArgumentException.class, () -> m.openConnections(Metrics.Transport.FILE));
  }

  @Test
  void ourMetricsHaveHelpText() {
    String scrape = new Metrics().scrape();
    Matcher m = Pattern.compile("(?m)^# TYPE (dnstap_replay_\\w+) ").matcher(scrape);
    int n = 0;
    while (m.find()) {
      String family = m.group(1);
      assertTrue(
          Pattern.compile("(?m)^# HELP " + family + " \\S").matcher(scrape).find(),
          family + " has no HELP");
      n++;
    }
    assertTrue(n >= ORIGINAL.size() + 1, "families found: " + n);
  }

  @Test
  void buildInfoNamesThisBuildAndItsJava() {
    String scrape = new Metrics().scrape();
    String series =
        "dnstap_replay_build_info{java_version=\""
            + Runtime.version()
            + "\",version=\""
            + BuildInfo.version()
            + "\"}";
    assertEquals("1", value(scrape, series));
  }

  @Test
  void jvmAndProcessMetricsAreExported() {
    String scrape = new Metrics().scrape();
    for (String family :
        List.of(
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "jvm_gc_collections_total",
            "jvm_gc_collection_seconds_total",
            "jvm_info",
            "process_cpu_usage",
            "process_cpu_seconds_total",
            "process_files_open_files",
            "process_start_time_seconds",
            "process_uptime_seconds")) {
      assertTrue(
          Pattern.compile("(?m)^" + family + "[{ ]").matcher(scrape).find(), family + " missing");
    }
  }

  @Test
  void openMetricsEndsWithEof() {
    String scrape = new Metrics().scrape("application/openmetrics-text; version=1.0.0");
    assertTrue(scrape.endsWith("# EOF\n"), scrape.substring(scrape.length() - 20));
    assertTrue(scrape.contains("# TYPE dnstap_replay_build info\n"), "build_info is an info");
  }

  private static String value(String scrape, String series) {
    return new Scrape(scrape).raw(series.trim());
  }
}
