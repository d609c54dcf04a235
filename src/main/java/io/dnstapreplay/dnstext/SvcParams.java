// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * The parameters of an SVCB or HTTPS record as the {@code domain} 0.9.3 crate prints them. A known
 * key whose value does not parse is shown like an unknown one ({@code port=\001}); an empty
 * list-valued parameter prints nothing, as the crate does.
 */
final class SvcParams {
  private static final int MANDATORY = 0;
  private static final int ALPN = 1;
  private static final int NO_DEFAULT_ALPN = 2;
  private static final int PORT = 3;
  private static final int IPV4_HINT = 4;
  private static final int ECH = 5;
  private static final int IPV6_HINT = 6;
  private static final int DOH_PATH = 7;

  private SvcParams() {}

  /** Reads the rest of {@code p}: keys in strictly increasing order, each with its value. */
  static String text(WireParser p) {
    WireParser check = p.copy();
    int last = -1;
    while (check.remaining() > 0) {
      int key = check.u16();
      if (key <= last) {
        throw new WireException("unordered SVCB params");
      }
      last = key;
      check.advance(check.u16());
    }
    StringJoiner params = new StringJoiner(" ");
    while (p.remaining() > 0) {
      int key = p.u16();
      byte[] value = p.bytes(p.u16());
      params.add(value(key, value));
    }
    return params.toString();
  }

  private static String value(int key, byte[] value) {
    try {
      return switch (key) {
        case MANDATORY -> list("mandatory=", value, 2, v -> Mnemonics.svcParamKey(v.u16()));
        case ALPN -> list("alpn=", alpnValues(value), v -> latin1(v.bytes(v.u8())));
        case NO_DEFAULT_ALPN -> "nodefaultalpn";
        case PORT -> "port=" + new WireParser(value).u16();
        case IPV4_HINT -> list("ipv4hint=", value, 4, v -> IpAddressText.of(v.bytes(4)));
        case ECH -> value.length == 0 ? "ech" : "ech=" + Encodings.base64(value);
        case IPV6_HINT -> list("ipv6hint=", value, 16, v -> IpAddressText.of(v.bytes(16)));
        case DOH_PATH -> value.length == 0 ? "dohpath" : "dohpath=" + Encodings.lossyUtf8(value);
        default -> unknown(key, value);
      };
    } catch (WireException e) {
      return unknown(key, value);
    }
  }

  private static String unknown(int key, byte[] value) {
    StringBuilder sb = new StringBuilder(Mnemonics.svcParamKey(key));
    if (value.length > 0) {
      Encodings.appendSymbols(sb.append('='), value);
    }
    return sb.toString();
  }

  /** A value of fixed-size items; a length that is not a multiple of the size does not parse. */
  private static String list(String name, byte[] value, int itemSize, Item item) {
    if (value.length % itemSize != 0) {
      throw new WireException("invalid parameter length");
    }
    return list(name, value, item);
  }

  /** The items, the first after {@code name}, the others after commas; nothing if none. */
  private static String list(String name, byte[] value, Item item) {
    StringBuilder sb = new StringBuilder();
    WireParser p = new WireParser(value);
    while (p.remaining() > 0) {
      sb.append(sb.isEmpty() ? name : ",").append(item.read(p));
    }
    return sb.toString();
  }

  /** ALPN values are length-prefixed strings that must fill the value exactly. */
  private static byte[] alpnValues(byte[] value) {
    WireParser check = new WireParser(value);
    while (check.remaining() > 0) {
      check.advance(check.u8());
    }
    return value;
  }

  /** Each byte as the character with that code point, as the crate writes ALPN ids. */
  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  @FunctionalInterface
  private interface Item {
    String read(WireParser p);
  }
}
