// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import java.util.Optional;

/**
 * A DNS message in wire format as the original's {@code fmt_dns_message} (its {@code src/util.rs})
 * prints it, byte for byte: its own dig-like header lines, the question section as {@code ;name.
 * CLASS TYPE}, records in the {@code domain} 0.9.3 crate's presentation format ({@code name. TTL
 * CLASS TYPE DATA}), and the EDNS options of the OPT record. Dump tools and scripts written for the
 * original read the same text from ours.
 *
 * <p>Parsing follows that crate too, because what a broken message shows depends on it: a message
 * shorter than its 12-byte header is only {@code ;; PARSE ERROR: short message}; when the question,
 * answer or authority section does not parse, only the two header lines are shown; a record whose
 * data does not parse is left out; a record that does not parse ends its section. What was left out
 * is reported by {@link #problem()} (the original says nothing).
 */
public final class DnsText {
  private static final int HEADER_LENGTH = 12;
  private static final int OPT = 41;
  private static final String[] SECTIONS = {"ANSWER", "AUTHORITY", "ADDITIONAL"};

  private final String text;
  private final String problem;

  private DnsText(String text, String problem) {
    this.text = text;
    this.problem = problem;
  }

  /** Formats {@code wire}; never throws for bad input. */
  public static DnsText format(byte[] wire) {
    if (wire.length < HEADER_LENGTH) {
      return new DnsText(";; PARSE ERROR: short message\n", "short message");
    }
    return new Formatter(wire).format();
  }

  /** The text, lines ending in {@code \n}. */
  public String text() {
    return text;
  }

  /** What part of the message could not be shown and why, if any. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** One message being formatted; remembers the first thing it had to leave out. */
  private static final class Formatter {
    private final byte[] wire;
    private final StringBuilder s = new StringBuilder();
    private String problem;

    Formatter(byte[] wire) {
      this.wire = wire;
    }

    DnsText format() {
      header();
      int[] sectionStarts;
      try {
        sectionStarts = sectionStarts();
      } catch (WireException e) {
        return new DnsText(s.toString(), "the sections do not parse: " + e.getMessage());
      }
      questions();
      for (int i = 0; i < SECTIONS.length; i++) {
        if (i > 0) {
          s.append('\n');
        }
        s.append(";; ").append(SECTIONS[i]).append(" SECTION:\n");
        records(SECTIONS[i], sectionStarts[i], count(1 + i), i == SECTIONS.length - 1);
      }
      opt(sectionStarts[SECTIONS.length - 1]);
      return new DnsText(s.toString(), problem);
    }

    private void header() {
      s.append(";; ->>HEADER<<- opcode: ")
          .append(Mnemonics.opcode(wire[2] >> 3 & 0x0f))
          .append(", rcode: ")
          .append(Mnemonics.rcode(wire[3] & 0x0f))
          .append(", id: ")
          .append(u16At(0))
          .append('\n');
      s.append(";; flags: ");
      flag(wire[2], 0x80, "qr");
      flag(wire[2], 0x04, "aa");
      flag(wire[2], 0x02, "tc");
      flag(wire[2], 0x01, "rd");
      flag(wire[3], 0x80, "ra");
      flag(wire[3], 0x20, "ad");
      flag(wire[3], 0x10, "cd");
      s.append("; QUERY: ")
          .append(count(0))
          .append(", ANSWER: ")
          .append(count(1))
          .append(", AUTHORITY: ")
          .append(count(2))
          .append(", ADDITIONAL: ")
          .append(count(3))
          .append("\n\n");
    }

    private void flag(byte octet, int mask, String name) {
      if ((octet & mask) != 0) {
        s.append(name).append(' ');
      }
    }

    /** The header's count of section {@code section}: 0 question, 1 answer, 2, 3. */
    private int count(int section) {
      return u16At(4 + 2 * section);
    }

    private int u16At(int at) {
      return (wire[at] & 0xff) << 8 | wire[at + 1] & 0xff;
    }

    /**
     * Where the answer, authority and additional sections start. Walks the sections as the crate
     * does before it shows any: questions parsed, answer and authority records only skipped.
     */
    private int[] sectionStarts() {
      WireParser p = new WireParser(wire);
      p.advance(HEADER_LENGTH);
      for (int i = count(0); i > 0; i--) {
        question(p);
      }
      int[] starts = new int[SECTIONS.length];
      starts[0] = p.pos();
      for (int section = 1; section < SECTIONS.length; section++) {
        for (int i = count(section); i > 0; i--) {
          DomainNames.skip(p);
          p.advance(8);
          p.advance(p.u16());
        }
        starts[section] = p.pos();
      }
      return starts;
    }

    private void questions() {
      s.append(";; QUESTION SECTION:\n");
      WireParser p = new WireParser(wire);
      p.advance(HEADER_LENGTH);
      for (int i = count(0); i > 0; i--) {
        s.append(';').append(question(p)).append('\n');
      }
      s.append('\n');
    }

    private static String question(WireParser p) {
      String name = DomainNames.parse(p);
      String type = Mnemonics.rtype(p.u16());
      return name + ". " + Mnemonics.dnsClass(p.u16()) + " " + type;
    }

    /** The records of one section; OPT records are left to the pseudo-section in the last one. */
    private void records(String section, int start, int count, boolean additional) {
      WireParser p = new WireParser(wire);
      p.seek(start);
      for (int i = 1; i <= count; i++) {
        String owner;
        int type;
        int dnsClass;
        long ttl;
        WireParser data;
        try {
          owner = DomainNames.parse(p);
          type = p.u16();
          dnsClass = p.u16();
          ttl = p.u32();
          data = p.take(p.u16());
        } catch (WireException e) {
          note(section, i, e);
          return;
        }
        if (additional && type == OPT) {
          continue;
        }
        try {
          String rdata = RecordData.text(type, data);
          s.append(owner)
              .append(". ")
              .append(ttl)
              .append(' ')
              .append(Mnemonics.dnsClass(dnsClass))
              .append(' ')
              .append(Mnemonics.rtype(type))
              .append(' ')
              .append(rdata)
              .append('\n');
        } catch (WireException e) {
          note(section, i, e);
        }
      }
    }

    /**
     * The pseudo-section of the first OPT record in the additional section, if the records up to it
     * parse and its options are framed correctly.
     */
    private void opt(int additionalStart) {
      WireParser p = new WireParser(wire);
      p.seek(additionalStart);
      try {
        for (int i = count(3); i > 0; i--) {
          DomainNames.parse(p);
          int type = p.u16();
          int udpPayloadSize = p.u16();
          long ttl = p.u32();
          WireParser data = p.take(p.u16());
          if (type != OPT) {
            continue;
          }
          EdnsOptions.checkFraming(data.copy());
          s.append("\n;; OPT PSEUDOSECTION:\n; EDNS: version ")
              .append(ttl >> 16 & 0xff)
              .append("; flags: ")
              .append((ttl & 0x8000) != 0 ? "do " : "")
              .append("; udp: ")
              .append(udpPayloadSize)
              .append('\n');
          EdnsOptions.append(s, data);
          return;
        }
      } catch (WireException e) {
        note("the OPT record", 0, e);
      }
    }

    private void note(String section, int record, WireException e) {
      if (problem == null) {
        problem =
            (record > 0 ? "record " + record + " of the " + section + " section" : section)
                + ": "
                + e.getMessage();
      }
    }
  }
}
