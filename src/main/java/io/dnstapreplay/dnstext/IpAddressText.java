// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * An address as the original prints it (Rust's {@code IpAddr} display): dotted quad, or RFC 5952
 * IPv6 text, with an IPv4-mapped address as {@code ::ffff:192.0.2.1}. Netty's text is the same for
 * every other IPv6 address.
 */
public final class IpAddressText {
  private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1};
  private static final int IPV6_LENGTH = 16;

  private IpAddressText() {}

  /** The text of a 4- or 16-byte address. */
  public static String of(byte[] address) {
    if (address.length == IPV6_LENGTH
        && Arrays.equals(
            address,
            0,
            IPV4_MAPPED_PREFIX.length,
            IPV4_MAPPED_PREFIX,
            0,
            IPV4_MAPPED_PREFIX.length)) {
      return "::ffff:"
          + NetUtil.bytesToIpAddress(
              Arrays.copyOfRange(address, IPV4_MAPPED_PREFIX.length, IPV6_LENGTH));
    }
    return NetUtil.bytesToIpAddress(address);
  }
}
