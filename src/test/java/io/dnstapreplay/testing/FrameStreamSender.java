// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.framestream.ControlFrame;
import io.dnstapreplay.framestream.ControlType;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FrameStreamSender plays a DNS server's dnstap writer on a Unix socket (READY, ACCEPT, START, data
 * frames, STOP, FINISH), so a test can feed a daemon, including one in another process, without
 * external tools.
 */
public final class FrameStreamSender {
  private FrameStreamSender() {}

  /** Sends {@code payloads} in one bidirectional session and waits for the receiver's FINISH. */
  public static void send(Path socket, List<byte[]> payloads) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
      DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
      writeControl(out, ControlFrame.ready(List.of(FrameStreams.DNSTAP_CONTENT_TYPE)));
      expectControl(in, ControlType.ACCEPT);
      writeControl(out, ControlFrame.start(FrameStreams.DNSTAP_CONTENT_TYPE));
      for (byte[] p : payloads) {
        out.writeInt(p.length);
        out.write(p);
      }
      writeControl(out, ControlFrame.stop());
      out.flush();
      expectControl(in, ControlType.FINISH);
    }
  }

  /** The data frames of a Frame Streams file, e.g. {@link KnotCapture#path()}. */
  public static List<byte[]> readFile(Path file) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        FrameStreamReader r =
            new FrameStreamReader(in, FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      for (byte[] f; (f = r.next()) != null; ) {
        frames.add(f);
      }
    }
    return frames;
  }

  private static void writeControl(DataOutputStream out, ControlFrame frame) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      frame.encodeTo(buf);
      buf.readBytes(out, buf.readableBytes());
    } finally {
      buf.release();
    }
    out.flush();
  }

  private static void expectControl(DataInputStream in, ControlType type) throws IOException {
    if (in.readInt() != FrameStreams.ESCAPE) {
      throw new IOException("expected a control frame");
    }
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    ByteBuf buf = Unpooled.wrappedBuffer(payload);
    ControlType got = ControlFrame.decodePayload(buf).type();
    if (got != type) {
      throw new IOException("expected " + type + ", got " + got);
    }
  }
}
