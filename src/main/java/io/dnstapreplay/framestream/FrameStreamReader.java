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
 * Reads the data frames of unidirectional Frame Streams input (a dnstap file, an HTTP body, stdin).
 *
 * <p>It takes what the original's tools take from a file, which read frames with no state: an empty
 * input, data frames before or without a START, and START frames anywhere (their content type is
 * not checked); reading ends at the end of the input or at a STOP, and what follows a STOP is
 * ignored. Going further, when what follows a STOP begins with a START frame, it is read as the
 * next stream of a concatenation ({@code cat a.tap b.tap}).
 *
 * <p>Broken input is still an error, as there: a frame cut short by the end of the input, a data or
 * control frame outside the limits, an unknown control type, and READY, ACCEPT or FINISH, which
 * have no place in a file. Every error is a {@link FrameStreamException} whose message names the
 * byte offset where the offending frame starts; after one the reader throws it again. Not
 * thread-safe.
 */
public final class FrameStreamReader implements Closeable {
  private static final int CONTROL_HEADER = 2 * Integer.BYTES;

  private final InputStream in;
  private final int maxDataFrameLength;
  private final byte[] word = new byte[Integer.BYTES];
  private long offset;
  private long frameOffset;
  private boolean ended;
  private Optional<String> contentType = Optional.empty();
  private FrameStreamException failure;

  /** Reads nothing yet. */
  public FrameStreamReader(InputStream in, int maxDataFrameLength) {
    this.in = new BufferedInputStream(Objects.requireNonNull(in, "in"));
    this.maxDataFrameLength = ObjectUtil.checkPositive(maxDataFrameLength, "maxDataFrameLength");
  }

  /**
   * Returns the content type of the last START frame read, if it had a well-formed one; it is not
   * checked (the original does not read it).
   */
  public Optional<String> contentType() {
    return contentType;
  }

  /** Returns the byte offset where the frame {@link #next()} read last starts. */
  public long frameOffset() {
    return frameOffset;
  }

  /**
   * Returns the next data frame payload, or null at the end of the input (or of what is read of
   * it).
   *
   * @throws FrameStreamException if the next frame is malformed, too large, truncated, or not
   *     allowed here
   */
  public byte[] next() throws IOException {
    if (failure != null) {
      throw failure;
    }
    try {
      while (!ended) {
        byte[] data = readFrame();
        if (data != null) {
          return data;
        }
      }
      return null;
    } catch (FrameStreamException e) {
      failure =
          new FrameStreamException(
              e.reason(), "frame at byte offset " + frameOffset + ": " + e.getMessage(), e);
      throw failure;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads one frame: returns a data frame's payload, or null after a control frame or the end. */
  private byte[] readFrame() throws IOException {
    frameOffset = offset;
    long length = readWord("frame length", true);
    if (length < 0) {
      ended = true;
      return null;
    }
    if (length != FrameStreams.ESCAPE) {
      FrameStreams.checkDataFrameLength(length, maxDataFrameLength);
      return readBytes((int) length, "data frame");
    }
    long controlLength = readWord("control frame length", false);
    FrameStreams.checkControlFrameLength(controlLength);
    byte[] control = readBytes((int) controlLength, "control frame");
    ControlType type = ControlType.fromCode(intAt(control, 0));
    switch (type) {
      case START -> contentType = contentTypeOf(control);
      case STOP -> ended = !startFollows();
      default ->
          throw new FrameStreamException(
              Reason.UNEXPECTED_FRAME, type + " frame inside a unidirectional stream");
    }
    return null;
  }

  private static Optional<String> contentTypeOf(byte[] control) {
    ByteBuf payload = Unpooled.wrappedBuffer(control);
    try {
      return ControlFrame.decodePayload(payload).contentType();
    } catch (FrameStreamException malformed) {
      return Optional.empty();
    } finally {
      payload.release();
    }
  }

  /**
   * Whether the input goes on with a START frame, as in a concatenation of files. Looks ahead
   * without consuming anything.
   */
  private boolean startFollows() throws IOException {
    in.mark(3 * Integer.BYTES);
    byte[] head = in.readNBytes(3 * Integer.BYTES);
    in.reset();
    return head.length == 3 * Integer.BYTES
        && intAt(head, 0) == FrameStreams.ESCAPE
        && intAt(head, CONTROL_HEADER) == ControlType.START.code();
  }

  private static int intAt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
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
    return Integer.toUnsignedLong(intAt(word, 0));
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
}
