// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonDocumentWriterTest {
  @Test
  void writesOneObjectPerLine() throws IOException {
    StringWriter out = new StringWriter();
    JsonDocumentWriter w = new JsonDocumentWriter(out);
    for (int doc = 0; doc < 2; doc++) {
      w.beginDocument();
      w.symbol("type", "MESSAGE");
      w.beginMap("extra");
      w.string("bytes", "00");
      w.endMap();
      w.beginMap("message");
      w.timestamp("response_time", LocalDateTime.of(2026, 11, 23, 11, 46, 14), ".246747065");
      w.number("query_port", 33546);
      w.text("query_message_formatted", ";; a\n\tb\n");
      w.endMap();
      w.endDocument();
    }
    String line =
        "{\"type\":\"MESSAGE\",\"extra\":{\"bytes\":\"00\"},\"message\":{"
            + "\"response_time\":\"2026-11-23T11:46:14.246747065Z\",\"query_port\":33546,"
            + "\"query_message_formatted\":\";; a\\n\\tb\\n\"}}\n";
    assertEquals(line + line, out.toString());
  }

  @Test
  void quotesEscapeWhatJsonRequiresAndJavaScriptBreaksOn() {
    assertEquals("\"source-knot\"", JsonDocumentWriter.quote("source-knot"));
    assertEquals(
        "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001b\\u007f\\u2028\\u2029\"",
        JsonDocumentWriter.quote("\"\\/\b\f\n\r\t\0\u001b\u007f\u2028\u2029"));
    assertEquals(
        "\"\u0085é😀\\ufffd\\ufffd\"", JsonDocumentWriter.quote("\u0085é😀" + "\udfff" + "\ud800"));
  }

  /**
   * Any string survives a round trip through a strict JSON parser; lone surrogates become U+FFFD.
   */
  @Test
  void anyStringRoundTrips() {
    Random random = new Random(8259);
    for (int run = 0; run < 5_000; run++) {
      String s = randomString(random);
      String expected = replaceLoneSurrogates(s);
      Map<String, Object> parsed = MiniJson.object("{\"k\":" + JsonDocumentWriter.quote(s) + "}");
      assertEquals(expected, parsed.get("k"), () -> "input " + s.chars().boxed().toList());
    }
  }

  static String randomString(Random random) {
    StringBuilder sb = new StringBuilder();
    for (int n = random.nextInt(12); n > 0; n--) {
      switch (random.nextInt(4)) {
        case 0 -> sb.append((char) random.nextInt(0x80));
        case 1 -> sb.append((char) (0x80 + random.nextInt(0x80)));
        case 2 -> sb.append((char) random.nextInt(0x10000));
        default -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
      }
    }
    return sb.toString();
  }

  private static String replaceLoneSurrogates(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else {
        sb.append(Character.isSurrogate(c) ? '\ufffd' : c);
      }
    }
    return sb.toString();
  }
}
