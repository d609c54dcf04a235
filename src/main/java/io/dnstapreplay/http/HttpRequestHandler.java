// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.metrics.HealthChecks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * HttpRequestHandler answers one connection's requests in order. A drain streams for as long as the
 * buffer holds records, so requests pipelined behind it wait (reading is paused meanwhile) instead
 * of interleaving their bytes with the stream.
 *
 * <p>Ownership: each {@link FullHttpRequest} is released after it is answered.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** Requests a client may pipeline behind a running drain before it is cut off. */
  static final int MAX_PIPELINED = 16;

  private final Routes routes;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private boolean draining;

  HttpRequestHandler(Routes routes) {
    super(FullHttpRequest.class, false);
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (draining) {
      if (waiting.size() >= MAX_PIPELINED) {
        request.release();
        ctx.close();
        return;
      }
      waiting.add(request);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    try {
      answer(ctx, request);
    } finally {
      request.release();
    }
  }

  private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.decoderResult().isFailure()) {
      send(ctx, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    HttpMethod method = request.method();
    boolean head = HttpMethod.HEAD.equals(method);
    if (!Routes.known(path)) {
      send(ctx, text(HttpResponseStatus.NOT_FOUND, "not found\n"), keepAlive);
    } else if (!head && !HttpMethod.GET.equals(method)) {
      FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
      r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, r, keepAlive);
    } else if (path.equals(Routes.METRICS)) {
      send(ctx, metrics(request), keepAlive);
    } else if (path.equals(Routes.HEALTHZ)) {
      send(ctx, health(routes.metrics.health().run()), keepAlive);
    } else if (head) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      r.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, DrainResponse.CONTENT_TYPE)
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      send(ctx, r, keepAlive);
    } else {
      draining = true;
      new DrainResponse(ctx, routes.drain(path), keepAlive, this::drainDone).start();
    }
  }

  private void drainDone(ChannelHandlerContext ctx) {
    draining = false;
    while (!draining && !waiting.isEmpty()) {
      FullHttpRequest next = waiting.poll();
      try {
        answer(ctx, next);
      } finally {
        next.release();
      }
    }
    if (!draining) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** The scrape, unless a critical health check fails. */
  private FullHttpResponse metrics(FullHttpRequest request) {
    List<HealthChecks.Result> critical = routes.metrics.health().runCritical();
    if (!HealthChecks.healthy(critical)) {
      return health(critical);
    }
    // For HEAD, HttpServerCodec drops the body and keeps its Content-Length.
    MetricsFormat format = MetricsFormat.forAccept(request.headers().get(HttpHeaderNames.ACCEPT));
    FullHttpResponse r = text(HttpResponseStatus.OK, routes.metrics.scrape(format.contentType()));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, format.contentType())
        .set(HttpHeaderNames.VARY, "Accept");
    return r;
  }

  /**
   * 200 and "ok" while every health check passes, else 503; either way one line per check, so a
   * probe's log says what is wrong. {@code /metrics} answers the same while a critical check fails,
   * so that a scraper sees the daemon down rather than its last counts.
   */
  private static FullHttpResponse health(List<HealthChecks.Result> results) {
    boolean healthy = HealthChecks.healthy(results);
    StringBuilder body = new StringBuilder(healthy ? "ok\n" : "unhealthy\n");
    for (HealthChecks.Result r : results) {
      body.append(r.name()).append(": ").append(r.problem().orElse("ok")).append('\n');
    }
    FullHttpResponse r =
        text(
            healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            body.toString());
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return r;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
    if (!r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      HttpUtil.setContentLength(r, r.content().readableBytes());
    }
    HttpUtil.setKeepAlive(r, keepAlive);
    ChannelFuture f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Closes a connection that neither sent a byte nor took one for the idle time. That includes a
   * drain whose client stopped reading: closing fails the chunk it holds, which returns the chunk's
   * records to the buffer for the next reader. A drain that makes progress is never idle.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    waiting.forEach(FullHttpRequest::release);
    waiting.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FatalErrors.report(cause);
    ctx.close();
  }
}
