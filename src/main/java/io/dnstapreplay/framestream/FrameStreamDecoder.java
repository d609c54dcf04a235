// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.ObjectUtil;
import java.util.List;

/**
 * Splits a Frame Streams byte stream into {@link ControlFrame}s and data frame payloads.
 *
 * <pre>
 * data frame:     | length L, 1..max (u32) | payload (L bytes)                             |
 * control frame:  | 0 (u32) | length C, 4..512 (u32) | type (u32) | fields (C - 4 bytes)  |
 * field:          | field type 1 (u32) | length N, 0..256 (u32) | content type (N bytes)  |
 * </pre>
 *
 * All integers are big-endian.
 *
 * <p>A data frame is passed on as a retained slice of exactly its payload: the next handler owns it
 * and must release it. Lengths are checked as soon as their word arrives, so an absurd length fails
 * at once instead of making us buffer its body. After the first {@link FrameStreamException} the
 * decoder discards all input and emits nothing more, so the handler that sees the exception can
 * close the connection without acting on later bytes. Input that ends inside a frame fails with
 * {@link Reason#TRUNCATED}. Stateful: one instance per channel.
 */
public final class FrameStreamDecoder extends ByteToMessageDecoder {
  private static final int CONTROL_HEADER_LENGTH = 2 * Integer.BYTES;

  private final int maxDataFrameLength;
  private boolean failed;

  /**
   * @param maxDataFrameLength the longest data frame payload accepted, e.g. {@link
   *     FrameStreams#DEFAULT_MAX_DATA_FRAME_LENGTH}
   */
  public FrameStreamDecoder(int maxDataFrameLength) {
    this.maxDataFrameLength = ObjectUtil.checkPositive(maxDataFrameLength, "maxDataFrameLength");
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      decodeFrame(in, out);
    } catch (FrameStreamException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  /** Decodes one frame if it is complete; otherwise leaves {@code in} untouched. */
  private void decodeFrame(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < Integer.BYTES) {
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length != FrameStreams.ESCAPE) {
      FrameStreams.checkDataFrameLength(length, maxDataFrameLength);
      if (in.readableBytes() >= Integer.BYTES + length) {
        in.skipBytes(Integer.BYTES);
        out.add(in.readRetainedSlice((int) length));
      }
      return;
    }
    if (in.readableBytes() < CONTROL_HEADER_LENGTH) {
      return;
    }
    long controlLength = in.getUnsignedInt(in.readerIndex() + Integer.BYTES);
    FrameStreams.checkControlFrameLength(controlLength);
    if (in.readableBytes() >= CONTROL_HEADER_LENGTH + controlLength) {
      in.skipBytes(CONTROL_HEADER_LENGTH);
      out.add(ControlFrame.decodePayload(in.readSlice((int) controlLength)));
    }
  }

  /** Runs after every complete frame has been decoded: what is left is a truncated frame. */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int leftover = in.readableBytes();
    in.skipBytes(leftover);
    if (!failed && leftover > 0) {
      failed = true;
      throw new FrameStreamException(
          Reason.TRUNCATED, "input ended inside a frame, " + leftover + " bytes into it");
    }
  }
}
