// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Values as the original's dependencies print them: Rust's standard library for durations, the
 * {@code domain} 0.9 crate for base 16, 32 and 64 and for character strings.
 */
final class Encodings {
  private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
  private static final char[] BASE32HEX = "0123456789ABCDEFGHIJKLMNOPQRSTUV".toCharArray();

  private Encodings() {}

  /**
   * Rust's {@code Debug} of a {@code Duration} of {@code tenths} tenths of a second, as the EDNS
   * TCP keepalive timeout is shown: {@code 0ns}, {@code 300ms}, {@code 1s}, {@code 12.5s}.
   */
  static String tenthsOfSecond(int tenths) {
    if (tenths >= 10) {
      return tenths / 10 + (tenths % 10 == 0 ? "" : "." + tenths % 10) + "s";
    }
    return tenths == 0 ? "0ns" : tenths * 100 + "ms";
  }

  static String hexLower(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static String base16(byte[] bytes) {
    return HEX_UPPER.formatHex(bytes);
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Base 32 with the extended hex alphabet, unpadded (RFC 4648 section 7), for NSEC3 hashes. */
  static String base32hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = buffer << 8 | b & 0xff;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        sb.append(BASE32HEX[buffer >> bits & 0x1f]);
      }
    }
    if (bits > 0) {
      sb.append(BASE32HEX[buffer << (5 - bits) & 0x1f]);
    }
    return sb.toString();
  }

  /**
   * The crate's character-string display (TXT, HINFO, unknown SVCB values): printable ASCII as is,
   * other bytes as {@code \DDD}, and blank, quote, backslash and semicolon as a backslash and the
   * byte's decimal value without padding ({@code hello\32world}), the crate's own quirk.
   */
  static void appendSymbols(StringBuilder sb, byte[] bytes) {
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c == ' ' || c == '"' || c == '\\' || c == ';') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c >= 0x7f) {
        sb.append('\\').append(String.format("%03d", c));
      } else {
        sb.append((char) c);
      }
    }
  }

  /** The text, if {@code bytes} are valid UTF-8 (Rust's {@code str::from_utf8}). */
  static Optional<String> strictUtf8(byte[] bytes) {
    return utf8Error(bytes, 0) == null
        ? Optional.of(new String(bytes, StandardCharsets.UTF_8))
        : Optional.empty();
  }

  /**
   * UTF-8 with each invalid sequence as U+FFFD, and an incomplete one at the end as one U+FFFD, the
   * way the crate shows an SVCB {@code dohpath}: Rust's rules for where a bad sequence ends, which
   * Java's decoder does not follow everywhere.
   */
  static String lossyUtf8(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    int from = 0;
    while (from < bytes.length) {
      int[] error = utf8Error(bytes, from);
      int validEnd = error == null ? bytes.length : error[0];
      sb.append(new String(bytes, from, validEnd - from, StandardCharsets.UTF_8));
      if (error == null) {
        break;
      }
      sb.append('\ufffd');
      if (error[1] == 0) {
        break;
      }
      from = validEnd + error[1];
    }
    return sb.toString();
  }

  /**
   * The first invalid sequence at or after {@code from}, as Rust's validation finds it: {@code
   * {start, length}}, length 0 if the input ends inside the sequence; null if there is none.
   */
  private static int[] utf8Error(byte[] bytes, int from) {
    int i = from;
    while (i < bytes.length) {
      int first = bytes[i] & 0xff;
      if (first < 0x80) {
        i++;
        continue;
      }
      int width = first >= 0xc2 && first <= 0xdf ? 2 : first >= 0xe0 && first <= 0xef ? 3 : 4;
      if (first < 0xc2 || first > 0xf4) {
        return new int[] {i, 1};
      }
      for (int k = 1; k < width; k++) {
        if (i + k >= bytes.length) {
          return new int[] {i, 0};
        }
        int next = bytes[i + k] & 0xff;
        boolean ok = k == 1 ? secondByteOk(first, next) : next >= 0x80 && next <= 0xbf;
        if (!ok) {
          return new int[] {i, k};
        }
      }
      i += width;
    }
    return null;
  }

  private static boolean secondByteOk(int first, int second) {
    return switch (first) {
      case 0xe0 -> second >= 0xa0 && second <= 0xbf;
      case 0xed -> second >= 0x80 && second <= 0x9f;
      case 0xf0 -> second >= 0x90 && second <= 0xbf;
      case 0xf4 -> second >= 0x80 && second <= 0x8f;
      default -> second >= 0x80 && second <= 0xbf;
    };
  }
}
