// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import io.dnstapreplay.ipnet.IpNetworks;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * Where a live replay listens for Frame Streams senders, and what each listener takes from them.
 *
 * @param unix the Unix socket's path, or null for none
 * @param unixMode its file mode
 * @param tcp the TCP address to listen on, or null for none
 * @param tcpAllow the addresses TCP senders may connect from
 * @param maxConnections senders connected at once, per listener
 * @param maxFrameSize largest data frame accepted
 */
public record ListenerConfig(
    Path unix,
    Set<PosixFilePermission> unixMode,
    InetSocketAddress tcp,
    IpNetworks tcpAllow,
    int maxConnections,
    int maxFrameSize) {
  public ListenerConfig {
    if (unix == null && tcp == null) {
      throw new IllegalArgumentException("no listener: a Unix socket, TCP or both");
    }
    Objects.requireNonNull(unixMode, "unixMode");
    Objects.requireNonNull(tcpAllow, "tcpAllow");
  }
}
