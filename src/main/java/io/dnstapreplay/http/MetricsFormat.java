// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import java.util.Locale;

/**
 * MetricsFormat chooses the exposition format of {@code /metrics} from the request's {@code Accept}
 * header, as Prometheus exporters do: OpenMetrics 1.0 when the client accepts it at least as much
 * as plain text (Prometheus asks for it first), else the Prometheus text format 0.0.4, which every
 * scraper reads. The protobuf format is never served.
 */
enum MetricsFormat {
  PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
  OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

  private static final String OPENMETRICS_TYPE = "application/openmetrics-text";

  private final String contentType;

  MetricsFormat(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  /** The format for an {@code Accept} header, which may be null or malformed. */
  static MetricsFormat forAccept(String accept) {
    if (accept == null) {
      return PROMETHEUS_TEXT;
    }
    double openMetrics = 0;
    double text = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      if (parts.length == 0) {
        continue;
      }
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = quality(parts);
      if (type.equals(OPENMETRICS_TYPE)) {
        openMetrics = Math.max(openMetrics, q);
      } else if (type.equals("text/plain") || type.equals("text/*") || type.equals("*/*")) {
        text = Math.max(text, q);
      }
    }
    return openMetrics > 0 && openMetrics >= text ? OPENMETRICS : PROMETHEUS_TEXT;
  }

  /** The {@code q} parameter of a media range: 1 when absent, 0 when unreadable. */
  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.startsWith("q=")) {
        try {
          double q = Double.parseDouble(p.substring(2).trim());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
