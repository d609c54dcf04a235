// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import java.nio.file.Path;
import java.util.List;

/**
 * What a replay of files ({@code --read}) reads and where it writes the failure records.
 *
 * @param inputs files to read in order; {@code -} is standard input
 * @param errorsFile where mismatch and missing-field records go, or null to keep them in the {@code
 *     /errors} buffer
 * @param timeoutsFile where timeout records go, or null to keep them in the {@code /timeouts}
 *     buffer
 * @param speed replay at this many times the pace of the messages' timestamps, or 0 for as fast as
 *     the target answers
 */
public record FileConfig(List<String> inputs, Path errorsFile, Path timeoutsFile, double speed) {
  public FileConfig {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no input");
    }
  }
}
