// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;

/**
 * Peers names a Frame Streams sender in log lines. Unix socket peers have no address, so the
 * kernel's peer credentials (pid, uid) are what tells an operator which DNS server misbehaved.
 */
final class Peers {
  private Peers() {}

  static String describe(Channel ch) {
    String id = "fstrm " + ch.id().asShortText();
    if (ch instanceof EpollDomainSocketChannel unix && unix.isOpen()) {
      try {
        PeerCredentials cred = unix.peerCredentials();
        return id + " (pid " + cred.pid() + ", uid " + cred.uid() + ")";
      } catch (java.io.IOException e) {
        return id;
      }
    }
    return ch.remoteAddress() == null ? id : id + " (" + ch.remoteAddress() + ")";
  }
}
