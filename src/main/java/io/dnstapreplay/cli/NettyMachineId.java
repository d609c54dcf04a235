// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives Netty a random machine id (it only makes channel ids unique) unless one is set. Without it
 * Netty looks for a hardware address and, in a network namespace with only loopback (where the
 * project runs its servers and tests), warns that it found none and picks a random one anyway.
 */
final class NettyMachineId {
  static final String PROPERTY = "io.netty.machineId";

  private NettyMachineId() {}

  /** Call before any Netty class is loaded. */
  static void setIfAbsent() {
    if (System.getProperty(PROPERTY) == null) {
      byte[] id = new byte[8];
      ThreadLocalRandom.current().nextBytes(id);
      System.setProperty(PROPERTY, HexFormat.ofDelimiter(":").formatHex(id));
    }
  }
}
