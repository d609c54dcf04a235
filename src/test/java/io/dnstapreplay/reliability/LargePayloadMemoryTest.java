// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command in a child JVM with a 64 MiB heap and the default bounds, fed 80 payloads of 1
 * MB (a logged response padded to near the largest frame) by a sender far faster than the target,
 * which answers nothing until the sender has been paused and then answers each query with a
 * mismatch. Bounded by count alone, the 10,000 places of the queue and the 1000 queries in flight
 * took all 80 MB (twice that in flight: the message, and the response copied out to compare), the
 * heap ran out and the daemon ended with status 3. Bounded by bytes too (an eighth of the heap
 * queued, a sixteenth in flight), it pauses the sender with 8 payloads queued and 4 in flight,
 * stays alive, and every payload ends in exactly one outcome.
 */
class LargePayloadMemoryTest {
  private static final int PAYLOADS = 80;
  private static final int PADDING = 1_000_000;
  private static final int HEAP_MIB = 64;
  private static final Duration LIMIT = Duration.ofSeconds(180);

  @TempDir Path dir;
  private volatile boolean answering;
  private final UdpResponder target =
      UdpResponder.start(
          (q, reply) -> {
            if (answering) {
              reply.send(UdpResponder.echoed(q.message(), 0));
            }
          });
  private DaemonProcess daemon;

  @AfterEach
  void stop() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
    }
    target.close();
  }

  /** Sends the payloads in one session, one at a time, so the test's own heap stays small. */
  private static void send(Path socket) {
    try (FrameStreamSender s = FrameStreamSender.streaming(socket)) {
      for (int i = 0; i < PAYLOADS; i++) {
        s.send(List.of(CaptureGenerator.payload(i, PADDING)));
      }
      s.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A scrape of the live daemon, whose byte bounds must hold at every one. */
  private Scrape scrape(int port) throws Exception {
    Scrape s;
    try {
      s = DaemonProcess.scrape(port);
    } catch (IOException e) {
      throw new AssertionError(
          "no /metrics, exit status " + daemon.awaitExit(LIMIT) + ":\n" + daemon.stdoutText(), e);
    }
    double queued = s.value("dnstap_replay_queue_bytes");
    double inFlight = s.value("dnstap_replay_dns_queries_in_flight_bytes");
    assertTrue(queued <= s.value("dnstap_replay_queue_max_bytes"), queued + " bytes queued");
    assertTrue(
        inFlight <= s.value("dnstap_replay_dns_queries_in_flight_max_bytes"),
        inFlight + " bytes in flight");
    return s;
  }

  @Test
  void aSmallHeapFloodedWithLargePayloadsStaysAliveAndAccountsForEveryOne() throws Exception {
    Path socket = dir.resolve("replay.sock");
    daemon =
        DaemonProcess.listening(
            dir.resolve("daemon.log"),
            List.of("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError"),
            target.address(),
            socket,
            LIMIT,
            "--max-frame-size",
            "1048576",
            "--timeout",
            "2000");
    int port = daemon.httpPort();
    CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> send(socket));

    // 80 payloads are far fewer than the queue's 10,000 places: only its byte bound pauses a sender
    Scrape paused =
        Await.first(
            () -> {
              Scrape s = scrape(port);
              return s.value("dnstap_replay_queue_paused_connections") == 1 || sender.isDone()
                  ? s
                  : null;
            },
            LIMIT,
            () -> "the sender was not paused; log:\n" + daemon.stderrText());
    assertEquals(1, paused.value("dnstap_replay_queue_paused_connections"), paused.toString());
    answering = true;

    // Settled: a scrape reads the counters one by one while the last outcomes are still counted.
    Scrape m =
        Await.settled(
            () -> scrape(port),
            s -> Accounting.payloads(s) == PAYLOADS && s.result(Accounting.IN_FLIGHT, null) == 0,
            LIMIT,
            "every payload done");
    sender.join();

    Accounting.assertQueriesBalance(m, PAYLOADS);
    double mismatched = m.result(COMPARISONS, "mismatched");
    double timeouts = m.result(QUERIES, "timeout");
    assertEquals(PAYLOADS, mismatched + timeouts, m.toString());
    double kept = m.result("dnstap_replay_channel_error_tx_total", "success");
    assertEquals(mismatched, kept + m.result("dnstap_replay_channel_error_tx_total", "error"));
    assertEquals(
        timeouts,
        m.result("dnstap_replay_channel_timeout_tx_total", "success")
            + m.result("dnstap_replay_channel_timeout_tx_total", "error"));
    long heapShare = ((long) HEAP_MIB << 20) / 8;
    assertTrue(m.value("dnstap_replay_queue_max_bytes") <= heapShare);
    assertTrue(m.value("dnstap_replay_dns_queries_in_flight_max_bytes") <= heapShare / 2);
    assertEquals(0, m.value("dnstap_replay_oversized_payloads_total{bound=\"queue\"}"));
    assertEquals(0, m.value("dnstap_replay_oversized_payloads_total{bound=\"in_flight\"}"));

    HttpResponse<byte[]> errors =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/errors")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    int records = 0;
    try (FrameStreamReader in =
        new FrameStreamReader(new ByteArrayInputStream(errors.body()), 2 * (PADDING + 1000))) {
      while (in.next() != null) {
        records++;
      }
    }
    assertEquals(kept, records);
    assertTrue(daemon.process().isAlive());
    assertFalse(daemon.stdoutText().contains("OutOfMemoryError"), daemon.stdoutText());
    assertFalse(daemon.stderrText().contains("OutOfMemoryError"), daemon.stderrText());
  }
}
