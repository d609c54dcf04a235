// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Addresses parses {@code IP:PORT} the way DNS operators write it: {@code 192.0.2.1:53} or {@code
 * [2001:db8::1]:53}. Host names are refused: a replay target must be an address, and a DNS lookup
 * at start-up would be a surprise.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * @throws IllegalArgumentException with an operator-facing message
   */
  public static InetSocketAddress parse(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("'" + s + "' is not IP:PORT");
    }
    String host = s.substring(0, colon);
    String port = s.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      if (!host.contains(":")) {
        throw new IllegalArgumentException("'" + s + "': brackets are for IPv6 addresses");
      }
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + s + "': write an IPv6 address as [ADDRESS]:PORT");
    }
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      throw new IllegalArgumentException("'" + s + "': '" + host + "' is not an IP address");
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "': '" + port + "' is not a port number");
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("'" + s + "': port " + p + " is outside 0..65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), p);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + s + "': " + e.getMessage());
    }
  }
}
