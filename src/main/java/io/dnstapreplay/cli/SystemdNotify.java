// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * SystemdNotify speaks systemd's readiness protocol ({@code Type=notify}, sd_notify(3)): one
 * datagram to the Unix socket named by {@code $NOTIFY_SOCKET}. Saying READY only once the Frame
 * Streams socket listens is what makes {@code Before=knot.service} in the unit mean something: the
 * DNS server starts when it can connect, instead of dropping what it logs until it retries. Outside
 * systemd (no variable) it does nothing.
 */
final class SystemdNotify {
  static final String VARIABLE = "NOTIFY_SOCKET";

  private final String socket;

  private SystemdNotify(String socket) {
    this.socket = socket;
  }

  static SystemdNotify fromEnvironment(Map<String, String> environment) {
    return new SystemdNotify(environment.get(VARIABLE));
  }

  /** Tells systemd the daemon is up. */
  void ready(String status) throws IOException {
    send("READY=1\nSTATUS=" + status + "\n");
  }

  /** Tells systemd the daemon is stopping (the drain may take up to --timeout). */
  void stopping() throws IOException {
    send("STOPPING=1\nSTATUS=draining\n");
  }

  private void send(String message) throws IOException {
    if (socket == null || socket.isEmpty()) {
      return;
    }
    Epoll.ensureAvailability();
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    // "@name" is a name in the abstract namespace: a leading NUL byte on the wire
    byte[] path =
        (socket.startsWith("@") ? "\0" + socket.substring(1) : socket)
            .getBytes(StandardCharsets.UTF_8);
    Socket s = Socket.newSocketDomainDgram();
    try {
      s.sendToDomainSocket(buffer, 0, bytes.length, path);
    } finally {
      s.close();
    }
  }
}
