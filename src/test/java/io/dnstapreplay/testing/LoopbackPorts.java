// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks ports for lab servers that are free for both UDP and TCP on every loopback address the lab
 * listens on. Ports come from below the kernel's ephemeral range, so client sockets opened between
 * the check and the server's bind cannot take them; within this JVM no port is handed out twice.
 */
final class LoopbackPorts {
  private static final int FIRST = 20_000;
  private static final int LAST = 29_999;
  private static final int MAX_TRIES = 200;
  private static final Set<Integer> handedOut = new HashSet<>();

  private LoopbackPorts() {}

  static synchronized int next() {
    boolean withIpv6 = ipv6Loopback() != null;
    for (int i = 0; i < MAX_TRIES; i++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
      if (!handedOut.contains(port)
          && free(InetAddress.getLoopbackAddress(), port)
          && (!withIpv6 || free(ipv6Loopback(), port))) {
        handedOut.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + FIRST + "-" + LAST);
  }

  /** {@code ::1}, or null where it is missing (the lab then listens on 127.0.0.1 only). */
  static InetAddress ipv6Loopback() {
    try (DatagramSocket probe = new DatagramSocket(null)) {
      InetAddress ipv6 = InetAddress.getByName("::1");
      probe.bind(new InetSocketAddress(ipv6, 0));
      return ipv6;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean free(InetAddress address, int port) {
    try (ServerSocket tcp = new ServerSocket();
        DatagramSocket udp = new DatagramSocket(null)) {
      tcp.bind(new InetSocketAddress(address, port));
      udp.bind(new InetSocketAddress(address, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
