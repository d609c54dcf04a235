// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.io.IOException;
import java.util.Optional;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * A DNS message in wire format as dig-style text, by dnsjava. The only class that touches dnsjava:
 * its {@code Message} clashes with dnstap's.
 *
 * <p>A message that does not parse still shows what did (the header and the sections up to the
 * failing one), then {@code ;; PARSE ERROR: reason}, because the bytes a broken server sent are
 * what a person debugging a mismatch most needs to see.
 *
 * <p>The text is printable ASCII plus tabs, one line per {@code \n}, without trailing blanks, so it
 * fits a YAML block scalar unchanged.
 */
public final class DnsText {
  static final String PARSE_ERROR = ";; PARSE ERROR: ";

  private static final int FLAGS_BYTE = 2;
  private static final int TC_BIT = 0x02;
  private static final int SECTIONS = 4;

  private final String text;
  private final String parseError;

  private DnsText(String text, String parseError) {
    this.text = text;
    this.parseError = parseError;
  }

  /** Formats {@code wire}; never throws for bad input. */
  public static DnsText format(byte[] wire) {
    try {
      return new DnsText(clean(new Message(wire).toString()), null);
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new DnsText(clean(partial(wire) + PARSE_ERROR + reason), reason);
    }
  }

  /** Lines, each ending in {@code \n}. */
  public String text() {
    return text;
  }

  /** Why the message did not parse, if it did not. */
  public Optional<String> parseError() {
    return Optional.ofNullable(parseError);
  }

  /**
   * The header and the sections that parse. dnsjava keeps the records read before a parse error
   * when the header's TC flag says the message is truncated, so a copy with TC set yields them; the
   * original header is shown.
   */
  private static String partial(byte[] wire) {
    if (wire.length < Header.LENGTH) {
      return "";
    }
    Header header;
    Message truncated;
    try {
      header = new Header(wire);
      byte[] copy = wire.clone();
      copy[FLAGS_BYTE] |= TC_BIT;
      truncated = new Message(copy);
    } catch (IOException | RuntimeException e) {
      return "";
    }
    truncated.setHeader(header);
    StringBuilder sb = new StringBuilder(header.toString()).append('\n');
    for (int section = 0; section < SECTIONS; section++) {
      sb.append(";; ").append(Section.longString(section)).append(":\n");
      sb.append(truncated.sectionToString(section)).append('\n');
      if (truncated.getSection(section).size() < header.getCount(section)) {
        break;
      }
    }
    return sb.toString();
  }

  /**
   * Strips trailing blanks, ends every line with {@code \n}, and writes any character that is not
   * printable ASCII or a tab as a {@code \DDD} escape, as DNS presentation format does.
   */
  private static String clean(String s) {
    StringBuilder out = new StringBuilder(s.length() + 1);
    for (String line : s.split("\n", -1)) {
      String trimmed = line.stripTrailing();
      for (int i = 0; i < trimmed.length(); i++) {
        char c = trimmed.charAt(i);
        if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
          out.append(c);
        } else {
          out.append('\\').append(String.format("%03d", (int) c));
        }
      }
      out.append('\n');
    }
    int end = out.length();
    while (end > 1 && out.charAt(end - 1) == '\n' && out.charAt(end - 2) == '\n') {
      end--;
    }
    out.setLength(end);
    return out.toString();
  }
}
