// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import java.util.StringJoiner;

/**
 * Record data in the presentation format of the {@code domain} 0.9.3 crate's {@code AllRecordData},
 * which the original prints records with. Its quirks are kept, because scripts written for the
 * original depend on them: TXT strings run together unquoted ({@code hello\32world}), SRV and SVCB
 * targets have no trailing dot, RRSIG times are plain numbers, and a type the crate does not know
 * (CAA, TLSA...) is shown as {@code \# length hex}.
 */
final class RecordData {
  private static final int DIGEST_FIELDS_LENGTH = 4;
  private static final int ZONEMD_MIN_DIGEST = 12;
  private static final int BITMAP_MAX_WINDOW = 32;
  private static final int TIME48_LENGTH = 6;

  private RecordData() {}

  /**
   * The data of a record of type {@code rtype}, read from {@code p}, which ends where the data
   * ends.
   *
   * @throws WireException if the crate would not parse it, or leaves bytes over
   */
  static String text(int rtype, WireParser p) {
    String text = parse(rtype, p);
    if (p.remaining() > 0) {
      throw new WireException("trailing data");
    }
    return text;
  }

  private static String parse(int rtype, WireParser p) {
    return switch (rtype) {
      case 1 -> IpAddressText.of(p.bytes(4));
      case 2, 3, 4, 5, 7, 8, 9, 12, 39 -> DomainNames.parse(p) + ".";
      case 6 -> soa(p);
      case 13 -> fields(charString(p), charString(p));
      case 14 -> fields(DomainNames.parse(p) + ".", DomainNames.parse(p) + ".");
      case 15 -> fields(p.u16(), DomainNames.parse(p) + ".");
      case 16 -> txt(p);
      case 28 -> IpAddressText.of(p.bytes(16));
      case 33 -> fields(p.u16(), p.u16(), p.u16(), DomainNames.parse(p));
      case 41 -> {
        EdnsOptions.checkFraming(p.copy());
        p.advance(p.remaining());
        yield "OPT ...";
      }
      case 43, 59 -> digest(p);
      case 46 -> rrsig(p);
      case 47 -> fields(DomainNames.parse(p) + ".", bitmap(p));
      case 48, 60 -> dnskey(p);
      case 50 -> nsec3(p);
      case 51 -> fields(p.u8(), p.u8(), p.u16(), Encodings.base16(p.bytes(p.u8())));
      case 63 -> zonemd(p);
      case 64, 65 -> fields(p.u16(), DomainNames.parse(p), SvcParams.text(p));
      case 250 -> tsig(p);
      default -> unknown(p.rest());
    };
  }

  /**
   * The fields separated by blanks. Java evaluates arguments left to right, so fields can be read
   * from the wire in the call.
   */
  private static String fields(Object... fields) {
    StringJoiner joined = new StringJoiner(" ");
    for (Object field : fields) {
      joined.add(String.valueOf(field));
    }
    return joined.toString();
  }

  /** NULL and every type the crate has no parser for (RFC 3597 form, lower-case hex). */
  private static String unknown(byte[] data) {
    StringBuilder sb = new StringBuilder("\\# ").append(data.length);
    for (byte b : data) {
      sb.append(' ').append(String.format("%02x", b & 0xff));
    }
    return sb.toString();
  }

  private static String soa(WireParser p) {
    return fields(
        DomainNames.parse(p) + ".",
        DomainNames.parse(p) + ".",
        p.u32(),
        p.u32(),
        p.u32(),
        p.u32(),
        p.u32());
  }

  private static String charString(WireParser p) {
    StringBuilder sb = new StringBuilder();
    Encodings.appendSymbols(sb, p.bytes(p.u8()));
    return sb.toString();
  }

  /** Every string, run together. */
  private static String txt(WireParser p) {
    StringBuilder sb = new StringBuilder();
    while (p.remaining() > 0) {
      Encodings.appendSymbols(sb, p.bytes(p.u8()));
    }
    return sb.toString();
  }

  /** DS and CDS: key tag, algorithm, digest type, digest in lower-case hex. */
  private static String digest(WireParser p) {
    requireFixedFields(p);
    return fields(p.u16(), Mnemonics.secAlg(p.u8()), p.u8(), Encodings.hexLower(p.rest()));
  }

  /** DNSKEY and CDNSKEY. */
  private static String dnskey(WireParser p) {
    requireFixedFields(p);
    return fields(p.u16(), p.u8(), Mnemonics.secAlg(p.u8()), Encodings.base64(p.rest()));
  }

  private static void requireFixedFields(WireParser p) {
    if (p.remaining() < DIGEST_FIELDS_LENGTH) {
      throw WireException.shortInput();
    }
  }

  private static String rrsig(WireParser p) {
    return fields(
        Mnemonics.rtype(p.u16()),
        Mnemonics.secAlg(p.u8()),
        p.u8(),
        p.u32(),
        p.u32(),
        p.u32(),
        p.u16(),
        DomainNames.parse(p) + ".",
        Encodings.base64(p.rest()));
  }

  private static String nsec3(WireParser p) {
    return fields(
        p.u8(),
        p.u8(),
        p.u16(),
        Encodings.base16(p.bytes(p.u8())),
        Encodings.base32hex(p.bytes(p.u8())),
        bitmap(p));
  }

  private static String zonemd(WireParser p) {
    String fields = fields(p.u32(), p.u8(), p.u8());
    if (p.remaining() < ZONEMD_MIN_DIGEST) {
      throw WireException.shortInput();
    }
    return fields(fields, "(", Encodings.base16(p.rest()), ")");
  }

  private static String tsig(WireParser p) {
    String algorithm = DomainNames.parse(p);
    long timeSigned = 0;
    for (byte b : p.bytes(TIME48_LENGTH)) {
      timeSigned = timeSigned << 8 | b & 0xff;
    }
    int fudge = p.u16();
    byte[] mac = p.bytes(p.u16());
    int originalId = p.u16();
    int error = p.u16();
    byte[] other = p.bytes(p.u16());
    return fields(
        algorithm + ".",
        timeSigned,
        fudge,
        Encodings.base64(mac),
        originalId,
        Mnemonics.tsigRcode(error),
        "\"" + Encodings.base64(other) + "\"");
  }

  /**
   * The NSEC and NSEC3 type bitmap: the rest of the data, checked as the crate checks it (each
   * window 1 to 32 bytes, complete), then its types in window order.
   */
  private static String bitmap(WireParser p) {
    byte[] data = p.rest();
    StringBuilder sb = new StringBuilder();
    for (int at = 0; at < data.length; ) {
      if (data.length - at < 2) {
        throw WireException.shortInput();
      }
      int window = data[at] & 0xff;
      int length = data[at + 1] & 0xff;
      if (length == 0 || length > BITMAP_MAX_WINDOW) {
        throw new WireException("invalid record type bitmap");
      }
      if (data.length - at - 2 < length) {
        throw WireException.shortInput();
      }
      for (int octet = 0; octet < length; octet++) {
        int bits = data[at + 2 + octet] & 0xff;
        for (int bit = 0; bit < 8; bit++) {
          if ((bits & 0x80 >> bit) != 0) {
            if (!sb.isEmpty()) {
              sb.append(' ');
            }
            sb.append(Mnemonics.rtype(window << 8 | octet << 3 | bit));
          }
        }
      }
      at += 2 + length;
    }
    return sb.toString();
  }
}
