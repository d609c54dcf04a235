// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UncaughtCapture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(200_000);
  private final RecordBuffer timeouts = new RecordBuffer(10);
  private final HttpClient client = HttpClient.newHttpClient();
  private LoopbackHttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = LoopbackHttpServer.start(metrics, errors, timeouts, HttpServer.IDLE);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
  }

  private HttpResponse<byte[]> send(String method, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static List<byte[]> frames(byte[] body) throws IOException {
    return frames(new ByteArrayInputStream(body));
  }

  private static List<byte[]> frames(InputStream in) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (FrameStreamReader r =
        new FrameStreamReader(in, FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      for (byte[] f; (f = r.next()) != null; ) {
        out.add(f);
      }
      assertEquals(FrameStreams.DNSTAP_CONTENT_TYPE, r.contentType().orElseThrow());
    }
    return out;
  }

  private static byte[] record(int i, int size) {
    byte[] r = new byte[size];
    ByteBuffer.wrap(r).putInt(i);
    return r;
  }

  private static int id(byte[] record) {
    return ByteBuffer.wrap(record).getInt();
  }

  @Test
  void closingTheServerClosesOpenConnections() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
      InputStream in = s.getInputStream();
      String head = "";
      while (!head.endsWith("\r\n\r\n")) {
        head += (char) in.read();
      }
      assertTrue(head.startsWith("HTTP/1.1 200"), head);

      // A keep-alive connection, served and idle: a request on it racing the shutdown would
      // otherwise wait for its own timeout.
      server.closeServer();

      assertEquals(-1, in.read());
    }
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    metrics.dataFrames.increment(7);
    HttpResponse<byte[]> r = send("GET", "/metrics");
    assertEquals(200, r.statusCode());
    assertEquals(
        MetricsFormat.PROMETHEUS_TEXT.contentType(),
        r.headers().firstValue("content-type").orElseThrow());
    Scrape s = new Scrape(new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(7, s.result("dnstap_replay_data_frames_total", null));
  }

  @Test
  void metricsAreOpenMetricsWhenAsked() throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(uri("/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals(
        MetricsFormat.OPENMETRICS.contentType(),
        r.headers().firstValue("content-type").orElseThrow());
    assertEquals("Accept", r.headers().firstValue("vary").orElseThrow());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertTrue(body.endsWith("# EOF\n"));
    assertTrue(body.contains("\ndnstap_replay_data_frames_total 0.0\n"), body);
  }

  @Test
  void healthzIs503UntilTheSocketListensThen200() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/healthz");
    assertEquals(503, r.statusCode());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertTrue(body.startsWith("unhealthy\nunix_socket: not listening"), body);
    assertTrue(body.contains("\ntarget: ok\n"), body);
    assertEquals("no-store", r.headers().firstValue("cache-control").orElseThrow());

    metrics.gauge("unix_socket_reachable", "test", () -> 1);
    r = send("GET", "/healthz");
    assertEquals(200, r.statusCode());
    assertEquals("ok\nunix_socket: ok\ntarget: ok\n", new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(200, send("HEAD", "/healthz").statusCode());
    assertEquals(405, send("POST", "/healthz").statusCode());
  }

  @Test
  void healthzListsEveryAddedCheck() throws Exception {
    metrics.gauge("unix_socket_reachable", "test", () -> 1);
    metrics.health().add("replay_stage", () -> java.util.Optional.of("stopped"));
    HttpResponse<byte[]> r = send("GET", "/healthz");
    assertEquals(503, r.statusCode());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).endsWith("replay_stage: stopped\n"));
  }

  @Test
  void unknownPathIs404AndOtherMethodsAre405() throws Exception {
    assertEquals(404, send("GET", "/").statusCode());
    assertEquals(404, send("GET", "/errors/x").statusCode());
    HttpResponse<byte[]> post = send("POST", "/errors");
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("allow").orElseThrow());
    assertEquals(405, send("DELETE", "/metrics").statusCode());
  }

  @Test
  void headDrainsNothing() throws Exception {
    errors.offer(record(1, 10));
    HttpResponse<byte[]> r = send("HEAD", "/errors");
    assertEquals(200, r.statusCode());
    assertEquals(0, r.body().length);
    assertEquals(1, errors.size());
  }

  @Test
  void emptyBufferIsStartThenStop() throws Exception {
    byte[] body = send("GET", "/timeouts").body();
    String ct =
        java.util.HexFormat.of()
            .formatHex(FrameStreams.DNSTAP_CONTENT_TYPE.getBytes(StandardCharsets.US_ASCII));
    byte[] expected =
        java.util.HexFormat.of()
            .parseHex(
                "00000000"
                    + "00000022"
                    + "00000002"
                    + "00000001"
                    + "00000016"
                    + ct
                    + "00000000"
                    + "00000004"
                    + "00000003");
    assertArrayEquals(expected, body);
  }

  @Test
  void drainDeliversEachRecordOnceInOrderAndCountsIt() throws Exception {
    for (int i = 0; i < 1000; i++) {
      errors.offer(record(i, 40));
    }
    List<byte[]> got = frames(send("GET", "/errors").body());
    assertEquals(1000, got.size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, id(got.get(i)));
    }
    assertEquals(0, frames(send("GET", "/errors").body()).size());
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(1000, s.result("dnstap_replay_channel_error_rx_total", "success"));
    assertEquals(0, s.result("dnstap_replay_channel_timeout_rx_total", "success"));
  }

  @Test
  void racingDrainsShareTheRecordsWithoutDuplicates() throws Exception {
    int total = 20_000;
    for (int i = 0; i < total; i++) {
      errors.offer(record(i, 100));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<byte[]>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> frames(send("GET", "/errors").body())));
      }
      Set<Integer> seen = new HashSet<>();
      int count = 0;
      for (Future<List<byte[]>> f : results) {
        for (byte[] r : f.get(30, TimeUnit.SECONDS)) {
          assertTrue(seen.add(id(r)), "delivered twice: " + id(r));
          count++;
        }
      }
      assertEquals(total, count);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void clientHangingUpMidDrainLosesNothing() throws Exception {
    int total = 40_000;
    for (int i = 0; i < total; i++) {
      errors.offer(record(i, 1000));
    }
    try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("GET /errors HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.getInputStream().readNBytes(1 << 20);
    }
    double delivered =
        Await.settled(
            () ->
                new Scrape(metrics.scrape())
                    .result("dnstap_replay_channel_error_rx_total", "success"),
            d -> true,
            Duration.ofSeconds(10),
            "records delivered before the hang-up");
    assertTrue(delivered < total, "the hang-up must have cut the drain short");
    List<byte[]> rest = frames(send("GET", "/errors").body());
    assertEquals(total, delivered + rest.size());
    Set<Integer> ids = new HashSet<>();
    for (byte[] r : rest) {
      assertTrue(ids.add(id(r)));
    }
    assertFalse(ids.contains(0), "the first records went to the first client");
  }

  @Test
  void oversizedRequestLineIsRefused() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/metrics?" + "a".repeat(HttpServer.MAX_INITIAL_LINE));
    assertTrue(r.statusCode() >= 400, "status " + r.statusCode());
  }

  /**
   * While a stage is dead, a scrape fails too: Prometheus then sees the daemon down (up = 0) rather
   * than counters that no longer move. A failing check that is not critical leaves it alone.
   */
  @Test
  void aDeadStageFailsMetricsAsWellAsHealthz() throws Exception {
    metrics.gauge("unix_socket_reachable", "test", () -> 1);
    AtomicReference<String> dead = new AtomicReference<>();
    metrics.health().addCritical("stages", () -> Optional.ofNullable(dead.get()));
    metrics.health().add("replay_target", () -> Optional.of("no answer"));
    assertEquals(200, send("GET", "/metrics").statusCode());

    dead.set("replay-udp-2-1 died: java.lang.OutOfMemoryError: Java heap space");
    for (String path : List.of("/metrics", "/healthz")) {
      HttpResponse<byte[]> r = send("GET", path);
      assertEquals(503, r.statusCode(), path);
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertTrue(body.startsWith("unhealthy\n"), body);
      assertTrue(body.contains("\nstages: " + dead.get() + "\n"), body);
    }
  }

  /** An Error on a connection goes to the handler that ends the process; the connection closes. */
  @Test
  void anErrorOnAConnectionIsFatal() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new HttpRequestHandler(new Routes(metrics, errors, timeouts)));
    try (UncaughtCapture uncaught = UncaughtCapture.onThisThread()) {
      StackOverflowError e = new StackOverflowError();
      ch.pipeline().fireExceptionCaught(e);
      assertEquals(List.of(e), uncaught.errors());
    }
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }
}
