// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link ControlFrame}s to the wire. A receiver only ever sends control frames (ACCEPT and
 * FINISH), so data frames have no encoder. Stateless: share {@link #INSTANCE}.
 */
@Sharable
public final class FrameStreamEncoder extends MessageToByteEncoder<ControlFrame> {
  public static final FrameStreamEncoder INSTANCE = new FrameStreamEncoder();

  private FrameStreamEncoder() {
    super(ControlFrame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ControlFrame frame, ByteBuf out) {
    frame.encodeTo(out);
  }
}
