// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import java.util.Arrays;

/**
 * PairKey is what a query message and its response message share in every server's dnstap: the
 * client's address and port, the socket's family and protocol, the DNS ID and the question section.
 * The question is kept as its exact wire bytes, so a query with 0x20 case randomisation pairs only
 * with the response that echoes it exactly. A question section that does not parse leaves the key
 * with the ID alone.
 */
final class PairKey {
  /** Length of the DNS header, where the question section starts. */
  static final int DNS_HEADER_LENGTH = 12;

  private static final int QDCOUNT_OFFSET = 4;
  private static final int MAX_NAME_LENGTH = 255;
  private static final int LABEL_TYPE_MASK = 0xC0;
  private static final int POINTER_LENGTH = 2;
  private static final int TYPE_AND_CLASS_LENGTH = 4;
  private static final int ABSENT = -1;

  private final int family;
  private final int protocol;
  private final ByteString address;
  private final int port;
  private final int id;
  private final byte[] question;
  private final int hash;

  private PairKey(int family, int protocol, ByteString address, int port, int id, byte[] question) {
    this.family = family;
    this.protocol = protocol;
    this.address = address;
    this.port = port;
    this.id = id;
    this.question = question;
    this.hash =
        31 * (31 * (31 * (31 * (31 * family + protocol) + address.hashCode()) + port) + id)
            + Arrays.hashCode(question);
  }

  /**
   * The key of {@code m} with {@code dns} its query or response message, or null if {@code dns} is
   * shorter than a DNS header.
   */
  static PairKey of(Message m, ByteString dns) {
    if (dns.size() < DNS_HEADER_LENGTH) {
      return null;
    }
    int end = questionEnd(dns);
    return new PairKey(
        m.hasSocketFamily() ? m.getSocketFamily().getNumber() : ABSENT,
        m.hasSocketProtocol() ? m.getSocketProtocol().getNumber() : ABSENT,
        m.getQueryAddress(),
        m.hasQueryPort() ? m.getQueryPort() : ABSENT,
        u16(dns, 0),
        end < 0 ? null : dns.substring(DNS_HEADER_LENGTH, end).toByteArray());
  }

  /** The bytes the key holds: the client's address and the question section. */
  int bytes() {
    return address.size() + (question == null ? 0 : question.length);
  }

  /** The offset just past the last question, or -1 if the section does not parse. */
  private static int questionEnd(ByteString dns) {
    int pos = DNS_HEADER_LENGTH;
    for (int n = u16(dns, QDCOUNT_OFFSET); n > 0 && pos >= 0; n--) {
      pos = nameEnd(dns, pos);
      pos = pos < 0 || pos + TYPE_AND_CLASS_LENGTH > dns.size() ? -1 : pos + TYPE_AND_CLASS_LENGTH;
    }
    return pos;
  }

  /** The offset just past the name at {@code pos}, or -1 if it does not parse. */
  private static int nameEnd(ByteString dns, int pos) {
    int limit = pos + MAX_NAME_LENGTH;
    while (pos < dns.size() && pos < limit) {
      int length = dns.byteAt(pos) & 0xFF;
      if (length == 0) {
        return pos + 1;
      }
      if ((length & LABEL_TYPE_MASK) == LABEL_TYPE_MASK) {
        return pos + POINTER_LENGTH <= dns.size() ? pos + POINTER_LENGTH : -1;
      }
      if ((length & LABEL_TYPE_MASK) != 0) {
        return -1;
      }
      pos += 1 + length;
    }
    return -1;
  }

  private static int u16(ByteString b, int offset) {
    return (b.byteAt(offset) & 0xFF) << 8 | (b.byteAt(offset + 1) & 0xFF);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PairKey k
        && hash == k.hash
        && id == k.id
        && port == k.port
        && family == k.family
        && protocol == k.protocol
        && address.equals(k.address)
        && Arrays.equals(question, k.question);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
