// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.framestream.ControlFrame;
import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.framestream.FrameStreams;
import io.netty.buffer.ByteBuf;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * DrainResponse streams a {@link io.dnstapreplay.report.RecordBuffer} as a unidirectional Frame
 * Streams file in HTTP chunks: START, one data frame per record, STOP.
 *
 * <p>It drains what the buffer held when the request arrived, never more, so a steady flow of new
 * failures cannot make a response endless. Records are taken a batch at a time (about {@link
 * #BATCH_BYTES}) and only after the previous batch was written, so memory stays at one batch
 * however large the buffer.
 *
 * <p>Each record is its own HTTP chunk with its own write promise, so exactly the records whose
 * bytes reached the socket are counted as handed out and leave the buffer; when the connection
 * fails or is closed, the others of the batch (a record cut in the middle included) go back to the
 * buffer for the next reader. So no record is lost or delivered twice, whatever the client does.
 */
final class DrainResponse {
  static final String CONTENT_TYPE = "application/octet-stream";

  /** Records per batch, at most. */
  static final int RECORDS_PER_BATCH = 256;

  /** A batch ends with the record that reaches this size, so it holds at most one record more. */
  static final int BATCH_BYTES = 64 * 1024;

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
    remaining = drain.buffer().waiting();
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
    List<byte[]> records = drain.buffer().take(Math.min(remaining, RECORDS_PER_BATCH), BATCH_BYTES);
    if (records.isEmpty()) {
      finish();
      return;
    }
    remaining -= records.size();
    Batch batch = new Batch(records);
    for (int i = 0; i < records.size(); i++) {
      byte[] r = records.get(i);
      // Direct, so that the socket writes it without another copy.
      ByteBuf frame = ctx.alloc().directBuffer(FrameStreamWriter.dataFrameLength(r.length));
      FrameStreamWriter.writeDataFrame(frame, r);
      int index = i;
      // Netty would only log what a listener throws.
      ctx.write(new DefaultHttpContent(frame))
          .addListener(f -> FatalErrors.guard(() -> batch.settle(index, f.isSuccess())).run());
    }
    ctx.flush();
  }

  /**
   * One batch's records and what became of each write. Its listeners run on the channel's event
   * loop, one per record, in any order; the last one decides: all written, the next batch; else the
   * unwritten go back and the connection is closed.
   */
  private final class Batch {
    private final List<byte[]> records;
    private final boolean[] written;
    private int settled;

    Batch(List<byte[]> records) {
      this.records = records;
      this.written = new boolean[records.size()];
    }

    void settle(int index, boolean success) {
      if (success) {
        written[index] = true;
        drain.buffer().delivered(records.get(index));
        drain.delivered().increment();
      }
      if (++settled < records.size()) {
        return;
      }
      List<byte[]> unwritten = new ArrayList<>();
      for (int i = 0; i < written.length; i++) {
        if (!written[i]) {
          unwritten.add(records.get(i));
        }
      }
      if (unwritten.isEmpty()) {
        next();
      } else {
        drain.buffer().putBack(unwritten);
        ctx.close();
      }
    }
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
