// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.micrometer.core.instrument.Counter;

/** Routes binds the paths to what they serve; shared by every connection. */
final class Routes {
  static final String METRICS = "/metrics";
  static final String HEALTHZ = "/healthz";
  static final String ERRORS = "/errors";
  static final String TIMEOUTS = "/timeouts";

  /** A buffer to drain and the counter of records handed out from it. */
  record Drain(RecordBuffer buffer, Counter delivered) {}

  final Metrics metrics;
  final Drain errors;
  final Drain timeouts;

  Routes(Metrics metrics, RecordBuffer errors, RecordBuffer timeouts) {
    this.metrics = metrics;
    this.errors = new Drain(errors, metrics.errorRxSuccess);
    this.timeouts = new Drain(timeouts, metrics.timeoutRxSuccess);
  }

  /** Whether {@code path} is served at all. */
  static boolean known(String path) {
    return switch (path) {
      case METRICS, HEALTHZ, ERRORS, TIMEOUTS -> true;
      default -> false;
    };
  }

  /** The drain behind {@code path}, or null. */
  Drain drain(String path) {
    return switch (path) {
      case ERRORS -> errors;
      case TIMEOUTS -> timeouts;
      default -> null;
    };
  }
}
