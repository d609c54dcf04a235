// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.ipnet;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of IP networks given on the command line: {@code --ignore-query-net} (clients whose queries
 * are not replayed) and {@code --tcp-allow} (senders that may connect), with one parser so both
 * options take exactly the same notation.
 *
 * <p>Parsing is as strict as the original's: a prefix length is required and host bits must be
 * zero, so a typo such as {@code 192.0.2.1/24} is refused instead of silently widened. An address
 * matches only networks of its own family, as in the original: an IPv4 address never matches an
 * IPv6 network, and an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) never matches an IPv4
 * network. Netty's string constructor of {@link IpSubnetFilterRule} is avoided because it would
 * resolve a host name.
 */
public final class IpNetworks {
  private static final IpNetworks NONE = new IpNetworks(List.of(), List.of());
  private static final int MAX_PREFIX_DIGITS = 3;
  private static final int IPV4_LENGTH = 4;
  private static final int IPV6_LENGTH = 16;
  private static final int NO_SCOPE = -1;

  private final List<IpSubnetFilterRule> rules;
  private final List<String> cidrs;

  private IpNetworks(List<IpSubnetFilterRule> rules, List<String> cidrs) {
    this.rules = rules;
    this.cidrs = cidrs;
  }

  public static IpNetworks none() {
    return NONE;
  }

  /**
   * Parses networks in CIDR notation, such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}.
   *
   * @throws IllegalArgumentException naming the first entry that is not such a network
   */
  public static IpNetworks parse(List<String> cidrs) {
    List<IpSubnetFilterRule> rules = new ArrayList<>(cidrs.size());
    for (String cidr : cidrs) {
      rules.add(parseOne(cidr));
    }
    return new IpNetworks(List.copyOf(rules), List.copyOf(cidrs));
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The networks as they were written, comma-separated, for log lines. */
  @Override
  public String toString() {
    return String.join(", ", cidrs);
  }

  /**
   * Whether {@code address} (4 or 16 bytes, as in dnstap) is inside any of the networks.
   *
   * @throws IllegalArgumentException for another length
   */
  public boolean contains(byte[] address) {
    if (address.length != IPV4_LENGTH && address.length != IPV6_LENGTH) {
      throw wrongLength(address);
    }
    if (rules.isEmpty()) {
      return false;
    }
    InetSocketAddress socketAddress = new InetSocketAddress(toInetAddress(address), 0);
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(socketAddress)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a socket peer is inside any of the networks. Unlike a dnstap address, a peer's
   * IPv4-mapped address is its IPv4 address: an IPv4 sender on a dual-stack listener is an IPv4
   * sender.
   */
  public boolean containsPeer(InetAddress peer) {
    byte[] address = peer.getAddress();
    if (address.length == IPV6_LENGTH && isIpv4Mapped(address)) {
      address = Arrays.copyOfRange(address, IPV6_LENGTH - IPV4_LENGTH, IPV6_LENGTH);
    }
    return contains(address);
  }

  private static boolean isIpv4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
  }

  private static IpSubnetFilterRule parseOne(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw invalid(cidr, "expected ADDRESS/PREFIX-LENGTH");
    }
    byte[] address = parseAddress(cidr.substring(0, slash));
    if (address == null) {
      throw invalid(cidr, "not an IPv4 or IPv6 address before the '/'");
    }
    int maxPrefix = address.length * Byte.SIZE;
    int prefix = parsePrefix(cidr.substring(slash + 1));
    if (prefix < 0 || prefix > maxPrefix) {
      throw invalid(cidr, "prefix length must be 0.." + maxPrefix);
    }
    if (hasHostBits(address, prefix)) {
      throw invalid(cidr, "host bits are set beyond the /" + prefix + " prefix");
    }
    return new IpSubnetFilterRule(toInetAddress(address), prefix, IpFilterRuleType.REJECT);
  }

  /**
   * Returns the address bytes of a literal, keeping the family it is written in, or null. For IPv6,
   * Netty's parser is not used: it accepts zone ids and brackets, and rewrites {@code ::192.0.2.1}
   * as {@code ::ffff:192.0.2.1}; {@code InetAddress} never resolves a name containing a colon.
   */
  private static byte[] parseAddress(String literal) {
    if (!literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      return null;
    }
    if (literal.indexOf(':') < 0) {
      return NetUtil.isValidIpV4Address(literal)
          ? NetUtil.createByteArrayFromIpAddressString(literal)
          : null;
    }
    if (literal.charAt(0) == '.') {
      return null; // InetAddress would take it for a host name
    }
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
    byte[] bytes = parsed.getAddress();
    if (parsed instanceof Inet4Address) {
      byte[] mapped = new byte[IPV6_LENGTH];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      return mapped;
    }
    return bytes;
  }

  private static int parsePrefix(String digits) {
    if (digits.isEmpty()
        || digits.length() > MAX_PREFIX_DIGITS
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Integer.parseInt(digits);
  }

  private static boolean hasHostBits(byte[] address, int prefix) {
    for (int bit = prefix; bit < address.length * Byte.SIZE; bit++) {
      if ((address[bit / Byte.SIZE] & (0x80 >>> (bit % Byte.SIZE))) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Keeps 16-byte addresses IPv6 even when IPv4-mapped, unlike {@code InetAddress}. */
  private static InetAddress toInetAddress(byte[] address) {
    try {
      return switch (address.length) {
        case IPV4_LENGTH -> InetAddress.getByAddress(address);
        case IPV6_LENGTH -> Inet6Address.getByAddress(null, address, NO_SCOPE);
        default -> throw wrongLength(address);
      };
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static IllegalArgumentException wrongLength(byte[] address) {
    return new IllegalArgumentException(
        "address has " + address.length + " bytes; expected 4 (IPv4) or 16 (IPv6)");
  }

  private static IllegalArgumentException invalid(String cidr, String reason) {
    return new IllegalArgumentException("invalid network '" + cidr + "': " + reason);
  }
}
