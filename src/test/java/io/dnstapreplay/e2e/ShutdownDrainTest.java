// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.io.IOException;
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
    DaemonRunner d =
        DaemonRunner.start(
            dir,
            UdpResponder.silent(),
            s -> {
              s.timeout = TIMEOUT;
              s.fixedWindow = true; // every query in flight at once: the test is about their drain
            });
    try {
      FrameStreamSender.sendSession(d.socket(), KnotCapture.frames());
      d.awaitMetrics(m -> m.value(Accounting.IN_FLIGHT) == UDP_PAYLOADS);

      long start = System.nanoTime();
      // The end is taken when close returns, not when the last scrape does.
      CompletableFuture<Long> closing =
          CompletableFuture.supplyAsync(
              () -> {
                d.close();
                return System.nanoTime();
              });
      int[] answeredWhileDraining = {0};
      Await.until(
          () -> {
            if (!Files.exists(d.socket(), LinkOption.NOFOLLOW_LINKS)) {
              HttpResponse<byte[]> r = tryGet(d, "/metrics");
              if (r != null && !closing.isDone()) {
                assertEquals(200, r.statusCode());
                answeredWhileDraining[0]++;
              }
            }
            return closing.isDone();
          },
          DaemonRunner.SETTLE,
          () -> "the daemon is still stopping");
      long millis = (closing.get() - start) / 1_000_000;

      assertTrue(answeredWhileDraining[0] > 0, "HTTP answered after the socket file was removed");
      assertTrue(millis <= TIMEOUT.toMillis() + SLACK_MILLIS, "close took " + millis + " ms");
      Scrape m = d.scrape();
      assertEquals(UDP_PAYLOADS, m.result("dnstap_replay_dns_queries_total", "timeout"));
      assertEquals(0, m.result("dnstap_replay_dns_queries_total", "error"));
      assertEquals(UDP_PAYLOADS, m.result("dnstap_replay_channel_timeout_tx_total", "success"));
      assertFalse(Files.exists(d.socket(), LinkOption.NOFOLLOW_LINKS));
      assertThrows(IOException.class, () -> FrameStreamSender.sendSession(d.socket(), List.of()));
    } finally {
      d.close();
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
    for (int round = 0; round < 3; round++) {
      Path roundDir = Files.createDirectories(dir.resolve("round" + round));
      DaemonRunner d =
          DaemonRunner.start(
              roundDir,
              UdpResponder.silent(),
              s -> {
                s.timeout = Duration.ofMillis(200);
                s.channelCapacity = 4;
                s.maxInFlight = 64;
              });
      FrameStreamSender.sendSession(d.socket(), KnotCapture.frames());
      Scrape received = d.scrape();
      d.close();
      Scrape m = d.scrape();
      double frames = m.result("dnstap_replay_data_frames_total", null);
      assertEquals(frames, Accounting.payloads(m), "round " + round + ", at close:\n" + received);
      assertEquals(0, m.value("dnstap_replay_queue_depth"));
    }
  }
}
