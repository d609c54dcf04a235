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
 */
public record DaemonConfig(
    InetSocketAddress http,
    ListenerConfig listeners,
    int channelCapacity,
    int errorCapacity,
    int timeoutCapacity,
    List<Path> matchStatusFiles,
    Duration matchStatusDelay,
    ReplayConfig replay) {}
