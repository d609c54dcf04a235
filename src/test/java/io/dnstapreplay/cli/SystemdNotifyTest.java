// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datagrams systemd would receive, on a socket of our own. */
class SystemdNotifyTest {
  @TempDir Path dir;

  @BeforeAll
  static void natives() {
    Epoll.ensureAvailability();
  }

  /** The one datagram waiting on {@code s} (the sender has finished before this is called). */
  private static String receive(Socket s) throws Exception {
    ByteBuffer buffer = ByteBuffer.allocateDirect(512);
    DomainDatagramSocketAddress from = s.recvFromDomainSocket(buffer, 0, buffer.capacity());
    if (from == null) {
      throw new AssertionError("no datagram");
    }
    byte[] bytes = new byte[from.receivedAmount()];
    buffer.get(0, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void readyAndStoppingReachTheSocketInTheVariable() throws Exception {
    Path path = dir.resolve("notify");
    Socket systemd = Socket.newSocketDomainDgram();
    try {
      systemd.bind(new DomainSocketAddress(path.toFile()));
      SystemdNotify n =
          SystemdNotify.fromEnvironment(Map.of(SystemdNotify.VARIABLE, path.toString()));
      n.ready("replaying");
      assertEquals("READY=1\nSTATUS=replaying\n", receive(systemd));
      n.stopping();
      assertEquals("STOPPING=1\nSTATUS=draining\n", receive(systemd));
    } finally {
      systemd.close();
    }
  }

  @Test
  void abstractNamesStartWithAt() throws Exception {
    String name = "dnstap-replay-test-" + ProcessHandle.current().pid();
    Socket systemd = Socket.newSocketDomainDgram();
    try {
      systemd.bind(new DomainSocketAddress("\0" + name));
      SystemdNotify.fromEnvironment(Map.of(SystemdNotify.VARIABLE, "@" + name)).ready("x");
      assertEquals("READY=1\nSTATUS=x\n", receive(systemd));
    } finally {
      systemd.close();
    }
  }

  @Test
  void withoutTheVariableNothingIsSent() throws Exception {
    SystemdNotify.fromEnvironment(Map.of()).ready("x");
    SystemdNotify.fromEnvironment(Map.of(SystemdNotify.VARIABLE, "")).stopping();
  }
}
