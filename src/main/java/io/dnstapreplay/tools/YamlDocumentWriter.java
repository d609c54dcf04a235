// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes documents in the original dnstap-dump's YAML layout: two spaces per level, {@code ---}
 * after each document, strings double-quoted, text as literal blocks indented two more spaces than
 * their key (so the DNS text is the original's, byte for byte).
 *
 * <p>Unlike the original it escapes strings, because identity and version are arbitrary bytes a
 * server was configured with: any value comes out as valid YAML that loads back to the same string.
 * For the same reason text that a literal block cannot hold (a control character a server put in an
 * EDNS option, a line of blanks) is written as a quoted string.
 */
final class YamlDocumentWriter implements DocumentWriter {
  private static final int INDENT = 2;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  private static final Pattern PLAIN_SYMBOL = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** Plain scalars YAML 1.1 reads as booleans or null. */
  private static final Set<String> YAML_1_1_WORDS =
      Set.of("Y", "N", "YES", "NO", "ON", "OFF", "TRUE", "FALSE", "NULL");

  private final Writer out;
  private int depth;

  YamlDocumentWriter(Writer out) {
    this.out = out;
  }

  @Override
  public void beginDocument() {
    depth = 0;
  }

  @Override
  public void endDocument() throws IOException {
    out.write("---\n");
  }

  @Override
  public void beginMap(String key) throws IOException {
    key(key);
    out.write('\n');
    depth++;
  }

  @Override
  public void endMap() {
    depth--;
  }

  /** Plain, as the original writes enum names, unless YAML would read it as something else. */
  @Override
  public void symbol(String key, String name) throws IOException {
    line(
        key,
        PLAIN_SYMBOL.matcher(name).matches() && !YAML_1_1_WORDS.contains(name)
            ? name
            : quote(name));
  }

  @Override
  public void string(String key, String value) throws IOException {
    line(key, quote(value));
  }

  @Override
  public void number(String key, long value) throws IOException {
    line(key, Long.toString(value));
  }

  @Override
  public void timestamp(String key, LocalDateTime utc, String fraction) throws IOException {
    line(key, "!!timestamp " + TIMESTAMP.format(utc) + fraction);
  }

  /**
   * A literal block ({@code |}) with the indicators that make it load back to exactly {@code
   * lines}: an explicit indentation when the first line starts with a blank, and chomping that
   * keeps the final line breaks as they are. Text a block cannot hold is quoted instead.
   */
  @Override
  public void text(String key, String lines) throws IOException {
    if (!fitsLiteralBlock(lines)) {
      string(key, lines);
      return;
    }
    int first = 0;
    while (lines.charAt(first) == '\n') {
      first++;
    }
    boolean blankFirst = lines.charAt(first) == ' ';
    String chomping = !lines.endsWith("\n") ? "-" : lines.endsWith("\n\n") ? "+" : "";
    line(key, "|" + (blankFirst ? Integer.toString(INDENT) : "") + chomping);
    String indent = " ".repeat(INDENT * (depth + 1));
    String[] split = lines.split("\n", -1);
    int count = lines.endsWith("\n") ? split.length - 1 : split.length;
    for (String line : Arrays.asList(split).subList(0, count)) {
      if (!line.isEmpty()) {
        out.write(indent);
        out.write(line);
      }
      out.write('\n');
    }
  }

  private void key(String key) throws IOException {
    out.write(" ".repeat(INDENT * depth));
    out.write(key);
    out.write(':');
  }

  private void line(String key, String value) throws IOException {
    key(key);
    out.write(' ');
    out.write(value);
    out.write('\n');
  }

  /**
   * Whether {@code lines} can be a literal block: characters YAML prints as they are (any language,
   * tabs, line breaks), at least one line with something on it, and no line of blanks only (it
   * would be read as an empty line). Blanks at the end of a line with text are kept by a reader.
   */
  static boolean fitsLiteralBlock(String lines) {
    if (lines.isBlank()) {
      return false;
    }
    for (String line : lines.split("\n", -1)) {
      if (!line.isEmpty() && line.isBlank()) {
        return false;
      }
    }
    for (int i = 0; i < lines.length(); i++) {
      char c = lines.charAt(i);
      if (c == '\n' || c == '\t' || printable(c)) {
        continue;
      }
      if (!isSurrogatePair(lines, i)) {
        return false;
      }
      i++;
    }
    return true;
  }

  private static boolean isSurrogatePair(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }

  /** A YAML 1.1 double-quoted scalar that loads back to exactly {@code s}. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\0' -> sb.append("\\0");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case 0x85 -> sb.append("\\N");
        case 0x2028 -> sb.append("\\L");
        case 0x2029 -> sb.append("\\P");
        default -> {
          if (isSurrogatePair(s, i)) {
            sb.append(c).append(s.charAt(++i));
          } else if (printable(c)) {
            sb.append(c);
          } else if (c <= 0xff) {
            sb.append(String.format("\\x%02X", (int) c));
          } else {
            sb.append(String.format("\\u%04X", (int) c));
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * YAML's printable set, less what a reader could take for something else: line breaks, the byte
   * order mark, and lone surrogates (which have no UTF-8 form).
   */
  private static boolean printable(char c) {
    return (c >= 0x20 && c < 0x7f)
        || (c >= 0xa0 && c < Character.MIN_SURROGATE)
        || (c > Character.MAX_SURROGATE && c <= 0xfffd && c != 0xfeff);
  }
}
