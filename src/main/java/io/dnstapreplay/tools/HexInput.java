// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.util.HexFormat;

/**
 * Reads hex as people paste it: from dnstap-dump's output, a packet capture or a log, possibly
 * split over lines or into groups.
 */
public final class HexInput {
  private HexInput() {}

  /**
   * Parses {@code hex}, ignoring whitespace; either case.
   *
   * @throws IllegalArgumentException naming the first character that is not a hex digit, or an odd
   *     number of digits
   */
  public static byte[] parse(String hex) {
    StringBuilder digits = new StringBuilder(hex.length());
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (Character.isWhitespace(c)) {
        continue;
      }
      if (Character.digit(c, 16) < 0 || c > 0x7f) {
        throw new IllegalArgumentException(
            "'" + c + "' at position " + (i + 1) + " is not a hex digit");
      }
      digits.append(c);
    }
    if (digits.length() == 0) {
      throw new IllegalArgumentException("no hex digits");
    }
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException(
          "odd number of hex digits (" + digits.length() + "): a byte is two digits");
    }
    return HexFormat.of().parseHex(digits);
  }
}
