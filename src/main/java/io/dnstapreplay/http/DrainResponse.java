// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import io.dnstapreplay.framestream.ControlFrame;
import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.framestream.FrameStreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.function.Consumer;

/**
 * DrainResponse streams a {@link io.dnstapreplay.report.RecordBuffer} as a unidirectional Frame
 * Streams file in HTTP chunks: START, one data frame per record, STOP.
 *
 * <p>It drains what the buffer held when the request arrived, never more, so a steady flow of new
 * failures cannot make a response endless. Records are taken one chunk at a time and only after the
 * previous chunk was written, so memory stays at one chunk (about {@link #CHUNK_BYTES}) however
 * large the buffer; a chunk whose write fails is put back for the next reader, so no record is lost
 * or delivered twice.
 */
final class DrainResponse {
  static final String CONTENT_TYPE = "application/octet-stream";

  /** Records per HTTP chunk, at most. */
  static final int RECORDS_PER_CHUNK = 256;

  /** A chunk ends with the record that reaches this size, so it holds at most one record more. */
  static final int CHUNK_BYTES = 64 * 1024;

  private final ChannelHandlerContext ctx;
  private final Routes.Drain drain;
  private final boolean keepAlive;
  private final Consumer<ChannelHandlerContext> done;
  private int remaining;

  DrainResponse(
      ChannelHandlerContext ctx,
      Routes.Drain drain,
      boolean keepAlive,
      Consumer<ChannelHandlerContext> done) {
    this.ctx = ctx;
    this.drain = drain;
    this.keepAlive = keepAlive;
    this.done = done;
  }

  void start() {
    remaining = drain.buffer().size();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    HttpUtil.setKeepAlive(head, keepAlive);
    ctx.write(head);
    ByteBuf start = ctx.alloc().buffer();
    ControlFrame.start(FrameStreams.DNSTAP_CONTENT_TYPE).encodeTo(start);
    ctx.write(new DefaultHttpContent(start));
    next();
  }

  private void next() {
    List<byte[]> records = drain.buffer().take(Math.min(remaining, RECORDS_PER_CHUNK), CHUNK_BYTES);
    if (records.isEmpty()) {
      finish();
      return;
    }
    remaining -= records.size();
    int size = 0;
    for (byte[] r : records) {
      size += FrameStreamWriter.dataFrameLength(r.length);
    }
    // A heap chunk written once and handed to the socket: pooling buys nothing here.
    ByteBuf chunk = Unpooled.buffer(size);
    for (byte[] r : records) {
      FrameStreamWriter.writeDataFrame(chunk, r);
    }
    ctx.writeAndFlush(new DefaultHttpContent(chunk))
        .addListener(
            f -> {
              if (f.isSuccess()) {
                drain.delivered().increment(records.size());
                next();
              } else {
                drain.buffer().putBack(records);
                ctx.close();
              }
            });
  }

  private void finish() {
    ControlFrame stopFrame = ControlFrame.stop();
    ByteBuf stop = ctx.alloc().buffer(stopFrame.encodedLength());
    stopFrame.encodeTo(stop);
    var f = ctx.writeAndFlush(new DefaultLastHttpContent(stop));
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    done.accept(ctx);
  }
}
