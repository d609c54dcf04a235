// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.contrib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.tools.MiniJson;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the Grafana dashboard and of the alert rules names a series the real daemon's
 * /metrics exposes, so a renamed metric breaks the build rather than a dashboard.
 */
class DashboardTest {
  static final Path DASHBOARD = Path.of("contrib/grafana/dnstap-replay.json");
  static final Path RULES = Path.of("contrib/prometheus/dnstap-replay-rules.yml");

  /** Series Prometheus makes itself, not the exporter. */
  private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(([^,{)]+)");
  private static final Pattern OUR_NAME = Pattern.compile("\\b(dnstap_replay_\\w+)");

  private static Set<String> exposed;

  @BeforeAll
  static void scrapeTheRealDaemon(@TempDir Path dir) throws Exception {
    // nothing is replayed: no sender connects
    try (DaemonRunner d = DaemonRunner.start(dir, new InetSocketAddress("127.0.0.1", 9), s -> {})) {
      String text = new String(d.get("/metrics").body(), StandardCharsets.UTF_8);
      exposed = new TreeSet<>();
      for (String line : text.split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          exposed.add(line.split("[{ ]", 2)[0]);
        }
      }
    }
  }

  @Test
  void everyDashboardQueryNamesAnExposedMetric() throws Exception {
    Object dashboard = MiniJson.parse(Files.readString(DASHBOARD));
    List<String> exprs = new ArrayList<>();
    collect(dashboard, "expr", exprs);
    assertTrue(exprs.size() >= 30, "queries found: " + exprs.size());
    Set<String> used = new TreeSet<>();
    for (String expr : exprs) {
      Set<String> names = PromQlNames.of(expr);
      assertTrue(!names.isEmpty(), "no metric in " + expr);
      used.addAll(names);
    }
    List<String> templating = new ArrayList<>();
    collect(dashboard, "definition", templating);
    for (String query : templating) {
      Matcher m = LABEL_VALUES.matcher(query);
      assertTrue(m.find(), query);
      used.add(m.group(1).trim());
    }
    assertExposed(used, DASHBOARD);
  }

  @Test
  void everyAlertRuleNamesAnExposedMetric() throws Exception {
    Set<String> used = new TreeSet<>();
    Matcher m = OUR_NAME.matcher(Files.readString(RULES));
    while (m.find()) {
      used.add(m.group(1));
    }
    assertTrue(used.size() >= 6, used.toString());
    assertExposed(used, RULES);
  }

  @Test
  void namesAreFoundInThePromQlOfTheKit() {
    assertEquals(
        Set.of("dnstap_replay_dns_response_latency_seconds_bucket"),
        PromQlNames.of(
            "histogram_quantile(0.99, sum by (le) (rate(dnstap_replay_dns_response_latency_seconds"
                + "_bucket{job=\"$job\", instance=~\"$instance\"}[$__rate_interval])))"));
    assertEquals(
        Set.of("a_total", "b_total"),
        PromQlNames.of(
            "sum by (instance) (rate(a_total{result=\"x\"}[5m])) / on (instance) b_total > 0.01"));
    assertEquals(Set.of("up"), PromQlNames.of("up{job=\"dnstap-replay\"} == 0"));
  }

  private static void assertExposed(Set<String> used, Path file) {
    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(exposed);
    missing.removeAll(PROMETHEUS_SERIES);
    assertEquals(Set.of(), missing, file + " names series that /metrics does not expose");
  }

  /** Every string value under {@code key}, anywhere in the JSON tree. */
  @SuppressWarnings("unchecked")
  private static void collect(Object node, String key, List<String> out) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        if (e.getKey().equals(key) && e.getValue() instanceof String s) {
          out.add(s);
        } else {
          collect(e.getValue(), key, out);
        }
      }
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collect(item, key, out));
    }
  }
}
