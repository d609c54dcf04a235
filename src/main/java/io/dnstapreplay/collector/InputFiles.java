// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * InputFiles opens the Frame Streams files a command line names ({@code --read}, the tools' {@code
 * -r}), {@code -} being standard input, with errors an operator can act on. Standard input is never
 * closed, so a command can read it after the file.
 */
public final class InputFiles {
  /** The file name that means standard input. */
  public static final String STDIN = "-";

  /**
   * Largest data frame read from a file: a failure record carries a third DNS message (the target's
   * response) beside the logged query and response, so it can exceed a sender's 128 KiB.
   */
  public static final int MAX_FRAME_LENGTH = 1 << 20;

  /**
   * An open input.
   *
   * @param name what messages call it: the file name, or "standard input"
   * @param size its length in bytes, or -1 when unknown (a pipe)
   */
  public record Input(String name, InputStream in, long size) {}

  private InputFiles() {}

  /**
   * Opens {@code file}, or standard input for {@value #STDIN}.
   *
   * @throws IOException whose message starts with the file name
   */
  public static Input open(String file, InputStream stdin) throws IOException {
    if (file.equals(STDIN)) {
      return new Input(
          "standard input",
          new FilterInputStream(stdin) {
            @Override
            public void close() {}
          },
          -1);
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new IOException(file + ": is a directory");
    }
    try {
      InputStream in = Files.newInputStream(path);
      return new Input(file, in, Files.isRegularFile(path) ? Files.size(path) : -1);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens every file, so that one that cannot be read is an error before any is used.
   *
   * @throws IOException naming the first that cannot be read; nothing is left open then
   */
  public static List<Input> openAll(List<String> files, InputStream stdin) throws IOException {
    List<Input> opened = new ArrayList<>(files.size());
    try {
      for (String file : files) {
        opened.add(open(file, stdin));
      }
      return opened;
    } catch (IOException e) {
      closeAll(opened);
      throw e;
    }
  }

  /** Closes inputs, ignoring errors: they were only read. */
  public static void closeAll(List<Input> inputs) {
    for (Input i : inputs) {
      try {
        i.in().close();
      } catch (IOException e) {
        // nothing was written: nothing is lost
      }
    }
  }
}
