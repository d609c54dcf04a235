// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StatusFiles reads the status files afresh and says whether they all exist with identical
 * contents. A file that cannot be read counts as missing: matching must not resume on a guess.
 * Reads are capped because status files hold a serial or two; a larger file is a mistake and counts
 * as unreadable.
 *
 * <p>Not thread-safe: used by one thread at a time.
 */
final class StatusFiles {
  static final int MAX_FILE_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(StatusFiles.class);

  enum Outcome {
    IDENTICAL,
    MISSING,
    UNREADABLE,
    DIFFERENT
  }

  /** The outcome of one comparison; {@code reason} is meant for the log. */
  record Comparison(Outcome outcome, String reason) {
    boolean identical() {
      return outcome == Outcome.IDENTICAL;
    }
  }

  private final List<Path> files;
  private String lastReason;

  StatusFiles(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /** Reads every file; warns about an unreadable one only when the problem is new. */
  Comparison compare() {
    Comparison comparison = readAndCompare();
    if (comparison.outcome() == Outcome.UNREADABLE && !comparison.reason().equals(lastReason)) {
      log.warn("match status file problem: {}", comparison.reason());
    }
    lastReason = comparison.reason();
    return comparison;
  }

  private Comparison readAndCompare() {
    byte[] first = null;
    for (Path file : files) {
      byte[] contents;
      try {
        contents = readCapped(file);
      } catch (NoSuchFileException e) {
        return new Comparison(Outcome.MISSING, file + " is missing");
      } catch (IOException e) {
        return new Comparison(Outcome.UNREADABLE, file + " cannot be read: " + e);
      }
      if (contents.length > MAX_FILE_BYTES) {
        return new Comparison(
            Outcome.UNREADABLE, file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      if (first == null) {
        first = contents;
      } else if (!Arrays.equals(first, contents)) {
        return new Comparison(Outcome.DIFFERENT, file + " differs from " + files.get(0));
      }
    }
    return new Comparison(Outcome.IDENTICAL, "all " + files.size() + " status files are identical");
  }

  private static byte[] readCapped(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(MAX_FILE_BYTES + 1);
    }
  }
}
