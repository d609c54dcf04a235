// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstap;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;

/**
 * Reads the fields {@link Payload} holds straight from a frame's protobuf wire format, for the
 * shape every dnstap server writes: the schema's own fields, each with its wire type, known enum
 * values, required fields present, one {@code message}. Anything else (unknown fields, a policy,
 * whose contents protobuf would check, a second {@code message}, which protobuf would merge, an
 * unknown enum value, which proto2 keeps among the unknown fields, damage) makes it give up, and
 * {@link Payload} lets protobuf decide; so no frame is read differently from {@code
 * Dnstap.parseFrom}.
 */
final class WireScanner {
  private static final int VARINT = 0;
  private static final int LEN = 2;
  private static final int FIXED32 = 5;
  private static final int MAX_MESSAGE_TYPE = Message.Type.UPDATE_RESPONSE_VALUE;
  private static final int MAX_SOCKET_PROTOCOL = SocketProtocol.DOQ_VALUE;
  private static final int MAX_HTTP_PROTOCOL = DnstapProto.HttpProtocol.HTTP3_VALUE;

  /** Thrown to give up; preallocated without a stack trace, as giving up is not an error here. */
  private static final class GiveUp extends Exception {
    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();

  private final byte[] b;
  private int pos;

  private WireScanner(byte[] b) {
    this.b = b;
  }

  /** The payload of {@code frame}, or null to let protobuf decode it. */
  static Payload scan(byte[] frame) {
    Payload p = new Payload(frame);
    try {
      new WireScanner(frame).dnstap(p);
      return p;
    } catch (GiveUp e) {
      return null;
    }
  }

  private void dnstap(Payload p) throws GiveUp {
    boolean typed = false;
    boolean hasMessage = false;
    while (pos < b.length) {
      int tag = tag();
      switch (tag) {
        case 1 << 3 | LEN, 2 << 3 | LEN, 3 << 3 | LEN -> skip(length()); // identity, version, extra
        case 14 << 3 | LEN -> {
          if (hasMessage) {
            throw GIVE_UP;
          }
          hasMessage = true;
          int length = length();
          int end = pos + length;
          message(p, end);
        }
        case 15 << 3 | VARINT -> {
          if ((int) varint() != Dnstap.Type.MESSAGE_VALUE) {
            throw GIVE_UP;
          }
          typed = true;
        }
        default -> throw GIVE_UP;
      }
    }
    if (!typed) {
      throw GIVE_UP;
    }
    p.isMessage = hasMessage;
  }

  private void message(Payload p, int end) throws GiveUp {
    while (pos < end) {
      int tag = tag();
      switch (tag) {
        case 1 << 3 | VARINT -> p.messageType = known(varint(), MAX_MESSAGE_TYPE);
        case 2 << 3 | VARINT -> p.socketFamily = known(varint(), SocketFamily.INET6_VALUE);
        case 3 << 3 | VARINT -> p.socketProtocol = known(varint(), MAX_SOCKET_PROTOCOL);
        case 4 << 3 | LEN -> {
          p.queryAddressLength = length();
          p.queryAddressOffset = pos;
          pos += p.queryAddressLength;
        }
        case 6 << 3 | VARINT -> p.queryPort = Integer.toUnsignedLong((int) varint());
        case 8 << 3 | VARINT -> {
          p.queryTimeSec = varint();
          p.hasQueryTimeSec = true;
        }
        case 9 << 3 | FIXED32 -> p.queryTimeNsec = fixed32();
        case 10 << 3 | LEN -> {
          p.queryMessageLength = length();
          p.queryMessageOffset = pos;
          pos += p.queryMessageLength;
        }
        case 12 << 3 | VARINT -> {
          p.responseTimeSec = varint();
          p.hasResponseTimeSec = true;
        }
        case 13 << 3 | FIXED32 -> {
          p.responseTimeNsec = fixed32();
          p.hasResponseTimeNsec = true;
        }
        case 14 << 3 | LEN -> {
          p.responseMessageLength = length();
          p.responseMessageOffset = pos;
          pos += p.responseMessageLength;
        }
        case 5 << 3 | LEN, 11 << 3 | LEN -> skip(length()); // response_address, query_zone
        case 7 << 3 | VARINT -> varint(); // response_port
        case 16 << 3 | VARINT -> known(varint(), MAX_HTTP_PROTOCOL);
        default -> throw GIVE_UP;
      }
    }
    if (pos != end || p.messageType == Payload.ABSENT) {
      throw GIVE_UP;
    }
  }

  /** An enum value in 1..max; protobuf reads enums as 32-bit varints. */
  private static int known(long varint, int max) throws GiveUp {
    int v = (int) varint;
    if (v < 1 || v > max) {
      throw GIVE_UP;
    }
    return v;
  }

  private int tag() throws GiveUp {
    long tag = varint();
    if (tag <= 0 || tag > Integer.MAX_VALUE) {
      throw GIVE_UP;
    }
    return (int) tag;
  }

  private int length() throws GiveUp {
    long length = varint();
    if (length < 0 || length > b.length - pos) {
      throw GIVE_UP;
    }
    return (int) length;
  }

  private void skip(int length) {
    pos += length;
  }

  private int fixed32() throws GiveUp {
    if (b.length - pos < 4) {
      throw GIVE_UP;
    }
    int v =
        (b[pos] & 0xff)
            | (b[pos + 1] & 0xff) << 8
            | (b[pos + 2] & 0xff) << 16
            | (b[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  /**
   * A base-128 varint of at most 10 bytes, as protobuf reads it. Most are one byte (every tag, the
   * types, families, protocols and lengths under 128): they take the short way.
   */
  private long varint() throws GiveUp {
    if (pos < b.length && b[pos] >= 0) {
      return b[pos++];
    }
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= b.length) {
        throw GIVE_UP;
      }
      byte x = b[pos++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw GIVE_UP;
  }
}
