// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds DNS responses by hand for classifier tests: a mutable description turned into wire bytes,
 * with owner names either written out or compressed to a pointer at the question name.
 */
public final class TestMessage {
  public int id = 0x1234;
  public int flags = 0x8400; // QR AA
  public String qname = "www.example.test";
  public int qtype = 1;
  public final List<Object[]> answer = new ArrayList<>();
  public final List<Object[]> authority = new ArrayList<>();
  public final List<Object[]> additional = new ArrayList<>();

  /** OPT: {udp size, extended rcode, version, flags, options bytes}, or null. */
  public Object[] opt = {1232, 0, 0, 0x8000, new byte[0]};

  public boolean compress = true;

  /** A response for www.example.test. A with one A record. */
  public static TestMessage www() {
    TestMessage m = new TestMessage();
    m.answer.add(a("www.example.test", 3600, 192, 0, 2, 81));
    m.authority.add(ns("example.test", 3600, "ns1.example.test"));
    return m;
  }

  /** An A record: {owner, type, ttl, rdata}. */
  public static Object[] a(String owner, long ttl, int... address) {
    byte[] data = new byte[4];
    for (int i = 0; i < 4; i++) {
      data[i] = (byte) address[i];
    }
    return new Object[] {owner, 1, ttl, data};
  }

  public static Object[] ns(String owner, long ttl, String target) {
    return new Object[] {owner, 2, ttl, name(target)};
  }

  public byte[] wire() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    u16(out, id);
    u16(out, flags);
    u16(out, 1);
    u16(out, answer.size());
    u16(out, authority.size());
    u16(out, additional.size() + (opt == null ? 0 : 1));
    out.writeBytes(name(qname));
    u16(out, qtype);
    u16(out, 1);
    for (List<Object[]> section : List.of(answer, authority, additional)) {
      for (Object[] rr : section) {
        if (compress && rr[0].equals(qname)) {
          u16(out, 0xc00c);
        } else {
          out.writeBytes(name((String) rr[0]));
        }
        u16(out, (Integer) rr[1]);
        u16(out, 1);
        u32(out, (Long) rr[2]);
        byte[] data = (byte[]) rr[3];
        u16(out, data.length);
        out.writeBytes(data);
      }
    }
    if (opt != null) {
      out.write(0);
      u16(out, 41);
      u16(out, (Integer) opt[0]);
      out.write((Integer) opt[1]);
      out.write((Integer) opt[2]);
      u16(out, (Integer) opt[3]);
      byte[] options = (byte[]) opt[4];
      u16(out, options.length);
      out.writeBytes(options);
    }
    return out.toByteArray();
  }

  public static byte[] name(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      out.write(label.length());
      out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    out.write(0);
    return out.toByteArray();
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v);
  }

  private static void u32(ByteArrayOutputStream out, long v) {
    u16(out, (int) (v >> 16));
    u16(out, (int) v);
  }
}
