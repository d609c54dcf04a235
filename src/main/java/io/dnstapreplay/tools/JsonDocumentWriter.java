// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes each document as one JSON object on one line (JSON Lines), for {@code jq} and scripts.
 * Same keys as the YAML; timestamps are RFC 3339 strings in UTC, text is a string with {@code \n}.
 */
public final class JsonDocumentWriter implements DocumentWriter {
  /** Deepest nesting the dnstap walk needs is two; a little room for more. */
  private static final int MAX_DEPTH = 8;

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private final Writer out;
  private final boolean[] empty = new boolean[MAX_DEPTH];
  private int depth;

  JsonDocumentWriter(Writer out) {
    this.out = out;
  }

  @Override
  public void beginDocument() throws IOException {
    depth = 0;
    empty[0] = true;
    out.write('{');
  }

  @Override
  public void endDocument() throws IOException {
    out.write("}\n");
  }

  @Override
  public void beginMap(String key) throws IOException {
    key(key);
    out.write('{');
    empty[++depth] = true;
  }

  @Override
  public void endMap() throws IOException {
    out.write('}');
    depth--;
  }

  @Override
  public void symbol(String key, String name) throws IOException {
    string(key, name);
  }

  @Override
  public void string(String key, String value) throws IOException {
    key(key);
    out.write(quote(value));
  }

  @Override
  public void number(String key, long value) throws IOException {
    key(key);
    out.write(Long.toString(value));
  }

  @Override
  public void timestamp(String key, LocalDateTime utc, String fraction) throws IOException {
    string(key, TIMESTAMP.format(utc) + fraction + "Z");
  }

  @Override
  public void text(String key, String lines) throws IOException {
    string(key, lines);
  }

  private void key(String key) throws IOException {
    if (!empty[depth]) {
      out.write(',');
    }
    empty[depth] = false;
    out.write(quote(key));
    out.write(':');
  }

  /**
   * A JSON string (RFC 8259) that parses back to {@code s}. Besides what JSON requires, DEL, the
   * JavaScript line terminators U+2028/U+2029 and lone surrogates (which have no UTF-8 form; they
   * become U+FFFD) are escaped, so the output is also safe to paste into JavaScript.
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            sb.append("\\ufffd");
          } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
