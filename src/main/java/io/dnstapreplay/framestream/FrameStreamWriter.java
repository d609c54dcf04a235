// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes a unidirectional Frame Streams stream (START, data frames, STOP): the format of dnstap
 * files and of the daemon's HTTP dumps. Output is buffered; {@link #close()} completes the stream
 * and closes the underlying one. Not thread-safe.
 */
public final class FrameStreamWriter implements Closeable, Flushable {
  private final DataOutputStream out;
  private boolean closed;

  /**
   * Writes the START frame.
   *
   * @param contentType the stream's content type, or null for none
   */
  public FrameStreamWriter(OutputStream out, String contentType) throws IOException {
    this.out = new DataOutputStream(new BufferedOutputStream(Objects.requireNonNull(out, "out")));
    writeControlFrame(ControlFrame.start(contentType));
  }

  /**
   * Writes one data frame.
   *
   * @throws IllegalArgumentException if the payload is empty, which the wire cannot express
   */
  public void write(byte[] payload) throws IOException {
    write(payload, 0, payload.length);
  }

  /** Writes {@code len} bytes of {@code b} from {@code off} as one data frame. */
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkPayloadLength(len);
    ensureOpen();
    out.writeInt(len);
    out.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    ensureOpen();
    out.flush();
  }

  /** Writes STOP, flushes and closes the underlying stream. Does nothing when already closed. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (out) {
      writeControlFrame(ControlFrame.stop());
    }
  }

  /**
   * Appends one data frame (length word and payload) to {@code out}, for code that builds a stream
   * in a Netty buffer.
   *
   * @throws IllegalArgumentException if the payload is empty
   */
  public static void writeDataFrame(ByteBuf out, byte[] payload) {
    checkPayloadLength(payload.length);
    out.writeInt(payload.length).writeBytes(payload);
  }

  /** Bytes {@link #writeDataFrame} writes for a payload of {@code payloadLength} bytes. */
  public static int dataFrameLength(int payloadLength) {
    return Integer.BYTES + payloadLength;
  }

  private static void checkPayloadLength(int length) {
    if (length == 0) {
      throw new IllegalArgumentException(
          "a data frame cannot be empty: a zero length word is the control frame escape");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
  }

  private void writeControlFrame(ControlFrame frame) throws IOException {
    ByteBuf encoded = Unpooled.buffer();
    try {
      frame.encodeTo(encoded);
      encoded.readBytes(out, encoded.readableBytes());
    } finally {
      encoded.release();
    }
  }
}
