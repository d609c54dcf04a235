// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsFormatTest {
  @Test
  void prometheusAsksForOpenMetricsFirst() {
    // what Prometheus 2.x sends
    String accept =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
            + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    assertEquals(MetricsFormat.OPENMETRICS, MetricsFormat.forAccept(accept));
  }

  @Test
  void plainClientsGetText() {
    assertEquals(MetricsFormat.PROMETHEUS_TEXT, MetricsFormat.forAccept(null));
    assertEquals(MetricsFormat.PROMETHEUS_TEXT, MetricsFormat.forAccept("*/*"));
    assertEquals(MetricsFormat.PROMETHEUS_TEXT, MetricsFormat.forAccept("text/plain"));
    assertEquals(MetricsFormat.PROMETHEUS_TEXT, MetricsFormat.forAccept("application/json"));
  }

  @Test
  void qualityDecides() {
    assertEquals(
        MetricsFormat.PROMETHEUS_TEXT,
        MetricsFormat.forAccept("application/openmetrics-text;q=0.3, text/plain"));
    assertEquals(
        MetricsFormat.PROMETHEUS_TEXT,
        MetricsFormat.forAccept("application/openmetrics-text; q=0"));
    assertEquals(
        MetricsFormat.OPENMETRICS,
        MetricsFormat.forAccept("text/plain;q=0.5, Application/OpenMetrics-Text"));
  }

  @Test
  void malformedHeadersFallBackToText() {
    assertEquals(
        MetricsFormat.PROMETHEUS_TEXT,
        MetricsFormat.forAccept("application/openmetrics-text;q=banana"));
    assertEquals(
        MetricsFormat.PROMETHEUS_TEXT, MetricsFormat.forAccept("application/openmetrics-text;q=7"));
    assertEquals(MetricsFormat.PROMETHEUS_TEXT, MetricsFormat.forAccept(",,;;"));
  }
}
