// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --unix} removes a stale socket and nothing else (SPEC 10). */
class SocketPathTest {
  @TempDir Path dir;

  private Path socket() {
    return dir.resolve("replay.sock");
  }

  private static ServerSocketChannel listen(Path path) throws IOException {
    return ServerSocketChannel.open(StandardProtocolFamily.UNIX)
        .bind(UnixDomainSocketAddress.of(path));
  }

  @Test
  void nothingThereIsFine() throws IOException {
    SocketPath.prepare(socket());
    assertFalse(Files.exists(socket()));
  }

  @Test
  void staleSocketIsRemoved() throws IOException {
    listen(socket()).close();
    assertTrue(SocketPath.isSocket(socket()), "closing a Java listener leaves its file behind");
    SocketPath.prepare(socket());
    assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void socketInUseIsRefusedAndKeepsWorking() throws IOException {
    try (ServerSocketChannel live = listen(socket())) {
      IOException e = assertThrows(IOException.class, () -> SocketPath.prepare(socket()));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
        assertTrue(c.isConnected());
        assertTrue(live.isOpen());
      }
    }
  }

  @Test
  void regularFileIsRefusedAndLeftAlone() throws IOException {
    Files.writeString(socket(), "precious");
    IOException e = assertThrows(IOException.class, () -> SocketPath.prepare(socket()));
    assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
    assertEquals("precious", Files.readString(socket()));
  }

  @Test
  void directoryIsRefusedAndLeftAlone() throws IOException {
    Files.createDirectory(socket());
    Files.writeString(socket().resolve("inside"), "x");
    assertThrows(IOException.class, () -> SocketPath.prepare(socket()));
    assertEquals("x", Files.readString(socket().resolve("inside")));
  }

  /** Even a link to a stale socket: removing it would surprise whoever made the link. */
  @Test
  void symbolicLinkIsRefusedAndLeftAlone() throws IOException {
    Path target = dir.resolve("elsewhere.sock");
    listen(target).close();
    Files.createSymbolicLink(socket(), target);
    assertThrows(IOException.class, () -> SocketPath.prepare(socket()));
    assertTrue(Files.isSymbolicLink(socket()));
    assertTrue(SocketPath.isSocket(target));
  }

  @Test
  void missingDirectoryIsRefusedWithoutCreatingIt() {
    Path missing = dir.resolve("no-such-dir").resolve("replay.sock");
    IOException e = assertThrows(IOException.class, () -> SocketPath.prepare(missing));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(Files.exists(missing.getParent()));
  }

  @Test
  void regularFileWhereTheDirectoryShouldBeIsNamed() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "precious");
    for (Path p : List.of(file.resolve("replay.sock"), file.resolve("sub/deeper/replay.sock"))) {
      IOException e = assertThrows(IOException.class, () -> SocketPath.prepare(p));
      assertEquals(file + " in --unix " + p + " is not a directory", e.getMessage());
    }
    assertEquals("precious", Files.readString(file));
  }

  @Test
  void unreachableDirectoryIsNamed() throws IOException {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reaches anything");
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      Path p = locked.resolve("sub/replay.sock");
      IOException e = assertThrows(IOException.class, () -> SocketPath.prepare(p));
      assertTrue(e.getMessage().contains("permission denied on " + locked), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
