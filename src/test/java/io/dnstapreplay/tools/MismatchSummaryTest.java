// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.failure.FailureRecord.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MismatchSummaryTest {
  private static DnstapProto.Dnstap mismatch(byte[] received) {
    return ToolsFixtures.withExtra(FailureRecord.encode(Kind.MISMATCH, received));
  }

  /** Two answers changed (one of them also truncated), a timeout, and a record without extra. */
  private static byte[] file() {
    byte[] truncated = ToolsFixtures.whoamiAnsweredWith(10, 0, 0, 2);
    truncated[2] |= 0x02;
    return ToolsFixtures.tapOf(
        mismatch(ToolsFixtures.whoamiAnsweredWith(10, 0, 0, 1)),
        mismatch(truncated),
        ToolsFixtures.withExtra(FailureRecord.encode(Kind.TIMEOUT, null)),
        ToolsFixtures.captureMessage(ToolsFixtures.SOA));
  }

  private static String summary(byte[] tap, boolean json) throws IOException {
    StringWriter out = new StringWriter();
    MismatchSummary.summarize(new DnstapFileReader(new ByteArrayInputStream(tap), "t"), json, out);
    return out.toString();
  }

  @Test
  void textTableHasEachClassWithCountsTopNamesAndAnExample() throws IOException {
    assertEquals(
        """
        2 mismatch records of 4 records

        class      count  top query names  top query types
        answer         2  whoami.test. 2   A 2
        truncated      1  whoami.test. 1   A 1

        example of each class:
        answer: whoami.test. IN A
          answer: changed whoami.test. IN A [127.0.0.1] -> [10.0.0.1]
        truncated: whoami.test. IN A
          truncated: tc clear -> set
          answer: changed whoami.test. IN A [127.0.0.1] -> [10.0.0.2]
        """,
        summary(file(), false));
  }

  @Test
  void jsonHasTheSameContent() throws IOException {
    String json = summary(file(), true);
    assertEquals(1, json.lines().count());
    Map<String, Object> doc = MiniJson.object(json);
    assertEquals(4L, doc.get("records"));
    assertEquals(2L, doc.get("mismatches"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> classes = (List<Map<String, Object>>) doc.get("classes");
    assertEquals("answer", classes.get(0).get("class"));
    assertEquals(2L, classes.get(0).get("count"));
    assertEquals(
        List.of(Map.of("name", "whoami.test.", "count", 2L)), classes.get(0).get("top_names"));
    assertEquals(List.of(Map.of("type", "A", "count", 2L)), classes.get(0).get("top_types"));
    assertEquals(
        Map.of(
            "question",
            "whoami.test. IN A",
            "fields",
            List.of(
                "truncated: tc clear -> set",
                "answer: changed whoami.test. IN A [127.0.0.1] -> [10.0.0.2]")),
        classes.get(1).get("example"));
  }

  @Test
  void aFileWithoutMismatchesSaysSo() throws IOException {
    byte[] tap = ToolsFixtures.tapOf(ToolsFixtures.captureMessage(ToolsFixtures.SOA));
    assertEquals("0 mismatch records of 1 records\n", summary(tap, false));
    assertEquals(
        "{\"records\":1,\"mismatches\":0,\"without_logged_response\":0,\"classes\":[]}\n",
        summary(tap, true));
  }

  @Test
  void aDamagedFileGivesNoSummary() {
    byte[] tap = file();
    byte[] cut = Arrays.copyOf(tap, tap.length - 20);
    StringWriter out = new StringWriter();
    assertThrows(
        IOException.class,
        () ->
            MismatchSummary.summarize(
                new DnstapFileReader(new ByteArrayInputStream(cut), "t"), false, out));
    assertEquals("", out.toString());
  }
}
