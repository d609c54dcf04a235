// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.ipnet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpNetworksTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void ipv4NetworkBoundaries() {
    IpNetworks nets = IpNetworks.parse(List.of("192.0.2.0/24"));
    assertTrue(nets.contains(ip("c0000200")));
    assertTrue(nets.contains(ip("c00002ff")));
    assertFalse(nets.contains(ip("c00001ff")));
    assertFalse(nets.contains(ip("c0000300")));
  }

  @Test
  void ipv6NetworkBoundaries() {
    IpNetworks nets = IpNetworks.parse(List.of("2001:db8::/32"));
    assertTrue(nets.contains(ip("20010db8000000000000000000000000")));
    assertTrue(nets.contains(ip("20010db8ffffffffffffffffffffffff")));
    assertFalse(nets.contains(ip("20010db7ffffffffffffffffffffffff")));
    assertFalse(nets.contains(ip("20010db9000000000000000000000000")));
    assertFalse(nets.contains(ip("ffffffff123400000000000000000000")));
  }

  @Test
  void hostRoutes() {
    IpNetworks nets = IpNetworks.parse(List.of("198.51.100.7/32", "2001:db8::53/128"));
    assertTrue(nets.contains(ip("c6336407")));
    assertFalse(nets.contains(ip("c6336406")));
    assertTrue(nets.contains(ip("20010db8000000000000000000000053")));
    assertFalse(nets.contains(ip("20010db8000000000000000000000052")));
  }

  @Test
  void aDefaultRouteCoversOnlyItsOwnFamily() {
    IpNetworks ipv4 = IpNetworks.parse(List.of("0.0.0.0/0"));
    assertTrue(ipv4.contains(ip("ffffffff")));
    assertFalse(ipv4.contains(ip("00000000000000000000000000000000")));

    IpNetworks ipv6 = IpNetworks.parse(List.of("::/0"));
    assertTrue(ipv6.contains(ip("ffffffffffffffffffffffffffffffff")));
    assertFalse(ipv6.contains(ip("00000000")));
  }

  @Test
  void anIpv4MappedAddressIsIpv6() {
    byte[] mapped = ip("00000000000000000000ffffc0000201"); // ::ffff:192.0.2.1
    assertFalse(IpNetworks.parse(List.of("192.0.2.0/24")).contains(mapped));
    assertTrue(IpNetworks.parse(List.of("::ffff:192.0.2.0/120")).contains(mapped));
    assertTrue(IpNetworks.parse(List.of("::ffff:0:0/96")).contains(mapped));
    assertFalse(IpNetworks.parse(List.of("::ffff:0:0/96")).contains(ip("c0000201")));
  }

  @Test
  void anIpv4CompatibleNetworkKeepsItsBytes() {
    IpNetworks nets = IpNetworks.parse(List.of("::192.0.2.0/120"));
    assertTrue(nets.contains(ip("000000000000000000000000c0000201")));
    assertFalse(nets.contains(ip("00000000000000000000ffffc0000201")));
  }

  @Test
  void anyOfSeveralNetworksMatches() {
    IpNetworks nets = IpNetworks.parse(List.of("192.0.2.0/24", "2001:db8::/32", "10.0.0.0/8"));
    assertTrue(nets.contains(ip("0a010203")));
    assertTrue(nets.contains(ip("c0000201")));
    assertTrue(nets.contains(ip("20010db8000000000000000000000001")));
    assertFalse(nets.contains(ip("0b010203")));
  }

  @Test
  void noNetworksContainNothing() {
    assertTrue(IpNetworks.none().isEmpty());
    assertTrue(IpNetworks.parse(List.of()).isEmpty());
    assertFalse(IpNetworks.none().contains(ip("c0000201")));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 5, 15, 17})
  void rejectsAddressesOfAnotherLength(int length) {
    assertThrows(
        IllegalArgumentException.class, () -> IpNetworks.none().contains(new byte[length]));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/24",
        "192.0.2.0",
        "192.0.2.0/",
        "192.0.2.0/33",
        "192.0.2.0/-1",
        "192.0.2.0/+8",
        "192.0.2.0/0024",
        "192.0.2.0/24/8",
        "192.0.2.0/ 24",
        " 192.0.2.0/24",
        "192.0.2/24",
        "192.0.2.0.1/32",
        "192.0.2.256/32",
        "192.0.2.1/24",
        "2001:db8::1/32",
        "2001:db8::/129",
        "2001:db8:::/32",
        "[2001:db8::]/32",
        "fe80::1%eth0/128",
        ".:/8",
        "localhost/8",
        "example.com/24",
      })
  void rejectsWhatIsNotANetworkNamingIt(String cidr) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> IpNetworks.parse(List.of("10.0.0.0/8", cidr)));
    assertTrue(e.getMessage().contains("'" + cidr + "'"), e.getMessage());
  }

  @Test
  void explainsHostBits() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> IpNetworks.parse(List.of("192.0.2.1/24")));
    assertTrue(e.getMessage().contains("host bits"), e.getMessage());
  }

  @Test
  void aPeerOfADualStackListenerMatchesAsIpv4() throws Exception {
    IpNetworks loopback = IpNetworks.parse(List.of("127.0.0.0/8", "::1/128"));
    byte[] mapped = ip("00000000000000000000ffff7f000002"); // ::ffff:127.0.0.2
    assertTrue(loopback.containsPeer(Inet6Address.getByAddress(null, mapped, -1)));
    assertTrue(loopback.containsPeer(InetAddress.getByName("127.0.0.2")));
    assertTrue(loopback.containsPeer(InetAddress.getByName("::1")));
    assertFalse(loopback.containsPeer(InetAddress.getByName("192.0.2.1")));
    assertFalse(loopback.containsPeer(InetAddress.getByName("::2")));
  }

  private static byte[] ip(String hex) {
    return HEX.parseHex(hex);
  }
}
