// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * SocketPath makes a Unix socket path ready for binding without ever deleting something that is not
 * ours to delete: the original removes whatever file is there, which turns a typo in {@code --unix}
 * into data loss. Only a stale socket (one nobody listens on) is removed.
 */
public final class SocketPath {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private SocketPath() {}

  /**
   * Checks {@code path} and removes a stale socket there.
   *
   * @throws IOException with an operator-facing message when the path cannot be used
   */
  public static void prepare(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IOException("--unix " + path + " is not a path a socket can have");
    }
    if (!Files.isDirectory(parent)) {
      throw new IOException(parentProblem(path, parent));
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new IOException(
          "--unix " + path + " exists and is not a socket; refusing to replace it");
    }
    if (isListening(path)) {
      throw new IOException("--unix " + path + " is in use by another listening process");
    }
    Files.delete(path);
  }

  /**
   * Why the directory of {@code path} cannot hold it, named after the nearest ancestor that exists:
   * "does not exist" would send an operator looking for a directory that is there as a file.
   */
  private static String parentProblem(Path path, Path parent) {
    for (Path p = parent; p != null; p = p.getParent()) {
      try {
        if (!Files.readAttributes(p, BasicFileAttributes.class).isDirectory()) {
          return p + " in --unix " + path + " is not a directory";
        }
        break;
      } catch (AccessDeniedException e) {
        return "cannot reach the directory of --unix " + path + ": permission denied on " + p;
      } catch (FileSystemException e) {
        // missing, or below a file ("Not a directory"): the ancestor tells which
      } catch (IOException e) {
        return "cannot reach the directory of --unix " + path + ": " + e.getMessage();
      }
    }
    return "directory " + parent + " of --unix " + path + " does not exist";
  }

  static boolean isSocket(Path path) throws IOException {
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & S_IFMT) == S_IFSOCK;
  }

  private static boolean isListening(Path path) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(path));
      return true;
    } catch (ConnectException e) {
      return false;
    }
  }
}
