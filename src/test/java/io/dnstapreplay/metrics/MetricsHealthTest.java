// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The checks behind /healthz, on a frozen clock. */
class MetricsHealthTest {
  private final MockClock clock = new MockClock();
  private final Metrics metrics =
      new Metrics(
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock));
  private final AtomicInteger reachable = new AtomicInteger(1);

  private Map<String, Optional<String>> problems() {
    return metrics.health().run().stream()
        .collect(Collectors.toMap(HealthChecks.Result::name, HealthChecks.Result::problem));
  }

  private void listening() {
    metrics.gauge("unix_socket_reachable", "test", reachable::get);
  }

  private void advance(Duration d) {
    clock.add(d);
  }

  @Test
  void unhealthyUntilTheSocketListensAndAfterItIsGone() {
    assertTrue(problems().get("unix_socket").orElseThrow().contains("not listening"));
    listening();
    assertEquals(Optional.empty(), problems().get("unix_socket"));
    reachable.set(0);
    assertTrue(problems().get("unix_socket").orElseThrow().contains("removed or replaced"));
  }

  @Test
  void withoutAUnixSocketTheCheckHasNothingToWaitFor() {
    metrics.withoutUnixSocket();
    assertEquals(Optional.empty(), problems().get("unix_socket"));
  }

  @Test
  void noTrafficIsHealthy() {
    listening();
    advance(Duration.ofHours(1));
    assertTrue(HealthChecks.healthy(metrics.health().run()));
  }

  @Test
  void timeoutsWithoutResponsesWithinTheWindowAreUnhealthy() {
    listening();
    metrics.queriesTimeout.increment();
    assertTrue(problems().get("target").orElseThrow().contains("no response"));
    metrics.queriesSuccess.increment();
    assertEquals(Optional.empty(), problems().get("target"));
    advance(TargetHealth.WINDOW.plusSeconds(1));
    metrics.queriesError.increment();
    assertTrue(problems().get("target").isPresent(), "the response is older than the window");
  }

  @Test
  void withATargetPerFamilyADeadOneIsNamedWhileTheOtherAnswers() throws Exception {
    listening();
    TargetQueries targets =
        metrics.targetQueries(
            List.of(
                new InetSocketAddress("192.0.2.53", 53),
                new InetSocketAddress("2001:db8::53", 5353)));
    targets.success(0);
    metrics.queriesSuccess.increment();
    targets.timeout(1);
    metrics.queriesTimeout.increment();
    assertEquals(Optional.empty(), problems().get("target"), "the daemon's traffic is answered");
    assertEquals(Optional.empty(), problems().get("target_ipv4"));
    assertEquals(
        Optional.of(
            "no response from [2001:db8::53]:5353 in the last 60 s while queries timed"
                + " out or failed"),
        problems().get("target_ipv6"));
    String scrape = metrics.scrape();
    assertTrue(
        scrape.contains(
            "dnstap_replay_target_queries_total{result=\"timeout\",target=\"[2001:db8::53]:5353\"} 1"),
        scrape);
    assertTrue(
        scrape.contains(
            "dnstap_replay_target_queries_total{result=\"error\",target=\"192.0.2.53:53\"} 0"),
        "exported at 0 from the start");
  }

  @Test
  void oneTargetHasNoCheckOfItsOwn() {
    metrics.targetQueries(List.of(new InetSocketAddress("192.0.2.53", 53)));
    assertEquals(List.of("target", "unix_socket"), problems().keySet().stream().sorted().toList());
  }

  @Test
  void aResponseWithinTheWindowKeepsItHealthy() {
    listening();
    metrics.queriesSuccess.increment();
    advance(TargetHealth.WINDOW.minusSeconds(1));
    metrics.queriesTimeout.increment();
    assertEquals(Optional.empty(), problems().get("target"));
    advance(Duration.ofSeconds(2));
    assertTrue(problems().get("target").isPresent());
  }

  @Test
  void oldFailuresAreForgotten() {
    listening();
    metrics.queriesTimeout.increment();
    advance(TargetHealth.WINDOW.plusSeconds(1));
    assertEquals(Optional.empty(), problems().get("target"));
  }

  @Test
  void stampedCountersStillCount() {
    metrics.queriesSuccess.increment(3);
    assertEquals(3, metrics.queriesSuccess.count());
    assertTrue(
        metrics.scrape().contains("dnstap_replay_dns_queries_total{result=\"success\"} 3.0"));
  }
}
