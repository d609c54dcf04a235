// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the daemon while queries are in flight to a target that never answers: the socket file
 * goes first so no new sender connects, the queries time out and are counted as such, HTTP keeps
 * answering meanwhile, and the whole stop takes no longer than one timeout plus a little.
 */
class ShutdownDrainTest {
  private static final int UDP_PAYLOADS = 276;
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final long SLACK_MILLIS = 1000;

  @TempDir Path dir;

  @Test
  void inFlightQueriesTimeOutWhileHttpStillAnswers() throws Exception {
    try (DatagramSocket silent =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      DaemonRunner.Settings s = new DaemonRunner.Settings();
      s.dns = (InetSocketAddress) silent.getLocalSocketAddress();
      s.timeout = TIMEOUT;
      s.fixedWindow = true; // every query in flight at once, as the test is about their drain
      DaemonRunner d = DaemonRunner.start(dir, s);
      try {
        FrameStreamSender.send(d.socket(), FrameStreamSender.readFile(KnotCapture.path()));
        d.awaitMetrics(
            m -> m.value("dnstap_replay_dns_queries_in_flight") == UDP_PAYLOADS,
            Duration.ofSeconds(10));

        long start = System.nanoTime();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(d::close);
        int answeredWhileDraining = 0;
        while (!closing.isDone()) {
          if (!Files.exists(d.socket(), LinkOption.NOFOLLOW_LINKS)) {
            HttpResponse<byte[]> r = tryGet(d, "/metrics");
            if (r != null && !closing.isDone()) {
              assertEquals(200, r.statusCode());
              answeredWhileDraining++;
            }
          }
          Thread.sleep(50);
        }
        closing.get();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(answeredWhileDraining > 0, "HTTP answered after the socket file was removed");
        assertTrue(millis <= TIMEOUT.toMillis() + SLACK_MILLIS, "close took " + millis + " ms");
        Scrape m = d.scrape();
        assertEquals(UDP_PAYLOADS, m.result("dnstap_replay_dns_queries_total", "timeout"));
        assertEquals(0, m.result("dnstap_replay_dns_queries_total", "error"));
        assertEquals(UDP_PAYLOADS, m.result("dnstap_replay_channel_timeout_tx_total", "success"));
        assertFalse(Files.exists(d.socket(), LinkOption.NOFOLLOW_LINKS));
        assertThrows(IOException.class, () -> FrameStreamSender.send(d.socket(), List.of()));
      } finally {
        d.close();
      }
    }
  }

  /** The response, or null when the server is already gone (the race at the very end). */
  private static HttpResponse<byte[]> tryGet(DaemonRunner d, String path)
      throws InterruptedException {
    try {
      HttpResponse<byte[]> r = d.get(path);
      assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("dnstap_replay_"));
      return r;
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  void payloadsHeldByPausedSendersAreReplayedBeforeExit() throws Exception {
    try (DatagramSocket silent =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      for (int round = 0; round < 3; round++) {
        Path roundDir = Files.createDirectories(dir.resolve("round" + round));
        DaemonRunner.Settings s = new DaemonRunner.Settings();
        s.dns = (InetSocketAddress) silent.getLocalSocketAddress();
        s.timeout = Duration.ofMillis(200);
        s.channelCapacity = 4;
        s.maxInFlight = 64;
        DaemonRunner d = DaemonRunner.start(roundDir, s);
        FrameStreamSender.send(d.socket(), FrameStreamSender.readFile(KnotCapture.path()));
        Scrape received = d.scrape();
        d.close();
        Scrape m = d.scrape();
        double frames = m.result("dnstap_replay_data_frames_total", null);
        assertEquals(
            frames,
            m.result("dnstap_replay_dnstap_payloads_total", "success")
                + m.result("dnstap_replay_dnstap_payloads_total", "error"),
            "round " + round + ", at close:\n" + received);
        assertEquals(0, m.value("dnstap_replay_queue_depth"));
      }
    }
  }
}
