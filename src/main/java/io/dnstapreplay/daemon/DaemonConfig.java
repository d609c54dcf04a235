// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import io.dnstapreplay.replay.ReplayConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * DaemonConfig is everything the command line decided, already validated, so the daemon has no
 * dependency on how options are parsed. The replay stage's part is one {@link ReplayConfig}.
 *
 * <p>Payloads come either from {@code listeners} (a live replay) or from {@code files}; the other
 * is null.
 *
 * @param http the HTTP server's address, or null for none (only when replaying files)
 * @param channelBytes the weight of the payloads queued for the replay stage (about the bytes of
 *     their frames), at most (one is always let in, however heavy)
 */
public record DaemonConfig(
    InetSocketAddress http,
    ListenerConfig listeners,
    FileConfig files,
    int channelCapacity,
    long channelBytes,
    int errorCapacity,
    int timeoutCapacity,
    long errorBytes,
    long timeoutBytes,
    List<Path> matchStatusFiles,
    Duration matchStatusDelay,
    ReplayConfig replay) {
  public DaemonConfig {
    if ((listeners == null) == (files == null)) {
      throw new IllegalArgumentException("either listeners or files");
    }
    if (http == null && files == null) {
      throw new IllegalArgumentException("a live replay needs its HTTP server");
    }
  }
}
