// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import io.dnstapreplay.report.RecordFileWriter;
import io.dnstapreplay.tools.JsonDocumentWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SummaryFormat writes a {@link RunSummary} for people (an outcomes table, rates, latency, the
 * files written and the verdict) or, with {@code --json}, as one JSON document with the same facts
 * for scripts. Pure.
 */
public final class SummaryFormat {
  private static final String[] VERDICTS = {"same", "different", "trouble"};

  private SummaryFormat() {}

  /** The summary as text, ending with the verdict and its exit status. */
  public static String text(RunSummary s) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Replayed %d frames of %s to %s in %s%n%n",
            s.frames(),
            String.join(", ", s.inputs()),
            s.ipv6Target() == null ? s.target() : s.target() + " and IPv6 to " + s.ipv6Target(),
            duration(s.elapsed().toNanos() / 1e9)));
    b.append(String.format(Locale.ROOT, "  %-20s %10s%n", "outcome", "payloads"));
    s.outcomes().forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-20s %10d%n", k, v)));
    b.append(String.format(Locale.ROOT, "  %-20s %10d%n", "total", s.payloads()));
    b.append(
        String.format(
            Locale.ROOT,
            "  %-20s %10d  (read, not replayed)%n%n",
            "not AUTH_RESPONSE",
            s.notReplayed()));
    countsLine(b, "pairing", s.pairing());
    countsLine(b, "unusable responses", s.unusable());
    b.append(
        String.format(
            Locale.ROOT,
            "  rate     %.0f payloads/s, %.0f queries/s (%d queries)%n",
            s.rate(s.payloads()),
            s.rate(s.queries()),
            s.queries()));
    b.append("  latency  ");
    b.append(
        s.latency().entrySet().stream()
            .map(e -> e.getKey() + " " + duration(e.getValue()))
            .collect(Collectors.joining(", ")));
    b.append(System.lineSeparator());
    for (RecordFileWriter.Result o : s.outputs()) {
      b.append(String.format(Locale.ROOT, "  written  %s: %d records%n", o.file(), o.records()));
    }
    b.append(System.lineSeparator());
    for (String t : s.troubles()) {
      b.append("trouble: ").append(t).append(System.lineSeparator());
    }
    b.append(verdictLine(s)).append(System.lineSeparator());
    return b.toString();
  }

  /** A line of the counts that are not 0, if any is. */
  private static void countsLine(StringBuilder b, String title, Map<String, Long> counts) {
    String nonZero =
        counts.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    if (!nonZero.isEmpty()) {
      b.append(String.format(Locale.ROOT, "  %-20s %s%n%n", title, nonZero));
    }
  }

  private static String verdictLine(RunSummary s) {
    int status = s.exitStatus();
    String why =
        switch (status) {
          case RunSummary.SAME -> "every payload replayed matched";
          case RunSummary.DIFFERENT ->
              RunSummary.FAILURES.stream()
                  .filter(k -> s.outcomes().get(k) > 0)
                  .map(k -> s.outcomes().get(k) + " " + k)
                  .collect(Collectors.joining(", "));
          default -> "the verdict is incomplete";
        };
    return VERDICTS[status] + ": " + why + " (exit status " + status + ")";
  }

  /** Seconds as a person reads them: microseconds, milliseconds or seconds. */
  static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "-";
    }
    if (seconds < 1e-3) {
      return String.format(Locale.ROOT, "%.0f µs", seconds * 1e6);
    }
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
    }
    return String.format(Locale.ROOT, "%.2f s", seconds);
  }

  /** The summary as one JSON object on one line; a quantity that does not exist is null. */
  public static String json(RunSummary s) {
    List<String> fields = new ArrayList<>();
    fields.add(field("inputs", array(s.inputs(), JsonDocumentWriter::quote)));
    fields.add(field("target", JsonDocumentWriter.quote(s.target())));
    fields.add(
        field(
            "ipv6_target",
            s.ipv6Target() == null ? "null" : JsonDocumentWriter.quote(s.ipv6Target())));
    fields.add(field("frames", Long.toString(s.frames())));
    fields.add(field("payloads", Long.toString(s.payloads())));
    fields.add(field("outcomes", object(s.outcomes(), v -> Long.toString(v))));
    fields.add(field("not_auth_response", Long.toString(s.notReplayed())));
    fields.add(field("pairing", object(s.pairing(), v -> Long.toString(v))));
    fields.add(field("unusable_responses", object(s.unusable(), v -> Long.toString(v))));
    fields.add(field("queries", Long.toString(s.queries())));
    fields.add(field("seconds", number(s.elapsed().toNanos() / 1e9)));
    Map<String, Double> rates = new LinkedHashMap<>();
    rates.put("payloads_per_second", s.rate(s.payloads()));
    rates.put("queries_per_second", s.rate(s.queries()));
    fields.add(field("rates", object(rates, SummaryFormat::number)));
    fields.add(field("latency_seconds", object(s.latency(), SummaryFormat::number)));
    fields.add(
        field(
            "outputs",
            array(
                s.outputs(),
                o ->
                    "{"
                        + field("file", JsonDocumentWriter.quote(o.file().toString()))
                        + ","
                        + field("records", Long.toString(o.records()))
                        + "}")));
    fields.add(field("troubles", array(s.troubles(), JsonDocumentWriter::quote)));
    fields.add(field("verdict", JsonDocumentWriter.quote(VERDICTS[s.exitStatus()])));
    fields.add(field("exit_status", Integer.toString(s.exitStatus())));
    return "{" + String.join(",", fields) + "}" + System.lineSeparator();
  }

  private static String field(String key, String json) {
    return JsonDocumentWriter.quote(key) + ":" + json;
  }

  private static <T> String array(List<T> values, Function<T, String> json) {
    return values.stream().map(json).collect(Collectors.joining(",", "[", "]"));
  }

  /** An object with the map's keys in its iteration order. */
  private static <T> String object(Map<String, T> values, Function<T, String> json) {
    return values.entrySet().stream()
        .map(e -> field(e.getKey(), json.apply(e.getValue())))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : Double.toString(v);
  }
}
