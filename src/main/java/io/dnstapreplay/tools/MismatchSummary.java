// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.dnstext.DnsMessage;
import io.dnstapreplay.dnstext.WireException;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.mismatch.Mismatch;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.mismatch.MismatchClassifier;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code dnstap-dump --summary}: the mismatch records of a file by class, with the most frequent
 * query names and types of each class and one example, so that "40 mismatched" reads as "30 answers
 * changed, 10 additional sections" without reading 40 diffs. Streams the file; memory is bounded by
 * {@link #MAX_DISTINCT} names per class, whatever the file holds.
 */
public final class MismatchSummary {
  /** How many names and types each class lists. */
  static final int TOP = 3;

  /** Distinct names counted per class; further ones count together as {@link #OTHER}. */
  static final int MAX_DISTINCT = 10_000;

  static final String OTHER = "(other names)";
  private static final String UNKNOWN = "(question does not parse)";

  private long records;
  private long mismatches;
  private long withoutLoggedResponse;
  private final Map<MismatchClass, ClassStats> byClass = new EnumMap<>(MismatchClass.class);

  /** What one class has seen. */
  private static final class ClassStats {
    long count;
    final Map<String, Long> names = new HashMap<>();
    final Map<String, Long> types = new HashMap<>();
    String exampleQuestion;
    List<String> exampleFields;
  }

  /**
   * Reads the whole of {@code in}, then writes its summary as text or JSON and flushes; a file
   * damaged part-way gives no summary, since its counts would look complete.
   *
   * @throws DnstapDump.OutputException if writing fails
   * @throws IOException if reading fails
   */
  public static void summarize(DnstapFileReader in, boolean json, Writer out) throws IOException {
    MismatchSummary summary = read(in);
    try {
      if (json) {
        summary.writeJson(out);
      } else {
        summary.writeText(out);
      }
      out.flush();
    } catch (IOException e) {
      throw new DnstapDump.OutputException(e);
    }
  }

  /** Reads every record of {@code in}. */
  static MismatchSummary read(DnstapFileReader in) throws IOException {
    MismatchSummary s = new MismatchSummary();
    for (DnstapProto.Dnstap d = in.next(); d != null; d = in.next()) {
      s.add(d);
    }
    return s;
  }

  void add(DnstapProto.Dnstap d) {
    records++;
    if (!d.hasExtra()) {
      return;
    }
    FailureRecord record;
    try {
      record = FailureRecord.decode(d.getExtra().toByteArray());
    } catch (IllegalArgumentException notOurs) {
      return;
    }
    if (record.kind() != FailureRecord.Kind.MISMATCH) {
      return;
    }
    mismatches++;
    if (!d.getMessage().hasResponseMessage()) {
      withoutLoggedResponse++;
      return;
    }
    byte[] logged = d.getMessage().getResponseMessage().toByteArray();
    Mismatch mismatch = MismatchClassifier.classify(logged, record.mismatchResponse());
    String question = question(logged, d.getMessage().getQueryMessage().toByteArray());
    String[] parts = question.split(" ");
    String name = parts[0].toLowerCase(Locale.ROOT);
    String type = parts[parts.length - 1];
    for (MismatchClass c : mismatch.classes()) {
      ClassStats s = byClass.computeIfAbsent(c, k -> new ClassStats());
      s.count++;
      count(s.names, name);
      count(s.types, type);
      if (s.exampleQuestion == null) {
        s.exampleQuestion = question;
        s.exampleFields = mismatch.differences().stream().map(Object::toString).toList();
      }
    }
  }

  /** The first question of the logged response, or of the query if the response has none. */
  private static String question(byte[] response, byte[] query) {
    for (byte[] wire : List.of(response, query)) {
      try {
        List<String> questions = DnsMessage.parse(wire).questions();
        if (!questions.isEmpty()) {
          return questions.get(0);
        }
      } catch (WireException e) {
        // try the next
      }
    }
    return UNKNOWN;
  }

  private static void count(Map<String, Long> counts, String key) {
    String k = counts.containsKey(key) || counts.size() < MAX_DISTINCT ? key : OTHER;
    counts.merge(k, 1L, Long::sum);
  }

  /** The {@link #TOP} most frequent keys, most frequent first, ties by key. */
  private static List<Map.Entry<String, Long>> top(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP)
        .toList();
  }

  private static String topText(Map<String, Long> counts) {
    StringJoiner j = new StringJoiner(", ");
    top(counts).forEach(e -> j.add(e.getKey() + " " + e.getValue()));
    return j.toString();
  }

  /** Writes the summary as a table for people. */
  void writeText(Writer out) throws IOException {
    out.write(
        mismatches
            + " mismatch records of "
            + records
            + " records"
            + (withoutLoggedResponse > 0
                ? " (" + withoutLoggedResponse + " without a logged response: not classified)"
                : "")
            + "\n");
    if (byClass.isEmpty()) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"class", "count", "top query names", "top query types"});
    byClass.forEach(
        (c, s) ->
            rows.add(
                new String[] {
                  c.label(), Long.toString(s.count), topText(s.names), topText(s.types)
                }));
    int[] widths = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    out.write('\n');
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(pad(row[i], widths[i], i == 1)).append(i < row.length - 1 ? "  " : "");
      }
      out.write(line.toString().stripTrailing() + "\n");
    }
    out.write("\nexample of each class:\n");
    for (Map.Entry<MismatchClass, ClassStats> e : byClass.entrySet()) {
      out.write(e.getKey().label() + ": " + e.getValue().exampleQuestion + "\n");
      for (String field : e.getValue().exampleFields) {
        out.write("  " + field + "\n");
      }
    }
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }

  /** Writes the summary as one JSON object, the same content for scripts. */
  void writeJson(Writer out) throws IOException {
    StringBuilder j = new StringBuilder();
    j.append("{\"records\":").append(records);
    j.append(",\"mismatches\":").append(mismatches);
    j.append(",\"without_logged_response\":").append(withoutLoggedResponse);
    j.append(",\"classes\":[");
    String sep = "";
    for (Map.Entry<MismatchClass, ClassStats> e : byClass.entrySet()) {
      ClassStats s = e.getValue();
      j.append(sep).append("{\"class\":").append(JsonDocumentWriter.quote(e.getKey().label()));
      j.append(",\"count\":").append(s.count);
      j.append(",\"top_names\":");
      topJson(j, s.names, "name");
      j.append(",\"top_types\":");
      topJson(j, s.types, "type");
      j.append(",\"example\":{\"question\":").append(JsonDocumentWriter.quote(s.exampleQuestion));
      j.append(",\"fields\":[");
      StringJoiner fields = new StringJoiner(",");
      s.exampleFields.forEach(f -> fields.add(JsonDocumentWriter.quote(f)));
      j.append(fields).append("]}}");
      sep = ",";
    }
    j.append("]}\n");
    out.write(j.toString());
  }

  private static void topJson(StringBuilder j, Map<String, Long> counts, String key) {
    StringJoiner items = new StringJoiner(",", "[", "]");
    top(counts)
        .forEach(
            e ->
                items.add(
                    "{\""
                        + key
                        + "\":"
                        + JsonDocumentWriter.quote(e.getKey())
                        + ",\"count\":"
                        + e.getValue()
                        + "}"));
    j.append(items);
  }
}
