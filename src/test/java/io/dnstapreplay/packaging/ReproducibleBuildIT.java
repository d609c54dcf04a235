// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dnstapreplay.testing.Command;
import io.dnstapreplay.testing.RequiresTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second build of the same sources, in another directory with new file times, gives byte for byte
 * the same jar, package and tarball (project.build.outputTimestamp). Maven runs offline: the first
 * build fetched everything.
 */
class ReproducibleBuildIT {
  @Test
  @RequiresTools({"git", "mvn"})
  void aSecondBuildIsByteIdentical(@TempDir Path copy) throws Exception {
    Path here = Path.of("");
    // the tracked files and the working tree's changes to them, as a user's clone has them
    for (String file : Command.run(here, "git", "ls-files", "-z").split("\0")) {
      if (!file.isEmpty() && Files.isRegularFile(Path.of(file))) {
        Path target = copy.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(Path.of(file), target, StandardCopyOption.COPY_ATTRIBUTES);
        Files.setLastModifiedTime(target, Files.getLastModifiedTime(copy));
      }
    }
    Command.run(copy, "mvn", "-B", "-ntp", "-o", "-q", "package", "-Dmaven.test.skip=true");
    Path second = copy.resolve("target");
    for (Path artifact : List.of(Artifacts.jar(), Artifacts.deb(), Artifacts.tarball())) {
      assertArrayEquals(
          Files.readAllBytes(artifact),
          Files.readAllBytes(second.resolve(artifact.getFileName())),
          artifact.getFileName() + " differs between two builds");
    }
  }
}
