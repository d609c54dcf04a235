// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.fault.RateLimitedLog;
import io.dnstapreplay.proxyv2.ProxyV2Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.PortUnreachableException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReplaySocketHandler drives one connected UDP socket to the target: it sends queries, matches
 * responses to them through an {@link InFlightTable}, and expires the unanswered. All its state
 * lives on the socket's event loop; other threads only {@link #submit} work to it. Whenever
 * responses, timeouts or failures may have freed places in the window, it calls {@code freed} once
 * (after a whole read, not per response), which asks the {@link ReplayPump} to send more.
 *
 * <p>Unlike the original it never resets the socket after a timeout: a late response is matched by
 * key, recognised as late, and counted, never compared with another query.
 *
 * <p>Ownership: received datagrams are released by {@link SimpleChannelInboundHandler}; each query
 * buffer it writes is released by the channel once sent.
 */
final class ReplaySocketHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(ReplaySocketHandler.class);

  /** Shared by every socket: a target that refuses is one problem, not one per socket. */
  private static final RateLimitedLog warnings = new RateLimitedLog(log);

  /** Timed-out keys remembered per socket to recognise late responses. */
  static final int REMEMBERED_TIMEOUTS = 4096;

  private final ReplayConfig config;
  private final ReplayOutcomes outcomes;
  private final InFlightLimit permits;
  private final int ringSize;
  private final Runnable freed;
  private final InFlightTable<ReplayQuery> table;
  private ReplaySocketHandler next = this;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> sweeper;

  /**
   * @param freed called on the event loop when places in the window may have been freed
   */
  ReplaySocketHandler(
      ReplayConfig config,
      ReplayOutcomes outcomes,
      InFlightLimit permits,
      int ringSize,
      Runnable freed) {
    this.config = config;
    this.outcomes = outcomes;
    this.permits = permits;
    this.ringSize = ringSize;
    this.freed = freed;
    this.table = new InFlightTable<>(config.timeout().toNanos(), REMEMBERED_TIMEOUTS);
  }

  /** The socket a conflicting query is passed on to. */
  void setNext(ReplaySocketHandler next) {
    this.next = next;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    long sweep = config.sweepNanos();
    sweeper = ctx.executor().scheduleAtFixedRate(this::expire, sweep, sweep, TimeUnit.NANOSECONDS);
  }

  /** The socket's event loop; known once the handler is in the pipeline. */
  EventExecutor executor() {
    return ctx.executor();
  }

  /**
   * Sends a batch, at once with one flush on the socket's own event loop, else as a task for it;
   * each query holds one in-flight permit and its {@link ReplayQuery#weight weight}.
   */
  void submit(List<ReplayQuery> batch) {
    if (ctx.executor().inEventLoop()) {
      for (ReplayQuery q : batch) {
        send(q);
      }
      ctx.flush();
      return;
    }
    try {
      ctx.executor()
          .execute(
              () -> {
                for (ReplayQuery q : batch) {
                  send(q);
                }
                ctx.flush();
              });
    } catch (RejectedExecutionException e) {
      batch.forEach(this::fail);
    }
  }

  private void send(ReplayQuery q) {
    long now = now();
    if (!table.tryAdd(q.key, q, now)) {
      if (q.hops + 1 < ringSize) {
        q.hops++;
        next.submit(List.of(q));
      } else {
        table.hold(q.key, q);
        outcomes.held();
      }
      return;
    }
    q.sentAtNanos = now;
    PayloadFilter.Decision.Replay r = q.replay;
    ProxyV2Header.Timespec time = config.sendsTimespec() ? r.responseTime() : null;
    int headerLength =
        config.proxy() ? ProxyV2Header.length(r.queryAddress().length, time != null) : 0;
    ByteBuf buf = ctx.alloc().directBuffer(headerLength + r.query().length);
    if (config.proxy()) {
      ProxyV2Header.encode(buf, r.queryAddress(), r.queryPort(), time);
    }
    buf.writeBytes(r.query());
    ctx.write(buf)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                // Netty would only log what a listener throws.
                FatalErrors.guard(() -> onSendFailure(q, f.cause())).run();
              }
            });
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    byte[] response = ByteBufUtil.getBytes(packet.content());
    long now = now();
    QueryKey key = QueryKey.of(response);
    InFlightTable.Completed<ReplayQuery> c = key == null ? null : table.complete(key);
    if (c == null) {
      outcomes.unmatched(table.miss(key, now));
      return;
    }
    long rtt = now - c.value().sentAtNanos;
    outcomes.response(c.value(), response, rtt);
    permits.answered(rtt, now, !c.value().presumedLost, c.value().weight());
    sendHeld(c.key());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    freed.run();
    ctx.fireChannelReadComplete();
  }

  private void expire() {
    long now = now();
    for (InFlightTable.Completed<ReplayQuery> c : table.expire(now)) {
      outcomes.timeout(c.value());
      permits.lost(c.value().sentAtNanos, !c.value().presumedLost, c.value().weight());
      sendHeld(c.key());
    }
    table.forEachAddedBefore(
        now - permits.presumeLostAfterNanos(),
        q -> {
          if (!q.presumedLost) {
            q.presumedLost = true;
            permits.presumeLost();
          }
        });
    // Timeouts and queries presumed lost free places; a sweep is rare enough to ask every time.
    freed.run();
  }

  private void onSendFailure(ReplayQuery q, Throwable cause) {
    InFlightTable.Completed<ReplayQuery> c = table.complete(q.key);
    if (c != null && c.value() == q) {
      warnings.warn("failed sends", "cannot send a query to the target: {}", cause.toString());
      fail(q);
      sendHeld(c.key());
      freed.run();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FatalErrors.report(cause);
    if (cause instanceof PortUnreachableException) {
      // The target's port is closed: nothing in flight here will be answered, so fail it now
      // rather than after the timeout. A target that comes back is used by the next query.
      List<InFlightTable.Completed<ReplayQuery>> all = table.removeAll();
      warnings.warn(
          "refused queries", "target port unreachable; {} queries in flight failed", all.size());
      all.forEach(c -> fail(c.value()));
      for (InFlightTable.Completed<ReplayQuery> c : all) {
        sendHeld(c.key());
      }
      freed.run();
    } else {
      warnings.warn("UDP socket errors", "UDP socket error: {}", cause.toString());
    }
  }

  /**
   * Counts every query still here as timed out: at shutdown, once the daemon has waited the
   * timeout, a query without a response has timed out whatever the sweeper's schedule.
   */
  Future<?> timeOutEverything() {
    return ctx.executor()
        .submit(
            () -> {
              for (ReplayQuery q : table.drain()) {
                outcomes.timeout(q);
                permits.release(!q.presumedLost, q.weight());
              }
            });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    sweeper.cancel(false);
    table.drain().forEach(this::fail);
    super.channelInactive(ctx);
  }

  /**
   * Accounts for queries that could not be sent, were refused (ICMP) or were in flight when the
   * socket closed: none of it says the target is congested.
   */
  private void fail(ReplayQuery q) {
    outcomes.sendError(q.target);
    permits.release(!q.presumedLost, q.weight());
  }

  private void sendHeld(QueryKey key) {
    ReplayQuery h = table.nextHeld(key);
    if (h != null) {
      send(h);
      ctx.flush();
    }
  }

  private long now() {
    return ctx.executor().ticker().nanoTime();
  }
}
