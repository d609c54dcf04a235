// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.testing.UncaughtCapture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueueWriterHandlerTest {
  @Test
  void fullQueuePausesReadingAndRoomResumesItWithoutLosingOrder() throws Exception {
    PayloadQueue<String> queue = new PayloadQueue<>(4);
    QueueWriterHandler<String> writer = new QueueWriterHandler<>(queue, String.class);
    EmbeddedChannel ch = new EmbeddedChannel(writer);
    for (int i = 0; i < 7; i++) {
      ch.writeInbound("m" + i);
    }
    assertFalse(ch.config().isAutoRead());
    assertEquals(3, writer.pending());
    assertEquals(4, queue.size());

    List<String> out = new ArrayList<>();
    queue.drainTo(out, 4, 0, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    assertEquals(0, writer.pending());
    assertTrue(ch.config().isAutoRead());
    queue.drainTo(out, 4, 0, TimeUnit.MILLISECONDS);
    assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6"), out);
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void pendingMessagesOutliveTheConnection() throws Exception {
    PayloadQueue<String> queue = new PayloadQueue<>(1);
    QueueWriterHandler<String> writer = new QueueWriterHandler<>(queue, String.class);
    EmbeddedChannel ch = new EmbeddedChannel(writer);
    ch.writeInbound("a");
    ch.writeInbound("b");
    ch.close();
    List<String> out = new ArrayList<>();
    queue.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    queue.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    assertEquals(List.of("a", "b"), out);
    ch.finishAndReleaseAll();
  }

  @Test
  void theQueueKnowsWhatPausedProducersHoldUntilTheyHandItOver() throws Exception {
    PayloadQueue<String> queue = new PayloadQueue<>(1);
    EmbeddedChannel ch = new EmbeddedChannel(new QueueWriterHandler<>(queue, String.class));
    ch.writeInbound("a");
    ch.writeInbound("b");
    ch.writeInbound("c");
    assertEquals(2, queue.heldByProducers());
    List<String> out = new ArrayList<>();
    queue.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    assertFalse(queue.isDrained(), "the queue is empty but b and c are on their way");
    ch.runPendingTasks();
    queue.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    queue.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    assertTrue(queue.isDrained());
    assertEquals(List.of("a", "b", "c"), out);
    ch.finishAndReleaseAll();
  }

  @Test
  void otherMessagesPassThrough() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new QueueWriterHandler<>(new PayloadQueue<String>(1), String.class));
    ch.writeInbound(42);
    assertEquals(Integer.valueOf(42), ch.readInbound());
    assertFalse(ch.finishAndReleaseAll());
  }

  /**
   * Last in the pipeline, it reports an Error thrown after the handshake (by the decoder), and
   * passes it on (EmbeddedChannel rethrows it).
   */
  @Test
  void anErrorAfterTheHandshakeHandlerIsFatal() {
    StackOverflowError error = new StackOverflowError();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                throw error;
              }
            },
            new QueueWriterHandler<>(new PayloadQueue<>(1), String.class));
    try (UncaughtCapture uncaught = UncaughtCapture.onThisThread()) {
      assertSame(error, assertThrows(StackOverflowError.class, () -> ch.writeInbound("frame")));
      assertEquals(List.of(error), uncaught.errors());
    }
    ch.finishAndReleaseAll();
  }
}
