// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.concurrent.TimeUnit;

/**
 * HistogramQuantile estimates a quantile of the response latency from its histogram buckets, the
 * way Prometheus's {@code histogram_quantile()} does (linear within the bucket it falls in), so the
 * summary of a run agrees with a dashboard built on the same metric. Pure.
 */
final class HistogramQuantile {
  private HistogramQuantile() {}

  /**
   * @param q the quantile, 0..1
   * @return seconds; the largest bucket bound when the quantile is beyond it, NaN without data
   */
  static double seconds(double q, HistogramSnapshot snapshot) {
    CountAtBucket[] buckets = snapshot.histogramCounts();
    if (snapshot.count() == 0 || buckets.length == 0) {
      return Double.NaN;
    }
    double rank = q * snapshot.count();
    double lower = 0;
    double below = 0;
    for (CountAtBucket b : buckets) {
      double upper = b.bucket(TimeUnit.SECONDS);
      if (b.count() >= rank && b.count() > below) {
        return lower + (upper - lower) * (rank - below) / (b.count() - below);
      }
      lower = upper;
      below = b.count();
    }
    return lower;
  }
}
