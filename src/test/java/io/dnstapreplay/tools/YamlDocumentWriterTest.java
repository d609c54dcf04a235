// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class YamlDocumentWriterTest {
  @Test
  void writesTheOriginalLayout() throws IOException {
    StringWriter out = new StringWriter();
    YamlDocumentWriter w = new YamlDocumentWriter(out);
    w.beginDocument();
    w.symbol("type", "MESSAGE");
    w.string("identity", "ns1");
    w.beginMap("message");
    w.timestamp("response_time", LocalDateTime.of(2026, 11, 23, 11, 46, 14), ".000000005");
    w.timestamp("query_time", LocalDateTime.of(2026, 11, 23, 11, 46, 13), "");
    w.number("query_port", 65535);
    w.text("query_message_formatted", ";; a\n\n;;\tb\n");
    w.endMap();
    w.endDocument();
    w.beginDocument();
    w.symbol("type", "MESSAGE");
    w.endDocument();
    assertEquals(
        """
        type: MESSAGE
        identity: "ns1"
        message:
          response_time: !!timestamp 2026-11-23 11:46:14.000000005
          query_time: !!timestamp 2026-11-23 11:46:13
          query_port: 65535
          query_message_formatted: |
            ;; a

            ;;\tb
        ---
        type: MESSAGE
        ---
        """,
        out.toString());
  }

  @Test
  void blockIndicatorsKeepLeadingBlanksAndFinalLineBreaks() throws IOException {
    StringWriter out = new StringWriter();
    YamlDocumentWriter w = new YamlDocumentWriter(out);
    w.beginMap("m");
    w.text("indented", "\n  starts with blanks\nthen not\n");
    w.text("kept", "two final breaks\n\n");
    w.text("stripped", "no final break");
    w.endMap();
    assertEquals(
        """
        m:
          indented: |2

              starts with blanks
            then not
          kept: |+
            two final breaks

          stripped: |-
            no final break
        """,
        out.toString());
  }

  @Test
  void textABlockCannotHoldIsQuoted() throws IOException {
    StringWriter out = new StringWriter();
    YamlDocumentWriter w = new YamlDocumentWriter(out);
    w.text("a", "a line of blanks\n  \n");
    w.text("b", "\n\n");
    w.text("c", "");
    w.text("d", "a control character \u0001\n");
    assertEquals(
        "a: \"a line of blanks\\n  \\n\"\nb: \"\\n\\n\"\nc: \"\"\n"
            + "d: \"a control character \\x01\\n\"\n",
        out.toString());
  }

  /** As the original writes an NSID that is not UTF-8 ({@code ; NSID: FF }) or text in UTF-8. */
  @Test
  void blanksAfterTextAndAnyLanguageStayInTheBlock() throws IOException {
    StringWriter out = new StringWriter();
    YamlDocumentWriter w = new YamlDocumentWriter(out);
    w.text("a", "; NSID: FF \n; NSID: 63 61 66 C3 A9 (caf\u00e9 \ud83d\ude00)\n");
    assertEquals(
        "a: |\n  ; NSID: FF \n  ; NSID: 63 61 66 C3 A9 (caf\u00e9 \ud83d\ude00)\n", out.toString());
  }

  @Test
  void symbolsThatYamlWouldReadAsOtherTypesAreQuoted() throws IOException {
    StringWriter out = new StringWriter();
    YamlDocumentWriter w = new YamlDocumentWriter(out);
    w.symbol("a", "INET6");
    w.symbol("b", "NO");
    w.symbol("c", "NULL");
    w.symbol("d", "lower");
    assertEquals("a: INET6\nb: \"NO\"\nc: \"NULL\"\nd: \"lower\"\n", out.toString());
  }

  @Test
  void quotesEscapeWhatYamlDoesNotTakeRaw() {
    assertEquals("\"source-knot\"", YamlDocumentWriter.quote("source-knot"));
    assertEquals("\"say \\\"hi\\\" \\\\o/\"", YamlDocumentWriter.quote("say \"hi\" \\o/"));
    assertEquals(
        "\"\\0\\t\\n\\r\\x01\\x1B\\x7F\\x9F\\N\\L\\P\\uFEFF\\uFFFE\\uD800\"",
        YamlDocumentWriter.quote(
            "\0\t\n\r\u0001\u001b\u007f\u009f\u0085\u2028\u2029\ufeff\ufffe\ud800"));
    assertEquals("\"é\u00a0ü€😀\"", YamlDocumentWriter.quote("é\u00a0ü€😀"));
  }

  @Test
  void literalBlocksTakePrintableTextWithoutLinesOfBlanks() {
    assertTrue(YamlDocumentWriter.fitsLiteralBlock(";; a\n\n;;\tb\n"));
    assertTrue(YamlDocumentWriter.fitsLiteralBlock("--- a\n b\n-c\n"));
    assertTrue(YamlDocumentWriter.fitsLiteralBlock("\n a\n\n"));
    assertTrue(YamlDocumentWriter.fitsLiteralBlock("a"));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock(""));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock("\n\n"));
    assertTrue(YamlDocumentWriter.fitsLiteralBlock("a \n"));
    assertTrue(YamlDocumentWriter.fitsLiteralBlock("a\t\nb"));
    assertTrue(YamlDocumentWriter.fitsLiteralBlock("\u00e9\ud83d\ude00\n"));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock("a\n  "));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock("a\n \t\nb"));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock("a\rb\n"));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock("a\u0085b\n"));
    assertFalse(YamlDocumentWriter.fitsLiteralBlock("\ud83d\n"));
  }
}
