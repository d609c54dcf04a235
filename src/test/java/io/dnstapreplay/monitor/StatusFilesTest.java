// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import static io.dnstapreplay.monitor.StatusFiles.MAX_FILE_BYTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.monitor.StatusFiles.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFilesTest {
  @TempDir Path dir;

  private Path a;
  private Path b;
  private Path c;

  private StatusFiles files() {
    a = dir.resolve("a");
    b = dir.resolve("b");
    c = dir.resolve("c");
    return new StatusFiles(List.of(a, b, c));
  }

  @Test
  void identicalContentsAreIdentical() throws IOException {
    StatusFiles files = files();
    for (Path p : List.of(a, b, c)) {
      Files.writeString(p, "2024010101\n");
    }
    assertEquals(Outcome.IDENTICAL, files.compare().outcome());
  }

  @Test
  void emptyFilesAreIdentical() throws IOException {
    StatusFiles files = files();
    for (Path p : List.of(a, b, c)) {
      Files.write(p, new byte[0]);
    }
    assertTrue(files.compare().identical());
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    StatusFiles files = files();
    Files.writeString(a, "1");
    Files.writeString(c, "1");
    StatusFiles.Comparison comparison = files.compare();
    assertEquals(Outcome.MISSING, comparison.outcome());
    assertTrue(comparison.reason().contains(b.toString()), comparison.reason());
  }

  @Test
  void aDifferenceInTheLastFileCounts() throws IOException {
    StatusFiles files = files();
    Files.writeString(a, "1");
    Files.writeString(b, "1");
    Files.writeString(c, "1\n");
    StatusFiles.Comparison comparison = files.compare();
    assertEquals(Outcome.DIFFERENT, comparison.outcome());
    assertTrue(comparison.reason().contains(c.toString()), comparison.reason());
  }

  @Test
  void filesAtTheSizeLimitAreCompared() throws IOException {
    StatusFiles files = files();
    byte[] contents = new byte[MAX_FILE_BYTES];
    for (Path p : List.of(a, b, c)) {
      Files.write(p, contents);
    }
    assertEquals(Outcome.IDENTICAL, files.compare().outcome());
    contents[MAX_FILE_BYTES - 1] = 1;
    Files.write(b, contents);
    assertEquals(Outcome.DIFFERENT, files.compare().outcome());
  }

  @Test
  void identicalFilesOverTheSizeLimitAreUnreadable() throws IOException {
    StatusFiles files = files();
    byte[] contents = new byte[MAX_FILE_BYTES + 1];
    for (Path p : List.of(a, b, c)) {
      Files.write(p, contents);
    }
    StatusFiles.Comparison comparison = files.compare();
    assertEquals(Outcome.UNREADABLE, comparison.outcome());
    assertTrue(comparison.reason().contains("larger than"), comparison.reason());
  }

  @Test
  void aDirectoryInPlaceOfAFileIsUnreadable() throws IOException {
    StatusFiles files = files();
    Files.writeString(a, "1");
    Files.createDirectory(b);
    Files.writeString(c, "1");
    assertEquals(Outcome.UNREADABLE, files.compare().outcome());
  }

  @Test
  void eachComparisonReadsTheFilesAgain() throws IOException {
    StatusFiles files = files();
    for (Path p : List.of(a, b, c)) {
      Files.writeString(p, "1");
    }
    assertTrue(files.compare().identical());
    Files.writeString(a, "2");
    assertEquals(Outcome.DIFFERENT, files.compare().outcome());
    Files.writeString(a, "1");
    Files.delete(c);
    assertEquals(Outcome.MISSING, files.compare().outcome());
  }
}
