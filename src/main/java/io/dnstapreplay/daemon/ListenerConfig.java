// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Where a live replay listens for Frame Streams senders, and what each listener takes from them.
 *
 * @param unix the Unix socket's path
 * @param unixMode its file mode
 * @param maxConnections senders connected at once, per listener
 * @param maxFrameSize largest data frame accepted
 */
public record ListenerConfig(
    Path unix, Set<PosixFilePermission> unixMode, int maxConnections, int maxFrameSize) {}
