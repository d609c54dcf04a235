// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.fault.FatalErrors;
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
 * <p>Messages decoded from one socket read are handed over together when the read completes, so the
 * replay stage is woken once per read rather than once per message. What does not fit waits in a
 * local queue, bounded by one socket read plus one partial frame, that survives the connection: a
 * sender that sent STOP and left still gets every payload it sent replayed. Every message held here
 * is reported to the queue ({@link PayloadQueue#heldByProducers}), so that shutdown waits for it.
 *
 * @param <T> the message type
 */
public final class QueueWriterHandler<T> extends ChannelInboundHandlerAdapter {
  private final PayloadQueue<T> queue;
  private final Class<T> type;
  private final ArrayDeque<T> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean parked;

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
    pending.add(type.cast(msg));
    queue.heldByProducers(1);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    handOver();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    handOver();
    super.channelInactive(ctx);
  }

  /** Moves what fits into the queue; parks this connection while anything is left. */
  private void handOver() {
    if (parked || pending.isEmpty()) {
      return;
    }
    queue.heldByProducers(-queue.offerAll(pending));
    if (!pending.isEmpty()) {
      parked = true;
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
    parked = false;
    handOver();
    if (!parked) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * Last in the pipeline, it sees what the handlers after the handshake (which handles its own)
   * throw: a fatal error is reported, anything else goes on to Netty, which logs it.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FatalErrors.report(cause);
    ctx.fireExceptionCaught(cause);
  }

  /** Messages waiting for room in the queue; for tests and gauges. */
  int pending() {
    return pending.size();
  }
}
