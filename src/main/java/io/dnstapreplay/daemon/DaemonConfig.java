// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * DaemonConfig is everything the command line decided, already validated, so the daemon has no
 * dependency on how options are parsed.
 */
public record DaemonConfig(
    InetSocketAddress dns,
    InetSocketAddress http,
    Path unix,
    Set<PosixFilePermission> unixMode,
    int maxFrameSize,
    int channelCapacity,
    int errorCapacity,
    int timeoutCapacity,
    int numSockets,
    int maxInFlight,
    Duration timeout,
    boolean proxy,
    boolean proxyTimespec,
    Integer dscp,
    boolean ignoreTc,
    List<String> ignoreQueryNets,
    List<Path> matchStatusFiles,
    Duration matchStatusDelay) {}
