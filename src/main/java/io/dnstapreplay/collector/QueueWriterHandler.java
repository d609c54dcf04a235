// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.queue.PayloadQueue;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * QueueWriterHandler hands decoded messages to the replay stage and applies backpressure: when the
 * queue is full it switches this connection's autoRead off and resumes it when the queue has room.
 * It never blocks the event loop.
 *
 * <p>Messages decoded from bytes already read when the queue filled up wait in a local queue. That
 * queue is bounded by one socket read plus one partial frame, and it survives the connection: a
 * sender that sent STOP and left still gets every payload it sent replayed.
 *
 * @param <T> the message type
 */
public final class QueueWriterHandler<T> extends ChannelInboundHandlerAdapter {
  private final PayloadQueue<T> queue;
  private final Class<T> type;
  private final ArrayDeque<T> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;

  public QueueWriterHandler(PayloadQueue<T> queue, Class<T> type) {
    this.queue = queue;
    this.type = type;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!type.isInstance(msg)) {
      ctx.fireChannelRead(msg);
      return;
    }
    T item = type.cast(msg);
    if (pending.isEmpty() && queue.offer(item)) {
      return;
    }
    pending.add(item);
    queue.heldByProducers(1);
    if (pending.size() == 1) {
      ctx.channel().config().setAutoRead(false);
      queue.onSpace(this::scheduleResume);
    }
  }

  private void scheduleResume() {
    try {
      ctx.executor().execute(this::resume);
    } catch (RejectedExecutionException e) {
      // The event loop is already shut down with the daemon; the replay stage has stopped too.
    }
  }

  private void resume() {
    while (!pending.isEmpty() && queue.offer(pending.peek())) {
      pending.poll();
      queue.heldByProducers(-1);
    }
    if (pending.isEmpty()) {
      ctx.channel().config().setAutoRead(true);
    } else {
      queue.onSpace(this::scheduleResume);
    }
  }

  /** Messages waiting for room in the queue; for tests and gauges. */
  int pending() {
    return pending.size();
  }
}
