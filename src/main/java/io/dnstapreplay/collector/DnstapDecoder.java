// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.fault.RateLimitedLog;
import io.dnstapreplay.metrics.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DnstapDecoder turns each data frame into a {@link Payload}, a copy of its bytes with the fields
 * replay decides on, so that no {@code ByteBuf} leaves the event loop. A frame that is not valid
 * protobuf is counted, logged with a short hex prefix (at most one a {@link
 * RateLimitedLog#INTERVAL}: a sender can send a million), and skipped: one bad payload must not
 * cost the sender its connection or its other frames.
 *
 * <p>Ownership: the data frame is released by {@link MessageToMessageDecoder} after decoding.
 */
@Sharable
public final class DnstapDecoder extends MessageToMessageDecoder<ByteBuf> {
  private static final Logger log = LoggerFactory.getLogger(DnstapDecoder.class);

  /** How much of a bad payload is logged, enough to recognise it without flooding the log. */
  static final int LOGGED_PREFIX_BYTES = 32;

  private final Metrics metrics;
  private final RateLimitedLog warnings = new RateLimitedLog(log);

  public DnstapDecoder(Metrics metrics) {
    super(ByteBuf.class);
    this.metrics = metrics;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    try {
      out.add(Payload.decode(ByteBufUtil.getBytes(frame)));
    } catch (InvalidProtocolBufferException e) {
      metrics.dnstapDecodeErrors.increment();
      int n = Math.min(frame.readableBytes(), LOGGED_PREFIX_BYTES);
      warnings.warn(
          "data frames that are not dnstap",
          "{}: skipping data frame of {} bytes that is not a dnstap message ({}): {}{}",
          Peers.describe(ctx.channel()),
          frame.readableBytes(),
          e.getMessage(),
          ByteBufUtil.hexDump(frame, frame.readerIndex(), n),
          n < frame.readableBytes() ? "..." : "");
    }
  }
}
