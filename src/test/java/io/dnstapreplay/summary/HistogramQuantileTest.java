// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.metrics.Metrics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Quantiles as Prometheus's histogram_quantile() computes them from the daemon's buckets. */
class HistogramQuantileTest {
  private final Metrics metrics = new Metrics();

  private double q(double quantile) {
    return HistogramQuantile.seconds(quantile, metrics.responseLatency.takeSnapshot());
  }

  private void record(int n, long micros) {
    for (int i = 0; i < n; i++) {
      metrics.responseLatency.record(micros, TimeUnit.MICROSECONDS);
    }
  }

  @Test
  void noResponseHasNoQuantile() {
    assertTrue(Double.isNaN(q(0.5)));
  }

  @Test
  void linearWithinTheBucketTheRankFallsIn() {
    record(10, 200); // bucket (100 µs, 250 µs]
    record(10, 400); // bucket (250 µs, 500 µs]
    // rank 10 of 20 is the top of the first populated bucket; rank 15 is halfway up the next
    assertEquals(250e-6, q(0.5), 1e-12);
    assertEquals(375e-6, q(0.75), 1e-12);
    assertEquals(500e-6, q(1), 1e-12);
    assertEquals(175e-6, q(0.25), 1e-12, "from the bucket's lower bound, 100 µs");
  }

  @Test
  void theFirstBucketStartsAtZero() {
    record(4, 50);
    assertEquals(50e-6, q(0.5), 1e-12);
  }

  @Test
  void beyondTheLargestBucketIsItsBound() {
    record(1, 100);
    record(9, 7_000_000);
    assertEquals(5, q(0.99), 1e-12);
  }
}
