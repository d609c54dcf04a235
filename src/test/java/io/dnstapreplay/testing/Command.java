// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Command runs an external program to completion and returns what it printed. */
public final class Command {
  /** What a program printed (stdout and stderr together) and its exit status. */
  public record Result(int status, String output) {}

  private Command() {}

  /** Runs {@code command} in {@code dir} and fails the test unless it exits 0. */
  public static String run(Path dir, String... command) throws IOException, InterruptedException {
    return run(dir, new byte[0], command);
  }

  /** As {@link #run(Path, String...)}, with {@code input} on its standard input. */
  public static String run(Path dir, byte[] input, String... command)
      throws IOException, InterruptedException {
    Result r = status(dir, input, command);
    assertEquals(0, r.status(), String.join(" ", command) + ":\n" + r.output());
    return r.output();
  }

  /** Runs {@code command} and returns its status and output, whatever the status. */
  public static Result status(Path dir, byte[] input, String... command)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(List.of(command))
            .directory(dir.toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(input);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), output);
  }
}
