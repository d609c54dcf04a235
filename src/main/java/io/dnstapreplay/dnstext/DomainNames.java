// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

/**
 * Domain names as the {@code domain} 0.9 crate reads and prints them. A name is shown without its
 * trailing dot (callers add one where the crate does); the root name of a message is the empty
 * string, the root name of an EDNS option {@code "."}.
 */
final class DomainNames {
  private static final int MAX_LENGTH = 255;
  private static final int POINTER = 0xc0;
  private static final int LABEL_TYPES = 0x40;

  private DomainNames() {}

  /**
   * Reads a name that may use compression pointers ({@code ParsedDname::parse}); {@code p} moves
   * past the name where it is, up to its first pointer. A pointer must point before itself, so a
   * loop cannot be followed forever.
   */
  static String parse(WireParser p) {
    StringBuilder text = new StringBuilder();
    int length = 0;
    WireParser q = p;
    while (true) {
      int head = q.u8();
      if (head == 0) {
        return text.toString();
      }
      if (head < POINTER) {
        length = label(q, head, length, text);
        continue;
      }
      int pointer = (head & ~POINTER) << 8 | q.u8();
      if (q == p) {
        q = p.copy();
      }
      if (pointer >= q.pos() - 2) {
        throw new WireException("too many compression pointers");
      }
      q.seek(pointer);
    }
  }

  /**
   * Moves past a name without following its pointer, checking only the part in place ({@code
   * ParsedDname::skip}), as the original does for the sections before the one it reads.
   */
  static void skip(WireParser p) {
    int length = 0;
    while (true) {
      int head = p.u8();
      if (head >= POINTER) {
        p.u8();
        return;
      }
      checkLabelType(head);
      p.advance(head);
      length += head + 1;
      if (length > MAX_LENGTH) {
        throw longName();
      }
      if (head == 0) {
        return;
      }
    }
  }

  /** Reads an uncompressed name ({@code Dname::parse}); the root is {@code "."}. */
  static String parseUncompressed(WireParser p) {
    WireParser q = p.copy();
    StringBuilder text = new StringBuilder();
    while (true) {
      int head = q.u8();
      checkLabelType(head);
      if (head == 0) {
        break;
      }
      appendLabel(text, q.bytes(head));
    }
    if (q.pos() - p.pos() > MAX_LENGTH) {
      throw longName();
    }
    p.advance(q.pos() - p.pos());
    return text.isEmpty() ? "." : text.toString();
  }

  private static int label(WireParser p, int head, int length, StringBuilder text) {
    checkLabelType(head);
    byte[] label = p.bytes(head);
    int total = length + head + 1;
    if (total >= MAX_LENGTH) {
      throw longName();
    }
    appendLabel(text, label);
    return total;
  }

  private static void checkLabelType(int head) {
    if (head >= LABEL_TYPES) {
      throw new WireException("invalid label type");
    }
  }

  /**
   * The crate's {@code Label} display: blank, dot and backslash escaped, the rest as {@code \DDD}.
   */
  private static void appendLabel(StringBuilder text, byte[] label) {
    if (!text.isEmpty()) {
      text.append('.');
    }
    for (byte b : label) {
      int c = b & 0xff;
      if (c == ' ' || c == '.' || c == '\\') {
        text.append('\\').append((char) c);
      } else if (c < 0x20 || c >= 0x7f) {
        text.append('\\').append(String.format("%03d", c));
      } else {
        text.append((char) c);
      }
    }
  }

  private static WireException longName() {
    return new WireException("long domain name");
  }
}
