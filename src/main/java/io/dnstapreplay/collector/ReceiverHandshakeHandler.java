// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.fault.RateLimitedLog;
import io.dnstapreplay.framestream.ControlFrame;
import io.dnstapreplay.framestream.ControlType;
import io.dnstapreplay.framestream.FrameStreamException;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.ConnectionError;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReceiverHandshakeHandler plays the receiving side of a bidirectional Frame Streams connection:
 * READY is answered with ACCEPT, START opens the data phase, STOP is answered with FINISH and the
 * connection is closed.
 *
 * <p>It sits behind {@code FrameStreamDecoder} because the reply is a protocol decision, not
 * framing. Any violation closes this connection only, with one {@link ConnectionError} count and a
 * log line naming the peer and the reason (at most one per reason a {@link
 * RateLimitedLog#INTERVAL}, as anyone allowed on the socket could provoke millions).
 *
 * <p>Ownership: data frames arrive as {@code ByteBuf}s owned by this handler; in the data phase
 * they are passed on (the next handler releases them), otherwise they are released here.
 */
public final class ReceiverHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ReceiverHandshakeHandler.class);

  /** Shared by every connection: a flood of bad connections is one flood. */
  private static final RateLimitedLog closings = new RateLimitedLog(log);

  /** A sender that has not sent START within this time holds a connection for nothing. */
  public static final long HANDSHAKE_TIMEOUT_SECONDS = 30;

  private enum State {
    AWAIT_READY,
    AWAIT_START,
    DATA,
    DONE
  }

  private final Metrics metrics;
  private final Transport transport;
  private final String contentType;
  private State state = State.AWAIT_READY;
  private ScheduledFuture<?> handshakeTimeout;

  /**
   * @param transport what data frames are counted under (besides the original's counters)
   */
  public ReceiverHandshakeHandler(Metrics metrics, Transport transport) {
    this(metrics, transport, FrameStreams.DNSTAP_CONTENT_TYPE);
  }

  ReceiverHandshakeHandler(Metrics metrics, Transport transport, String contentType) {
    this.metrics = metrics;
    this.transport = transport;
    this.contentType = contentType;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    metrics.connectionsAccepted.increment();
    handshakeTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (state == State.AWAIT_READY || state == State.AWAIT_START) {
                    reject(
                        ctx,
                        ConnectionError.HANDSHAKE_TIMEOUT,
                        "no START within " + HANDSHAKE_TIMEOUT_SECONDS + " s");
                  }
                },
                HANDSHAKE_TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
    log.debug("{}: connected", Peers.describe(ctx.channel()));
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimeout();
    log.debug("{}: disconnected", Peers.describe(ctx.channel()));
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf frame) {
      if (state == State.DATA) {
        metrics.dataFrame(transport, frame.readableBytes());
        ctx.fireChannelRead(frame);
      } else {
        frame.release();
        reject(ctx, ConnectionError.DATA_BEFORE_START, "data frame before START");
      }
    } else if (msg instanceof ControlFrame control) {
      onControl(ctx, control);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void onControl(ChannelHandlerContext ctx, ControlFrame frame) {
    ControlType type = frame.type();
    if (type == ControlType.READY && state == State.AWAIT_READY) {
      if (!frame.contentTypes().isEmpty() && !frame.contentTypes().contains(contentType)) {
        reject(
            ctx,
            ConnectionError.CONTENT_TYPE_REJECTED,
            "READY offers " + frame.contentTypes() + ", not " + contentType);
        return;
      }
      state = State.AWAIT_START;
      ctx.writeAndFlush(ControlFrame.accept(contentType));
    } else if (type == ControlType.START && state == State.AWAIT_START) {
      if (frame.contentType().isPresent() && !frame.contentType().get().equals(contentType)) {
        reject(
            ctx,
            ConnectionError.CONTENT_TYPE_REJECTED,
            "START content type " + frame.contentType().get() + ", not " + contentType);
        return;
      }
      state = State.DATA;
      cancelTimeout();
      log.info("{}: streaming {}", Peers.describe(ctx.channel()), contentType);
    } else if (type == ControlType.STOP && state == State.DATA) {
      state = State.DONE;
      log.info("{}: STOP, sending FINISH", Peers.describe(ctx.channel()));
      ctx.writeAndFlush(ControlFrame.finish()).addListener(ChannelFutureListener.CLOSE);
    } else {
      reject(
          ctx,
          ConnectionError.UNEXPECTED_CONTROL_FRAME,
          "unexpected " + type + " while " + state.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FatalErrors.report(cause);
    Throwable c =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (c instanceof FrameStreamException fse) {
      reject(ctx, connectionError(fse.reason()), fse.getMessage());
    } else if (c instanceof IOException) {
      reject(ctx, ConnectionError.IO_ERROR, String.valueOf(c.getMessage()));
    } else {
      log.error("{}: internal error, closing", Peers.describe(ctx.channel()), c);
      reject(ctx, ConnectionError.IO_ERROR, c.toString());
    }
  }

  /** Exhaustive, so a new framing error cannot go uncounted. */
  private static ConnectionError connectionError(FrameStreamException.Reason reason) {
    return switch (reason) {
      case DATA_FRAME_TOO_LARGE -> ConnectionError.DATA_FRAME_TOO_LARGE;
      case CONTROL_FRAME_LENGTH -> ConnectionError.CONTROL_FRAME_LENGTH;
      case UNKNOWN_CONTROL_TYPE -> ConnectionError.UNKNOWN_CONTROL_TYPE;
      case MALFORMED_CONTROL_FRAME -> ConnectionError.MALFORMED_CONTROL_FRAME;
      case TRUNCATED -> ConnectionError.TRUNCATED;
      case UNEXPECTED_FRAME -> ConnectionError.UNEXPECTED_CONTROL_FRAME;
    };
  }

  private void reject(ChannelHandlerContext ctx, ConnectionError reason, String detail) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelTimeout();
    metrics.connectionError(reason);
    String name = reason.name().toLowerCase(java.util.Locale.ROOT);
    closings.warn(
        "connections closed for " + name,
        "{}: closing Frame Streams connection: {} ({})",
        Peers.describe(ctx.channel()),
        name,
        detail);
    ctx.close();
  }

  private void cancelTimeout() {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
      handshakeTimeout = null;
    }
  }
}
