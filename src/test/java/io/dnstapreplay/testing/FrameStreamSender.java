// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.framestream.ControlFrame;
import io.dnstapreplay.framestream.ControlType;
import io.dnstapreplay.framestream.FrameStreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * FrameStreamSender plays a DNS server's dnstap writer on a Unix socket or over TCP, so a test can
 * feed a daemon, in this JVM or another, without external tools: a well-behaved sender ({@link
 * #handshake}, {@link #send}, {@link #stop}) and a raw byte pipe for hostile ones ({@link
 * #writeHex}). Data frames are written here from the protocol description, not by the daemon's
 * encoder; control frames use {@link ControlFrame}, whose bytes its own golden tests pin. Every
 * wait is bounded.
 */
public final class FrameStreamSender implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final SocketChannel channel;
  private final Selector selector;

  private FrameStreamSender(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    this.selector = Selector.open();
  }

  /** Connects to a Unix socket and sends nothing yet. */
  public static FrameStreamSender open(Path socket) throws IOException {
    return open(UnixDomainSocketAddress.of(socket));
  }

  /** Connects to a Unix socket or over TCP, and sends nothing yet. */
  public static FrameStreamSender open(SocketAddress address) throws IOException {
    return connect(null, address);
  }

  /** Connects over TCP from the local address {@code from}, and sends nothing yet. */
  public static FrameStreamSender openFrom(InetAddress from, InetSocketAddress address)
      throws IOException {
    return connect(new InetSocketAddress(from, 0), address);
  }

  private static FrameStreamSender connect(InetSocketAddress local, SocketAddress address)
      throws IOException {
    SocketChannel ch =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    try {
      if (local != null) {
        ch.bind(local);
      }
      ch.connect(address);
      return new FrameStreamSender(ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Opens a connection and completes the bidirectional handshake for dnstap. */
  public static FrameStreamSender streaming(Path socket) throws IOException {
    return streaming(UnixDomainSocketAddress.of(socket));
  }

  /** As {@link #streaming(Path)}, to a Unix socket or over TCP. */
  public static FrameStreamSender streaming(SocketAddress address) throws IOException {
    FrameStreamSender c = open(address);
    try {
      c.handshake();
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** One whole session: handshake, {@code payloads} as data frames, STOP, FINISH, close. */
  public static void sendSession(Path socket, List<byte[]> payloads) throws IOException {
    sendSession(UnixDomainSocketAddress.of(socket), payloads);
  }

  /** As {@link #sendSession(Path, List)}, to a Unix socket or over TCP. */
  public static void sendSession(SocketAddress address, List<byte[]> payloads) throws IOException {
    try (FrameStreamSender c = streaming(address)) {
      c.send(payloads);
      c.stop();
    }
  }

  /** READY offering dnstap, expects ACCEPT of dnstap, then START. */
  public void handshake() throws IOException {
    write(ControlFrame.ready(List.of(FrameStreams.DNSTAP_CONTENT_TYPE)));
    ControlFrame accept = readControl();
    if (accept.type() != ControlType.ACCEPT
        || !accept.contentTypes().equals(List.of(FrameStreams.DNSTAP_CONTENT_TYPE))) {
      throw new IOException("expected ACCEPT of dnstap, got " + accept);
    }
    write(ControlFrame.start(FrameStreams.DNSTAP_CONTENT_TYPE));
  }

  /** Sends each payload as a data frame. */
  public void send(List<byte[]> payloads) throws IOException {
    for (byte[] p : payloads) {
      ByteBuffer b = ByteBuffer.allocate(Integer.BYTES + p.length);
      b.putInt(p.length).put(p).flip();
      writeFully(b);
    }
  }

  /** STOP, expects FINISH and then the daemon closing the connection. */
  public void stop() throws IOException {
    write(ControlFrame.stop());
    ControlFrame finish = readControl();
    if (finish.type() != ControlType.FINISH) {
      throw new IOException("expected FINISH, got " + finish);
    }
    if (!awaitClosedByPeer()) {
      throw new IOException("connection still open after FINISH");
    }
  }

  /** Writes raw bytes given in hex (white space ignored), for senders that break the protocol. */
  public void writeHex(String hex) throws IOException {
    writeFully(ByteBuffer.wrap(HexFormat.of().parseHex(hex.replaceAll("\\s", ""))));
  }

  public void write(ControlFrame frame) throws IOException {
    ByteBuf b = Unpooled.buffer();
    try {
      frame.encodeTo(b);
      writeFully(b.nioBuffer());
    } finally {
      b.release();
    }
  }

  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /** Reads one control frame sent by the daemon. */
  public ControlFrame readControl() throws IOException {
    ByteBuffer header = readFully(2 * Integer.BYTES);
    if (header.getInt() != FrameStreams.ESCAPE) {
      throw new IOException("expected a control frame");
    }
    return ControlFrame.decodePayload(Unpooled.wrappedBuffer(readFully(header.getInt())));
  }

  /**
   * Reads and discards until the daemon closes the connection.
   *
   * @return false if it is still open after {@link #WAIT}
   */
  public boolean awaitClosedByPeer() throws IOException {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        sink.clear();
        if (channel.read(sink) < 0) {
          return true;
        }
        if (!await(SelectionKey.OP_READ, deadline)) {
          return false;
        }
      }
    } catch (IOException reset) {
      return true;
    }
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new IOException("closed by the daemon after " + b.position() + " of " + n);
      }
      if (b.hasRemaining() && !await(SelectionKey.OP_READ, deadline)) {
        throw new IOException("nothing from the daemon within " + WAIT);
      }
    }
    return b.flip();
  }

  private void writeFully(ByteBuffer b) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (b.hasRemaining()) {
      channel.write(b);
      if (b.hasRemaining() && !await(SelectionKey.OP_WRITE, deadline)) {
        throw new IOException("the daemon read nothing within " + WAIT);
      }
    }
  }

  private boolean await(int op, long deadline) throws IOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      return false;
    }
    SelectionKey key = channel.register(selector, op);
    try {
      return selector.select(left) > 0;
    } finally {
      key.cancel();
      selector.selectNow();
    }
  }

  @Override
  public void close() throws IOException {
    try (selector) {
      channel.close();
    }
  }
}
