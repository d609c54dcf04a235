// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.ObjectUtil;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a unidirectional Frame Streams stream (a dnstap file, an HTTP body, stdin): START, data
 * frames, STOP.
 *
 * <p>Strict, so that a damaged capture is noticed rather than half replayed: every violation is a
 * {@link FrameStreamException} whose message names the byte offset where the offending frame
 * starts, no frame is skipped, and bytes after STOP are an error. After an exception the reader
 * throws the same exception again. Not thread-safe.
 */
public final class FrameStreamReader implements Closeable {
  private final InputStream in;
  private final int maxDataFrameLength;
  private final byte[] word = new byte[Integer.BYTES];
  private final Optional<String> contentType;
  private long offset;
  private long frameOffset;
  private boolean stopped;
  private FrameStreamException failure;

  /**
   * Reads the START frame. If this throws, closing {@code in} is up to the caller.
   *
   * @throws FrameStreamException if the stream does not begin with a valid START control frame
   */
  public FrameStreamReader(InputStream in, int maxDataFrameLength) throws IOException {
    this.in = new BufferedInputStream(Objects.requireNonNull(in, "in"));
    this.maxDataFrameLength = ObjectUtil.checkPositive(maxDataFrameLength, "maxDataFrameLength");
    try {
      this.contentType = readStart().contentType();
    } catch (FrameStreamException e) {
      throw located(e);
    }
  }

  /** Returns the content type announced by START, if any. */
  public Optional<String> contentType() {
    return contentType;
  }

  /** Returns how many bytes have been consumed: the offset of the next frame. */
  public long offset() {
    return offset;
  }

  /**
   * Returns the next data frame payload, or null after STOP or at the end of input between frames.
   *
   * @throws FrameStreamException if the next frame is malformed, too large, truncated, or not
   *     allowed here
   */
  public byte[] next() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (stopped) {
      return null;
    }
    try {
      return readDataOrStop();
    } catch (FrameStreamException e) {
      throw located(e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private ControlFrame readStart() throws IOException {
    frameOffset = offset;
    long length = readWord("frame length", true);
    if (length < 0) {
      throw new FrameStreamException(Reason.TRUNCATED, "empty input, expected a START frame");
    }
    if (length != FrameStreams.ESCAPE) {
      throw new FrameStreamException(
          Reason.UNEXPECTED_FRAME, "data frame where a START frame was expected");
    }
    ControlFrame start = readControlFrame();
    if (start.type() != ControlType.START) {
      throw new FrameStreamException(
          Reason.UNEXPECTED_FRAME, start.type() + " frame where a START frame was expected");
    }
    return start;
  }

  private byte[] readDataOrStop() throws IOException {
    frameOffset = offset;
    long length = readWord("frame length", true);
    if (length < 0) {
      stopped = true;
      return null;
    }
    if (length != FrameStreams.ESCAPE) {
      FrameStreams.checkDataFrameLength(length, maxDataFrameLength);
      return readBytes((int) length, "data frame");
    }
    ControlFrame frame = readControlFrame();
    if (frame.type() != ControlType.STOP) {
      throw new FrameStreamException(
          Reason.UNEXPECTED_FRAME, frame.type() + " frame inside a unidirectional stream");
    }
    stopped = true;
    frameOffset = offset;
    if (in.read() >= 0) {
      offset++;
      throw new FrameStreamException(Reason.UNEXPECTED_FRAME, "data after the STOP frame");
    }
    return null;
  }

  private ControlFrame readControlFrame() throws IOException {
    long length = readWord("control frame length", false);
    FrameStreams.checkControlFrameLength(length);
    ByteBuf payload = Unpooled.wrappedBuffer(readBytes((int) length, "control frame"));
    try {
      return ControlFrame.decodePayload(payload);
    } finally {
      payload.release();
    }
  }

  /** Reads a big-endian u32; returns -1 at the end of input if {@code endAllowed}. */
  private long readWord(String what, boolean endAllowed) throws IOException {
    int read = in.readNBytes(word, 0, Integer.BYTES);
    offset += read;
    if (read == 0 && endAllowed) {
      return -1;
    }
    if (read < Integer.BYTES) {
      throw new FrameStreamException(
          Reason.TRUNCATED, "input ends inside the " + what + " after " + read + " bytes");
    }
    return Integer.toUnsignedLong(
        (word[0] & 0xff) << 24 | (word[1] & 0xff) << 16 | (word[2] & 0xff) << 8 | word[3] & 0xff);
  }

  private byte[] readBytes(int length, String what) throws IOException {
    byte[] bytes = new byte[length];
    int read = in.readNBytes(bytes, 0, length);
    offset += read;
    if (read < length) {
      throw new FrameStreamException(
          Reason.TRUNCATED,
          "input ends inside the " + what + " after " + read + " of " + length + " bytes");
    }
    return bytes;
  }

  private FrameStreamException located(FrameStreamException e) {
    failure =
        new FrameStreamException(
            e.reason(), "frame at byte offset " + frameOffset + ": " + e.getMessage(), e);
    return failure;
  }
}
