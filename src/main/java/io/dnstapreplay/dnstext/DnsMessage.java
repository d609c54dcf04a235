// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import java.util.ArrayList;
import java.util.List;

/**
 * A DNS message parsed into the fields two responses are compared by: header fields, questions, the
 * records of each section with their data in presentation form (so that a name compressed
 * differently reads the same), and the OPT record apart. Built on the same wire parser as {@link
 * DnsText}, so the dump text and the mismatch classes never disagree about what a message holds.
 *
 * <p>Parsing is strict: anything {@link DnsText} would leave out makes the whole message malformed,
 * because a comparison of half a message would call differences equal. Only record data of a known
 * type that the formatter's crate rejects falls back to its RFC 3597 hex form: such a record is
 * still well framed, and its bytes are still compared.
 *
 * @param id the message ID
 * @param opcode the 4-bit opcode
 * @param rcode the full response code: the header's 4 bits and the OPT record's upper 8
 * @param flags the header's flag bits (QR, AA, TC, RD, RA, Z, AD, CD) as on the wire
 * @param questions each question as {@code name. CLASS TYPE}
 * @param edns the OPT record, or null if there is none
 */
public record DnsMessage(
    int id,
    int opcode,
    int rcode,
    int flags,
    List<String> questions,
    List<Rr> answer,
    List<Rr> authority,
    List<Rr> additional,
    Edns edns) {
  /** The header flags in the order dig shows them, with their masks in {@link #flags}. */
  public static final List<Flag> FLAGS =
      List.of(
          new Flag("qr", 0x8000),
          new Flag("aa", 0x0400),
          new Flag("tc", 0x0200),
          new Flag("rd", 0x0100),
          new Flag("ra", 0x0080),
          new Flag("z", 0x0040),
          new Flag("ad", 0x0020),
          new Flag("cd", 0x0010));

  private static final int OPT = 41;
  private static final int DO_BIT = 0x8000;

  /** A header flag. */
  public record Flag(String name, int mask) {}

  /**
   * One resource record.
   *
   * @param owner the owner name with its trailing dot
   * @param type the type mnemonic
   * @param dnsClass the class mnemonic
   * @param data the record data in presentation form
   */
  public record Rr(String owner, String type, String dnsClass, long ttl, String data) {
    /** The record set it belongs to: {@code owner CLASS TYPE}. */
    public String rrset() {
      return owner + " " + dnsClass + " " + type;
    }

    /** The record without its TTL. */
    public String identity() {
      return rrset() + " " + data;
    }
  }

  /**
   * The OPT pseudo-record.
   *
   * @param version the EDNS version
   * @param flags the 16 EDNS flag bits, DO the highest
   * @param udpSize the advertised UDP payload size
   * @param options each option as {@code code:hex}, in wire order
   * @param extendedRcode the upper 8 bits of the response code (part of {@link #rcode})
   */
  public record Edns(int version, int flags, int udpSize, List<String> options, int extendedRcode) {
    public boolean dnssecOk() {
      return (flags & DO_BIT) != 0;
    }
  }

  /** The opcode's mnemonic, as the dump text shows it. */
  public String opcodeName() {
    return Mnemonics.opcode(opcode);
  }

  /** The response code's mnemonic, or its number if it has none. */
  public String rcodeName() {
    return Mnemonics.rcode(rcode);
  }

  /**
   * Parses {@code wire}.
   *
   * @throws WireException if the message is not a complete, well-framed DNS message
   */
  public static DnsMessage parse(byte[] wire) {
    WireParser p = new WireParser(wire);
    int id = p.u16();
    int flagsWord = p.u16();
    int[] counts = {p.u16(), p.u16(), p.u16(), p.u16()};
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < counts[0]; i++) {
      String name = DomainNames.parse(p) + ".";
      String type = Mnemonics.rtype(p.u16());
      questions.add(name + " " + Mnemonics.dnsClass(p.u16()) + " " + type);
    }
    List<Rr> answer = records(p, counts[1], null);
    List<Rr> authority = records(p, counts[2], null);
    Edns[] opt = new Edns[1];
    List<Rr> additional = records(p, counts[3], opt);
    int rcode = flagsWord & 0x0f;
    return new DnsMessage(
        id,
        flagsWord >> 11 & 0x0f,
        opt[0] == null ? rcode : rcode | opt[0].extendedRcode() << 4,
        flagsWord & ~0x780f,
        List.copyOf(questions),
        answer,
        authority,
        additional,
        opt[0]);
  }

  private static List<Rr> records(WireParser p, int count, Edns[] opt) {
    List<Rr> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String owner = DomainNames.parse(p) + ".";
      int type = p.u16();
      int dnsClass = p.u16();
      long ttl = p.u32();
      WireParser data = p.take(p.u16());
      if (opt != null && type == OPT && opt[0] == null) {
        opt[0] = edns(dnsClass, ttl, data);
        continue;
      }
      records.add(
          new Rr(
              owner, Mnemonics.rtype(type), Mnemonics.dnsClass(dnsClass), ttl, data(type, data)));
    }
    return List.copyOf(records);
  }

  private static String data(int type, WireParser data) {
    WireParser copy = data.copy();
    try {
      return RecordData.text(type, data);
    } catch (WireException e) {
      return "\\# " + copy.remaining() + " " + Encodings.hexLower(copy.rest());
    }
  }

  private static Edns edns(int udpSize, long ttl, WireParser data) {
    List<String> options = new ArrayList<>();
    while (data.remaining() > 0) {
      int code = data.u16();
      options.add(code + ":" + Encodings.hexLower(data.bytes(data.u16())));
    }
    return new Edns(
        (int) (ttl >> 16 & 0xff),
        (int) (ttl & 0xffff),
        udpSize,
        List.copyOf(options),
        (int) (ttl >> 24 & 0xff));
  }
}
