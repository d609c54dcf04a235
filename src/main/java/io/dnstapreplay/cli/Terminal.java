// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Terminal tells whether standard error is a terminal, so progress is drawn only for a person and
 * never ends up in a log file or a CI job's output. Java has no isatty(); Linux names the file
 * behind each descriptor in {@code /proc/self/fd}, and terminals are devices under {@code /dev/pts}
 * or {@code /dev/tty*}.
 */
final class Terminal {
  private static final Path STDERR = Path.of("/proc/self/fd/2");

  private Terminal() {}

  static boolean isStderr() {
    try {
      return isTerminal(Files.readSymbolicLink(STDERR).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Whether a descriptor's target, as {@code /proc} names it, is a terminal. */
  static boolean isTerminal(String target) {
    return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
  }
}
