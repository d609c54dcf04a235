// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.proxyv2;

import io.netty.buffer.ByteBuf;

/**
 * Writes the PROXY protocol v2 header that tells the target nameserver who originally sent a
 * replayed query, byte for byte as dnstap-utils sends it, so that targets patched for the original
 * accept our datagrams unchanged.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-------------------------------------------------------------------+
 * | signature 0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A            12 bytes |
 * +-----------+------------+--------------------------+---------------+
 * | 0x21      | 0x12/0x22  | u16 BE length of the rest                |
 * | v2 PROXY  | UDP4/UDP6  | 12 or 36, plus 15 with the timespec TLV  |
 * +-----------+------------+------------------------------------------+
 * | source address (query address, 4 or 16 bytes)                     |
 * | destination address (all zeros, same length)                      |
 * | u16 BE source port (query port) | u16 BE destination port 53      |
 * +-----------+--------------------+----------------------------------+
 * | 0xEA      | u16 BE 12          | u64 LE seconds | u32 LE nanos    |  optional
 * +-----------+--------------------+----------------------------------+
 * </pre>
 *
 * <p>Why not Netty's {@code HAProxyMessageEncoder}: it is a {@code MessageToByteEncoder} bound to a
 * channel pipeline, while we prepend the header to each datagram's payload ourselves; and its
 * {@code HAProxyMessage} takes addresses as strings and TLVs as reference-counted buffers, so each
 * datagram would pay for formatting an address that dnstap already gives us as bytes, parsing it
 * back, and allocating and releasing a message. The bytes written here are identical to that
 * encoder's output (a test keeps the proof).
 */
public final class ProxyV2Header {
  /** Length of the fixed PROXY v2 signature. */
  public static final int SIGNATURE_LENGTH = 12;

  /** Signature, version/command, family/protocol and the u16 length that follows them. */
  public static final int FIXED_PART_LENGTH = SIGNATURE_LENGTH + 4;

  /** Version 2 in the high nibble, command PROXY in the low nibble. */
  public static final int VERSION_2_PROXY = 0x21;

  /** Address family INET, transport DGRAM. */
  public static final int UDP_OVER_IPV4 = 0x12;

  /** Address family INET6, transport DGRAM. */
  public static final int UDP_OVER_IPV6 = 0x22;

  public static final int IPV4_ADDRESS_LENGTH = 4;
  public static final int IPV6_ADDRESS_LENGTH = 16;

  /** The original leaves the destination unknown to the target but says port 53. */
  public static final int DESTINATION_PORT = 53;

  public static final int MAX_PORT = 0xFFFF;

  /**
   * TLV type of the timespec, in the range the PROXY protocol reserves for applications
   * (PP2_TYPE_MIN_CUSTOM 0xE0 .. PP2_TYPE_MAX_CUSTOM 0xEF).
   */
  public static final int TIMESPEC_TLV_TYPE = 0xEA;

  /** u64 seconds plus u32 nanoseconds. */
  public static final int TIMESPEC_VALUE_LENGTH = 12;

  /** Type byte, u16 length, value. */
  public static final int TIMESPEC_TLV_LENGTH = 3 + TIMESPEC_VALUE_LENGTH;

  private static final byte[] SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private static final int PORTS_LENGTH = 4;

  /**
   * The response time of the logged query, carried to the target in the timespec TLV. Both fields
   * are written as unsigned bit patterns without checks, as the original does with dnstap's {@code
   * uint64} seconds and {@code fixed32} nanoseconds.
   */
  public record Timespec(long seconds, int nanos) {}

  private ProxyV2Header() {}

  /**
   * Writes the header for a UDP query from {@code sourceAddress}:{@code sourcePort} to {@code out}.
   * The caller owns {@code out} and releases it; on an invalid argument nothing is written.
   *
   * @param sourceAddress 4 bytes (IPv4) or 16 bytes (IPv6), as in dnstap's {@code query_address}
   * @param timespecOrNull the timespec TLV to append, or null for none
   * @throws IllegalArgumentException for another address length or a port outside 0..65535
   */
  public static void encode(
      ByteBuf out, byte[] sourceAddress, int sourcePort, Timespec timespecOrNull) {
    int familyAndProtocol = familyAndProtocol(sourceAddress.length);
    if (sourcePort < 0 || sourcePort > MAX_PORT) {
      throw new IllegalArgumentException("source port " + sourcePort + " is outside 0..65535");
    }
    boolean withTimespec = timespecOrNull != null;
    out.ensureWritable(length(sourceAddress.length, withTimespec));
    out.writeBytes(SIGNATURE);
    out.writeByte(VERSION_2_PROXY);
    out.writeByte(familyAndProtocol);
    out.writeShort(
        addressBlockLength(sourceAddress.length) + (withTimespec ? TIMESPEC_TLV_LENGTH : 0));
    out.writeBytes(sourceAddress);
    out.writeZero(sourceAddress.length);
    out.writeShort(sourcePort);
    out.writeShort(DESTINATION_PORT);
    if (withTimespec) {
      out.writeByte(TIMESPEC_TLV_TYPE);
      out.writeShort(TIMESPEC_VALUE_LENGTH);
      out.writeLongLE(timespecOrNull.seconds());
      out.writeIntLE(timespecOrNull.nanos());
    }
  }

  /**
   * Returns how many bytes {@link #encode} writes for an address of {@code addressLength} bytes.
   *
   * @throws IllegalArgumentException if {@code addressLength} is neither 4 nor 16
   */
  public static int length(int addressLength, boolean withTimespec) {
    familyAndProtocol(addressLength);
    return FIXED_PART_LENGTH
        + addressBlockLength(addressLength)
        + (withTimespec ? TIMESPEC_TLV_LENGTH : 0);
  }

  private static int addressBlockLength(int addressLength) {
    return 2 * addressLength + PORTS_LENGTH;
  }

  private static int familyAndProtocol(int addressLength) {
    return switch (addressLength) {
      case IPV4_ADDRESS_LENGTH -> UDP_OVER_IPV4;
      case IPV6_ADDRESS_LENGTH -> UDP_OVER_IPV6;
      default ->
          throw new IllegalArgumentException(
              "source address has " + addressLength + " bytes; expected 4 (IPv4) or 16 (IPv6)");
    };
  }
}
