// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.mismatch;

import io.dnstapreplay.dnstext.DnsMessage;
import io.dnstapreplay.dnstext.DnsMessage.Edns;
import io.dnstapreplay.dnstext.DnsMessage.Flag;
import io.dnstapreplay.dnstext.DnsMessage.Rr;
import io.dnstapreplay.dnstext.WireException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Says field by field how a received response differs from the logged one. A pure function of the
 * two messages, so the daemon (for metrics and {@code --equivalent}) and {@code dnstap-dump} (from
 * a failure record's bytes) always agree, and the failure records themselves need not change.
 *
 * <p>Records are compared as record sets (owner, class, type): a set added, removed or with other
 * data is a difference of its section; the same data with other TTLs is {@code ttl}; the same
 * records of a section in another order is {@code order} (only looked for when the section's
 * content is the same). Names are compared as they are spelled, case included, because a change of
 * case is something the byte comparison would report too. When nothing parsed differs but the bytes
 * do, the difference is {@code compression}.
 */
public final class MismatchClassifier {
  private static final int TC = 0x0200;
  private static final int DO = 0x8000;

  private MismatchClassifier() {}

  /** The differences of {@code received} from {@code logged}; none if the bytes are equal. */
  public static Mismatch classify(byte[] logged, byte[] received) {
    List<Mismatch.Difference> out = new ArrayList<>();
    if (Arrays.equals(logged, received)) {
      return new Mismatch(out);
    }
    DnsMessage a = parse("logged", logged, out);
    DnsMessage b = parse("received", received, out);
    if (a != null && b != null) {
      new Comparison(out).compare(a, b);
      if (out.isEmpty()) {
        add(
            out,
            MismatchClass.COMPRESSION,
            "equal when parsed, " + logged.length + " bytes -> " + received.length + " bytes");
      }
    }
    return new Mismatch(out);
  }

  private static DnsMessage parse(String side, byte[] wire, List<Mismatch.Difference> out) {
    try {
      return DnsMessage.parse(wire);
    } catch (WireException e) {
      add(out, MismatchClass.MALFORMED, side + " response does not parse: " + e.getMessage());
      return null;
    }
  }

  private static void add(List<Mismatch.Difference> out, MismatchClass c, String detail) {
    out.add(new Mismatch.Difference(c, detail));
  }

  /** One comparison, collecting into {@code out}. */
  private record Comparison(List<Mismatch.Difference> out) {
    void compare(DnsMessage a, DnsMessage b) {
      field(MismatchClass.QUESTION, "id", a.id(), b.id());
      field(MismatchClass.OPCODE, "opcode", a.opcodeName(), b.opcodeName());
      field(MismatchClass.RCODE, "rcode", a.rcodeName(), b.rcodeName());
      for (Flag f : DnsMessage.FLAGS) {
        boolean inA = (a.flags() & f.mask()) != 0;
        boolean inB = (b.flags() & f.mask()) != 0;
        if (inA != inB) {
          add(
              out,
              f.mask() == TC ? MismatchClass.TRUNCATED : MismatchClass.FLAGS,
              f.name() + " " + (inA ? "set -> clear" : "clear -> set"));
        }
      }
      field(MismatchClass.QUESTION, "question", a.questions(), b.questions());
      section(MismatchClass.ANSWER, a.answer(), b.answer());
      section(MismatchClass.AUTHORITY, a.authority(), b.authority());
      section(MismatchClass.ADDITIONAL, a.additional(), b.additional());
      edns(a.edns(), b.edns());
    }

    private void field(MismatchClass c, String name, Object a, Object b) {
      if (!Objects.equals(a, b)) {
        add(out, c, name + " " + a + " -> " + b);
      }
    }

    private void section(MismatchClass c, List<Rr> a, List<Rr> b) {
      String section = c.label();
      Map<String, List<Rr>> setsA = rrsets(a);
      Map<String, List<Rr>> setsB = rrsets(b);
      Map<String, Boolean> keys = new LinkedHashMap<>();
      setsA.keySet().forEach(k -> keys.put(k, true));
      setsB.keySet().forEach(k -> keys.put(k, true));
      boolean contentDiffers = false;
      for (String key : keys.keySet()) {
        List<Rr> inA = setsA.getOrDefault(key, List.of());
        List<Rr> inB = setsB.getOrDefault(key, List.of());
        Map<String, List<Long>> dataA = byData(inA);
        Map<String, List<Long>> dataB = byData(inB);
        if (inA.isEmpty()) {
          add(out, c, "added " + key + " " + dataB.keySet());
          contentDiffers = true;
        } else if (inB.isEmpty()) {
          add(out, c, "removed " + key + " " + dataA.keySet());
          contentDiffers = true;
        } else if (!counts(dataA).equals(counts(dataB))) {
          add(out, c, "changed " + key + " " + dataA.keySet() + " -> " + dataB.keySet());
          contentDiffers = true;
        } else if (!dataA.equals(dataB)) {
          add(
              out,
              MismatchClass.TTL,
              section + " " + key + " " + ttls(dataA) + " -> " + ttls(dataB));
        }
      }
      if (!contentDiffers && !identities(a).equals(identities(b))) {
        add(out, MismatchClass.ORDER, section + " " + identities(a) + " -> " + identities(b));
      }
    }

    private void edns(Edns a, Edns b) {
      if (a == null || b == null) {
        if (a != b) {
          add(
              out,
              MismatchClass.EDNS,
              "OPT record " + (a == null ? "absent -> present" : "present -> absent"));
        }
        return;
      }
      field(MismatchClass.EDNS, "version", a.version(), b.version());
      field(MismatchClass.EDNS, "do", a.dnssecOk(), b.dnssecOk());
      field(
          MismatchClass.EDNS,
          "other flags",
          String.format("0x%04x", a.flags() & ~DO),
          String.format("0x%04x", b.flags() & ~DO));
      field(MismatchClass.EDNS, "udp", a.udpSize(), b.udpSize());
      field(MismatchClass.EDNS, "options", a.options(), b.options());
    }
  }

  /** The records of a section by record set, in order of first appearance. */
  private static Map<String, List<Rr>> rrsets(List<Rr> records) {
    Map<String, List<Rr>> sets = new LinkedHashMap<>();
    for (Rr r : records) {
      sets.computeIfAbsent(r.rrset(), k -> new ArrayList<>()).add(r);
    }
    return sets;
  }

  /** Each datum of a record set with its TTLs, sorted so order does not count. */
  private static Map<String, List<Long>> byData(List<Rr> rrset) {
    Map<String, List<Long>> data = new TreeMap<>();
    for (Rr r : rrset) {
      data.computeIfAbsent(r.data(), k -> new ArrayList<>()).add(r.ttl());
    }
    data.values().forEach(ttls -> ttls.sort(null));
    return data;
  }

  private static Map<String, Integer> counts(Map<String, List<Long>> data) {
    Map<String, Integer> counts = new TreeMap<>();
    data.forEach((datum, ttls) -> counts.put(datum, ttls.size()));
    return counts;
  }

  private static List<Long> ttls(Map<String, List<Long>> data) {
    List<Long> ttls = new ArrayList<>();
    data.values().forEach(ttls::addAll);
    return ttls;
  }

  private static List<String> identities(List<Rr> records) {
    return records.stream().map(Rr::identity).toList();
  }
}
