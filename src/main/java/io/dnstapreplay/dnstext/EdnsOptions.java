// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

/**
 * The options of an OPT record, one entry each, spelled as the original's {@code fmt_dns_message}
 * spells them, with the values the {@code domain} 0.9.3 crate parses. As there, the first option
 * that does not parse ends the list, and the crate's quirks show: NSID is hex without padding
 * followed by its text ({@code 6E 73 31 (ns1)}), DAU, DHU and N3U need an even number of
 * algorithms, and COOKIE shows the client cookie only.
 */
final class EdnsOptions {
  private static final int NSID = 3;
  private static final int DAU = 5;
  private static final int DHU = 6;
  private static final int N3U = 7;
  private static final int CLIENT_SUBNET = 8;
  private static final int EXPIRE = 9;
  private static final int COOKIE = 10;
  private static final int TCP_KEEPALIVE = 11;
  private static final int PADDING = 12;
  private static final int CHAIN = 13;
  private static final int KEY_TAG = 14;
  private static final int EXTENDED_ERROR = 15;

  private static final int CLIENT_COOKIE_LENGTH = 8;
  private static final int SERVER_COOKIE_MIN = 8;

  /** RFC 7873 allows 32, but the crate's 32-byte buffer takes at most 31 (an octseq quirk). */
  private static final int SERVER_COOKIE_MAX = 31;

  private static final int FAMILY_IPV4 = 1;
  private static final int FAMILY_IPV6 = 2;

  private EdnsOptions() {}

  /**
   * Checks that the OPT data is a sequence of complete options, as the crate does before it accepts
   * an OPT record at all.
   */
  static void checkFraming(WireParser p) {
    while (p.remaining() > 0) {
      p.advance(2);
      p.advance(p.u16());
    }
  }

  /**
   * Appends a line (or lines) per option, each ending in a line break.
   *
   * @throws WireException for the first option that does not parse, after the ones before it
   */
  static void append(StringBuilder s, WireParser p) {
    while (p.remaining() > 0) {
      int code = p.u16();
      WireParser value = p.take(p.u16());
      try {
        String text = option(code, value);
        if (value.remaining() > 0) {
          throw new WireException("trailing data");
        }
        s.append(text).append('\n');
      } catch (WireException e) {
        throw new WireException("option " + code + ": " + e.getMessage());
      }
    }
  }

  private static String option(int code, WireParser p) {
    return switch (code) {
      case NSID -> "; NSID: " + nsid(p.rest());
      case DAU -> algorithms("; DAU:", p);
      case DHU -> algorithms("; DHU:", p);
      case N3U -> algorithms("; N3U:", p);
      case CLIENT_SUBNET -> clientSubnet(p);
      case EXPIRE -> "; EXPIRE: " + (p.remaining() == 0 ? "" : p.u32() + " seconds");
      case COOKIE -> "; COOKIE: " + cookie(p);
      case TCP_KEEPALIVE ->
          "; TCP-KEEPALIVE" + (p.remaining() == 0 ? "" : ": " + Encodings.tenthsOfSecond(p.u16()));
      case PADDING -> "; PADDING: [" + p.rest().length + " bytes]";
      case CHAIN -> "; CHAIN: " + DomainNames.parseUncompressed(p);
      case KEY_TAG -> keyTags(p);
      case EXTENDED_ERROR -> extendedError(p);
      default -> "; OPT=" + code + ":" + Encodings.base16(p.rest());
    };
  }

  /** The crate's NSID display: each byte in hex without padding and a blank, then the text. */
  private static String nsid(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(Integer.toHexString(b & 0xff).toUpperCase(java.util.Locale.ROOT)).append(' ');
    }
    Encodings.strictUtf8(bytes).ifPresent(text -> sb.append('(').append(text).append(')'));
    return sb.toString();
  }

  private static String algorithms(String label, WireParser p) {
    if (p.remaining() % 2 != 0) {
      throw new WireException("invalid understood data");
    }
    StringBuilder sb = new StringBuilder(label);
    for (byte b : p.rest()) {
      sb.append(' ').append(Mnemonics.secAlg(b & 0xff));
    }
    return sb.toString();
  }

  private static String clientSubnet(WireParser p) {
    int family = p.u16();
    int sourcePrefix = p.u8();
    int scopePrefix = p.u8();
    int addressLength =
        switch (family) {
          case FAMILY_IPV4 -> 4;
          case FAMILY_IPV6 -> 16;
          default -> throw new WireException("invalid client subnet address family");
        };
    int prefixBytes = (sourcePrefix + 7) / 8;
    if (prefixBytes > addressLength || p.remaining() != prefixBytes) {
      throw new WireException("invalid address length in client subnet option");
    }
    byte[] address = new byte[addressLength];
    System.arraycopy(p.rest(), 0, address, 0, prefixBytes);
    int partialBits = sourcePrefix % 8;
    if (partialBits != 0 && (address[prefixBytes - 1] & 0xff >> partialBits) != 0) {
      throw new WireException("invalid address length in client subnet option");
    }
    return "; CLIENT-SUBNET:\n;  NETWORK ADDRESS: "
        + IpAddressText.of(address)
        + "\n;  SOURCE PREFIX-LENGTH: "
        + sourcePrefix
        + "\n;  SCOPE PREFIX-LENGTH: "
        + scopePrefix;
  }

  /** The client cookie; a server cookie, if any, must be 8 to 31 bytes but is not shown. */
  private static String cookie(WireParser p) {
    byte[] client = p.bytes(CLIENT_COOKIE_LENGTH);
    int server = p.remaining();
    if (server > 0 && (server < SERVER_COOKIE_MIN || server > SERVER_COOKIE_MAX)) {
      throw new WireException("bad server cookie length");
    }
    p.advance(server);
    return Encodings.hexLower(client);
  }

  private static String keyTags(WireParser p) {
    if (p.remaining() % 2 != 0) {
      throw new WireException("invalid edns-key-tag option length");
    }
    StringBuilder sb = new StringBuilder("; KEY-TAG:");
    while (p.remaining() > 0) {
      sb.append(' ').append(p.u16());
    }
    return sb.toString();
  }

  /**
   * The info code, and the extra text when there is some in UTF-8. Without it the original ends the
   * entry with a line break of its own, so an empty line follows.
   */
  private static String extendedError(WireParser p) {
    int code = p.u16();
    StringBuilder sb =
        new StringBuilder("; EXTENDED-DNS-ERROR:\n;  INFO-CODE: (")
            .append(code)
            .append(") ")
            .append(Mnemonics.extendedError(code))
            .append('\n');
    if (p.remaining() > 0) {
      Encodings.strictUtf8(p.rest())
          .ifPresent(text -> sb.append(";  EXTRA-TEXT: \"").append(text).append('"'));
    }
    return sb.toString();
  }
}
