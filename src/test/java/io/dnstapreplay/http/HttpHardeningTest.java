// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server against clients that misbehave: oversized or malformed requests, methods that are
 * not allowed, clients that stall. Responses say little and leak nothing, connections are closed,
 * and no record is lost or held hostage.
 */
class HttpHardeningTest {
  private static final Duration IDLE = Duration.ofMillis(500);
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(100_000);
  private final RecordBuffer timeouts = new RecordBuffer(10);
  private EventLoopGroup group;
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    server =
        HttpServer.bind(
            new InetSocketAddress("127.0.0.1", 0), group, metrics, errors, timeouts, IDLE);
  }

  @AfterEach
  void stop() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.localAddress().getPort());
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    return s;
  }

  private static byte[] record(int i) {
    byte[] r = new byte[1000];
    ByteBuffer.wrap(r).putInt(i);
    return r;
  }

  private double delivered() {
    return metrics.errorRxSuccess.count();
  }

  /**
   * A client that asks for {@code /errors} and then reads nothing must not keep the records it was
   * about to get: once the connection is idle it is closed and they go back to the buffer.
   */
  @Test
  void stalledDrainIsClosedAndItsRecordsReturn() throws Exception {
    int total = 20_000;
    for (int i = 0; i < total; i++) {
      errors.offer(record(i));
    }
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(server.localAddress());
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      s.getOutputStream()
          .write("GET /errors HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (delivered() == 0) {
        assertTrue(System.nanoTime() < deadline, "the drain never started");
        Thread.sleep(10);
      }
      Thread.sleep(4 * IDLE.toMillis());
      assertEquals(
          total,
          errors.size() + delivered(),
          "records held by a stalled client: buffered "
              + errors.size()
              + ", delivered "
              + delivered());
      assertTrue(errors.size() > 0, "the client read nothing, so most records are still here");
      assertTrue(readToEnd(s.getInputStream()) >= 0, "the server closed the connection");
    }
  }

  /** However large the records, a drain holds about one chunk's worth of them at a time. */
  @Test
  void drainChunksAreBoundedInBytes() {
    int total = 50;
    int size = 60_000;
    for (int i = 0; i < total; i++) {
      errors.offer(new byte[size]);
    }
    EmbeddedChannel ch =
        new EmbeddedChannel(new HttpRequestHandler(new Routes(metrics, errors, timeouts)));
    ch.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, Routes.ERRORS));
    int frames = 0;
    for (Object out; (out = ch.readOutbound()) != null; ) {
      if (out instanceof HttpContent content) {
        int bytes = content.content().readableBytes();
        assertTrue(bytes <= DrainResponse.CHUNK_BYTES + size + 4, "chunk of " + bytes + " bytes");
        frames += bytes / (size + 4);
      }
      ReferenceCountUtil.release(out);
    }
    assertEquals(total, frames);
    assertEquals(total, delivered());
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void idleConnectionIsClosed() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("GET /metr".getBytes(StandardCharsets.US_ASCII));
      assertEquals(0, readToEnd(s.getInputStream()), "closed without a response");
    }
  }

  /** Reads until the server closes; returns the bytes read, failing if it never closes. */
  private static long readToEnd(InputStream in) throws IOException {
    long n = 0;
    byte[] buf = new byte[65536];
    try {
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (IOException reset) {
      // closed with unread data: a reset is a close too
    }
    return n;
  }
}
