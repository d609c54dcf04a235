// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.tools.DnstapDump.Format;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The YAML loads in a real YAML parser (PyYAML, see {@link PythonYaml}) to exactly what the JSON
 * lines say, and any string or text survives the trip.
 */
class DumpYamlValidityTest {
  @BeforeEach
  void needsPyYaml() {
    PythonYaml.assume();
  }

  @Test
  void theWholeCaptureLoadsAsTheJsonLinesSay() throws Exception {
    byte[] tap = KnotCapture.bytes();
    assertYamlLoadsAsJson(tap);
  }

  @Test
  void theFailureRecordsLoadAsTheJsonLinesSay() throws Exception {
    assertEquals(4, assertYamlLoadsAsJson(ToolsFixtures.extraKindsTap()));
  }

  /** Every string and text, including every kind of character, loads back unchanged. */
  @Test
  void anyStringAndAnyTextLoadBack() throws Exception {
    Random random = new Random(1_1);
    StringWriter out = new StringWriter();
    YamlDocumentWriter w = new YamlDocumentWriter(out);
    Map<String, Object> expected = new LinkedHashMap<>();
    w.beginDocument();
    w.beginMap("m");
    for (int i = 0; i < 2_000; i++) {
      String s = JsonDocumentWriterTest.randomString(random);
      w.string("s" + i, s);
      expected.put("s" + i, s);
      String text = randomText(random);
      w.text("t" + i, text);
      expected.put("t" + i, text);
    }
    w.endMap();
    w.endDocument();
    Object loaded = MiniJson.parse(PythonYaml.toJson(out.toString()));
    assertEquals(List.of(Map.of("m", expected)), loaded);
  }

  /**
   * Lines of printable characters of any language, control characters, tabs and blanks, sometimes
   * starting or ending with line breaks.
   */
  private static String randomText(Random random) {
    String alphabet = " \t\n\n;-|#:'\"abc\u00e9\u20ac\ud83d\ude00\u0001\u0085";
    StringBuilder sb = new StringBuilder();
    for (int n = random.nextInt(20); n > 0; n--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /**
   * Compares PyYAML's reading of the YAML dump with the JSON dump, timestamps aside (Python keeps
   * microseconds), and those by their first 26 characters.
   *
   * @return the number of documents
   */
  private static int assertYamlLoadsAsJson(byte[] tap) throws IOException, InterruptedException {
    Object fromYaml = MiniJson.parse(PythonYaml.toJson(ToolsFixtures.dump(tap, Format.YAML)));
    List<Object> fromJson = new ArrayList<>();
    for (String line : ToolsFixtures.dump(tap, Format.JSON).lines().toList()) {
      fromJson.add(asPythonPrintsTimestamps(MiniJson.object(line)));
    }
    assertEquals(fromJson, fromYaml);
    return fromJson.size();
  }

  @SuppressWarnings("unchecked")
  private static Object asPythonPrintsTimestamps(Map<String, Object> doc) {
    Object message = doc.get("message");
    if (message instanceof Map) {
      Map<String, Object> m = (Map<String, Object>) message;
      for (String key : List.of("query_time", "response_time")) {
        if (m.get(key) instanceof String t) {
          m.put(key, t.replace('T', ' ').substring(0, 26).replaceAll("\\.000000$", ""));
        }
      }
    }
    return doc;
  }
}
