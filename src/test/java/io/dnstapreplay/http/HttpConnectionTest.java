// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.UdpResponder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.1 on the wire against the running daemon, with a hand-written client so nothing is hidden
 * by a client library: HEAD sends headers only, and one connection carries several requests, one
 * after another or pipelined.
 */
class HttpConnectionTest {
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  @TempDir Path dir;
  private DaemonRunner daemon;

  @BeforeEach
  void start() throws IOException {
    daemon = DaemonRunner.start(dir, UdpResponder.silent(), s -> {});
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.httpAddress().getPort());
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    return s;
  }

  private static void write(Socket s, String requests) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(requests.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String request(String method, String path) {
    return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  /** Reads one response; a HEAD response has no body whatever its headers say. */
  private static Response read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    assertTrue(statusLine.startsWith("HTTP/1.1 "), statusLine);
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new HashMap<>();
    for (String h; !(h = line(in)).isEmpty(); ) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    if (head) {
      return new Response(status, headers, new byte[0]);
    }
    if ("chunked".equals(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size; (size = Integer.parseInt(line(in), 16)) > 0; ) {
        body.write(in.readNBytes(size));
        assertEquals("", line(in));
      }
      assertEquals("", line(in));
      return new Response(status, headers, body.toByteArray());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Response(status, headers, in.readNBytes(length));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("connection closed after: " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static int frames(byte[] body) throws IOException {
    int n = 0;
    try (FrameStreamReader r =
        new FrameStreamReader(
            new ByteArrayInputStream(body), FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      while (r.next() != null) {
        n++;
      }
      assertEquals(FrameStreams.DNSTAP_CONTENT_TYPE, r.contentType().orElseThrow());
    }
    return n;
  }

  @Test
  void headThenGetsOnOneConnection() throws Exception {
    try (Socket s = connect()) {
      InputStream in = s.getInputStream();
      write(s, request("HEAD", "/metrics"));
      Response head = read(in, true);
      assertEquals(200, head.status());
      assertEquals(MetricsFormat.PROMETHEUS_TEXT.contentType(), head.headers().get("content-type"));

      assertTrue(Integer.parseInt(head.headers().get("content-length")) > 1000);

      write(s, request("GET", "/metrics"));
      Response metrics = read(in, false);
      assertEquals(200, metrics.status());
      assertTrue(metrics.text().contains("dnstap_replay_match_status 1.0"), metrics.text());

      // /metrics changes between two requests (JVM meters); /healthz does not here
      write(s, request("HEAD", "/healthz"));
      Response healthHead = read(in, true);
      write(s, request("GET", "/healthz"));
      Response health = read(in, false);
      assertEquals(
          String.valueOf(health.body().length),
          healthHead.headers().get("content-length"),
          "HEAD announces the length GET sends");

      write(s, request("GET", "/errors"));
      Response errors = read(in, false);
      assertEquals(200, errors.status());
      assertEquals(0, frames(errors.body()));

      write(s, request("GET", "/nowhere"));
      assertEquals(404, read(in, false).status());
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = connect()) {
      write(
          s,
          request("GET", "/timeouts")
              + request("HEAD", "/metrics")
              + request("GET", "/metrics")
              + request("HEAD", "/errors")
              + request("GET", "/errors"));
      InputStream in = s.getInputStream();
      assertEquals(0, frames(read(in, false).body()));
      assertEquals(200, read(in, true).status());
      assertTrue(read(in, false).text().startsWith("# HELP"));
      assertEquals(200, read(in, true).status());
      assertEquals(0, frames(read(in, false).body()));
    }
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    try (Socket s = connect()) {
      write(s, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      InputStream in = s.getInputStream();
      Response r = read(in, false);
      assertEquals(200, r.status());
      assertEquals("close", r.headers().get("connection"));
      assertEquals(-1, in.read(), "server closed the connection");
    }
  }
}
