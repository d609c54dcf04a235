// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A drain's bookkeeping, one write at a time: the socket is played by a handler that holds every
 * write until the test says it was written or failed.
 */
class DrainResponseTest {
  private static final int SIZE = 60_000;

  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(1000);
  private final HeldWrites socket = new HeldWrites();
  private final EmbeddedChannel ch =
      new EmbeddedChannel(
          socket, new HttpRequestHandler(new Routes(metrics, errors, new RecordBuffer(1))));

  /** Keeps each write and its promise; the test completes them in order. */
  private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
    record Write(Object msg, ChannelPromise promise) {}

    final ArrayDeque<Write> writes = new ArrayDeque<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      writes.add(new Write(msg, promise));
    }

    /** Completes the oldest write; returns the record id it carried, or -1 for other writes. */
    int complete(boolean success) {
      Write w = writes.poll();
      int id = -1;
      if (w.msg instanceof HttpContent c
          && !(w.msg instanceof LastHttpContent)
          && c.content().readableBytes() == SIZE + 4) {
        ByteBuf b = c.content();
        id = b.getInt(b.readerIndex() + 4);
      }
      ReferenceCountUtil.release(w.msg);
      if (success) {
        w.promise.setSuccess();
      } else {
        w.promise.setFailure(new IOException("connection reset"));
      }
      return id;
    }
  }

  @AfterEach
  void finish() {
    while (!socket.writes.isEmpty()) {
      socket.complete(false);
    }
    ch.finishAndReleaseAll();
  }

  private static byte[] record(int id) {
    byte[] r = new byte[SIZE];
    ByteBuffer.wrap(r).putInt(id);
    return r;
  }

  private void offer(int n) {
    for (int i = 0; i < n; i++) {
      assertTrue(errors.offer(record(i)));
    }
  }

  private void get() {
    ch.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, Routes.ERRORS));
  }

  private int taken() {
    return errors.size() - errors.waiting();
  }

  private double handedOut() {
    return metrics.errorRxSuccess.count();
  }

  /**
   * However large the records, a drain holds one batch of them: the next is taken only once the
   * last was written. With 60 KB records a batch is two (the second reaches 64 KiB).
   */
  @Test
  void theNextBatchIsTakenOnlyOnceThePreviousWasWritten() {
    offer(10);
    get();
    socket.complete(true); // response head
    socket.complete(true); // START
    List<Integer> delivered = new ArrayList<>();
    while (delivered.size() < 10) {
      assertTrue(taken() <= 2, taken() + " records held by the drain");
      assertEquals(taken(), socket.writes.size(), "one write per record taken");
      delivered.add(socket.complete(true));
      assertEquals(delivered.size(), handedOut());
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), delivered);
    assertEquals(0, errors.size());
    assertTrue(socket.writes.peek().msg instanceof LastHttpContent, "STOP ends it");
  }

  /** A batch cut after its first record: that one is handed out, the other goes back. */
  @Test
  void aPartlyWrittenBatchPutsBackOnlyTheUnwrittenRecords() {
    offer(4);
    get();
    socket.complete(true);
    socket.complete(true);
    assertEquals(0, socket.complete(true));
    assertEquals(1, socket.complete(false));
    assertEquals(1, handedOut());
    assertFalse(ch.isOpen(), "a failed write ends the connection");
    assertEquals(3, errors.size());
    assertEquals(3, errors.waiting(), "nothing left held");
    List<Integer> left = new ArrayList<>();
    for (byte[] r : errors.take(10)) {
      left.add(ByteBuffer.wrap(r).getInt());
    }
    assertEquals(List.of(1, 2, 3), left, "put back in order, ahead of the rest");
  }

  /** Completions out of order (which Netty does not do) still settle each record once. */
  @Test
  void eachRecordIsSettledOnceWhateverTheOrderOfItsListeners() {
    offer(2);
    get();
    socket.complete(true);
    socket.complete(true);
    HeldWrites.Write first = socket.writes.poll();
    socket.complete(true);
    ReferenceCountUtil.release(first.msg());
    first.promise().setFailure(new IOException("reset"));
    assertEquals(1, handedOut());
    assertEquals(1, errors.size());
    assertEquals(0, ByteBuffer.wrap(errors.take(1).get(0)).getInt());
  }
}
