// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

/**
 * A cursor over a DNS message with an end limit, as the {@code octseq} 0.3 {@code Parser} the
 * original reads messages with: positions are absolute in the whole message, so a compression
 * pointer can seek back before a record's data, but never past the limit of the part being read.
 * Every read that runs out of input throws {@link WireException}.
 */
final class WireParser {
  private final byte[] octets;
  private int pos;
  private final int limit;

  WireParser(byte[] octets) {
    this(octets, 0, octets.length);
  }

  private WireParser(byte[] octets, int pos, int limit) {
    this.octets = octets;
    this.pos = pos;
    this.limit = limit;
  }

  /** A copy that moves on its own. */
  WireParser copy() {
    return new WireParser(octets, pos, limit);
  }

  int pos() {
    return pos;
  }

  int remaining() {
    return limit - pos;
  }

  void seek(int position) {
    if (position > limit) {
      throw WireException.shortInput();
    }
    pos = position;
  }

  void advance(int length) {
    if (length > remaining()) {
      throw WireException.shortInput();
    }
    pos += length;
  }

  /** The next {@code length} bytes as a parser of their own; this one moves past them. */
  WireParser take(int length) {
    if (length > remaining()) {
      throw WireException.shortInput();
    }
    WireParser part = new WireParser(octets, pos, pos + length);
    pos += length;
    return part;
  }

  int u8() {
    advance(1);
    return octets[pos - 1] & 0xff;
  }

  int u16() {
    return u8() << 8 | u8();
  }

  long u32() {
    return (long) u16() << 16 | u16();
  }

  byte[] bytes(int length) {
    advance(length);
    byte[] out = new byte[length];
    System.arraycopy(octets, pos - length, out, 0, length);
    return out;
  }

  /** Everything up to the limit. */
  byte[] rest() {
    return bytes(remaining());
  }
}
