// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
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
 *
 * <p>With {@code --pair}, the same number of query messages of 1 MB (a DNS query padded) whose
 * responses never come, all within the pairing window: the 10,000 places of {@code
 * --pair-max-pending} would keep all 80 MB, and with {@code --pair-max-pending-bytes} lifted the
 * daemon runs out of memory. With its default, a thirty-second of the heap, two wait at a time, the
 * others are evicted, and every query is accounted for.
 */
class LargePayloadMemoryTest {
  private static final int PAYLOADS = 80;
  private static final int PADDING = 1_000_000;
  private static final int HEAP_MIB = 64;
  private static final Duration LIMIT = Duration.ofSeconds(180);
  private static final String PENDING_BYTES = "dnstap_replay_pairing_pending_bytes";

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
  private Path socket;

  @AfterEach
  void stop() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
    }
    target.close();
  }

  /**
   * Sends {@link #PAYLOADS} frames in one session, one at a time, so the test's own heap stays
   * small; returns whether all went, false if the daemon went away.
   */
  private boolean send(IntFunction<byte[]> frame) {
    try (FrameStreamSender s = FrameStreamSender.streaming(socket)) {
      for (int i = 0; i < PAYLOADS; i++) {
        s.send(List.of(frame.apply(i)));
      }
      s.stop();
      return true;
    } catch (IOException gone) {
      return false;
    }
  }

  /** Payload {@code n}: a response to compare, padded to near the largest frame. */
  private static byte[] payload(int n) {
    return CaptureGenerator.payload(n, PADDING);
  }

  /** Query {@code n} alone, for {@code --pair}, padded to near the largest frame. */
  private static byte[] query(int n) {
    return CaptureGenerator.queryMessage(n, PADDING);
  }

  private CompletableFuture<Boolean> sending(IntFunction<byte[]> frame) {
    return CompletableFuture.supplyAsync(() -> send(frame));
  }

  /** Starts the daemon with the frame size of the payloads and {@code extra}; returns its port. */
  private int start(String... extra) throws Exception {
    socket = dir.resolve("replay.sock");
    List<String> args = new ArrayList<>(List.of("--max-frame-size", "1048576"));
    args.addAll(List.of(extra));
    daemon =
        DaemonProcess.listening(
            dir.resolve("daemon.log"),
            List.of("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError"),
            target.address(),
            socket,
            LIMIT,
            args.toArray(String[]::new));
    return daemon.httpPort();
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
    double pending = s.value(PENDING_BYTES);
    assertTrue(
        pending <= s.value("dnstap_replay_pairing_pending_max_bytes"), pending + " bytes pending");
    return s;
  }

  @Test
  void aSmallHeapFloodedWithLargePayloadsStaysAliveAndAccountsForEveryOne() throws Exception {
    int port = start("--timeout", "2000");
    CompletableFuture<Boolean> sender = sending(LargePayloadMemoryTest::payload);

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
    assertTrue(sender.join());

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

  private static double pairing(Scrape s, String result) {
    return s.result("dnstap_replay_pairing_total", result);
  }

  @Test
  void aSmallHeapKeepsLargeQueriesWaitingForPairingWithinTheByteBound() throws Exception {
    int port = start("--pair");
    CompletableFuture<Boolean> sender = sending(LargePayloadMemoryTest::query);
    Scrape m =
        Await.first(
            () -> {
              Scrape s = scrape(port);
              double waiting = s.value("dnstap_replay_pairing_pending");
              return waiting + pairing(s, "evicted") == PAYLOADS ? s : null;
            },
            LIMIT,
            () -> "not every query pending or evicted; log:\n" + daemon.stderrText());
    assertTrue(sender.join());

    double waiting = m.value("dnstap_replay_pairing_pending");
    assertTrue(waiting >= 1 && waiting <= 2, waiting + " queries waiting");
    double bytes = m.value(PENDING_BYTES);
    double bound = m.value("dnstap_replay_pairing_pending_max_bytes");
    assertTrue(bytes > waiting * PADDING, m.toString());
    assertTrue(bytes + bytes / waiting > bound, "evicted by the byte bound: one more does not fit");
    assertTrue(bound <= ((long) HEAP_MIB << 20) / 32);
    assertEquals(PAYLOADS - waiting, pairing(m, "evicted"));
    for (String none : List.of("paired", "query_without_response", "response_without_query")) {
      assertEquals(0, pairing(m, none), none);
    }
    assertEquals(PAYLOADS, m.value("dnstap_replay_data_frames_total"));
    assertEquals(0, m.value("dnstap_replay_dnstap_ignored_total"));
    assertEquals(0, Accounting.payloads(m), "no response, so nothing to replay");
    assertEquals(0, m.value("dnstap_replay_oversized_payloads_total{bound=\"pairing\"}"));
    assertTrue(daemon.process().isAlive());
    assertFalse(daemon.stdoutText().contains("OutOfMemoryError"), daemon.stdoutText());
    assertFalse(daemon.stderrText().contains("OutOfMemoryError"), daemon.stderrText());
  }

  /** The same queries bounded by count alone: the test above measures the byte bound. */
  @Test
  void withThePairingByteBoundLiftedTheSameQueriesExhaustTheHeap() throws Exception {
    start("--pair", "--pair-max-pending-bytes", "8G");
    assertFalse(send(LargePayloadMemoryTest::query), "the daemon took every query");
    assertEquals(FatalErrors.EXIT_STATUS, daemon.awaitExit(LIMIT), daemon.stderrText());
    assertTrue(
        daemon.stdoutText().contains("Terminating due to java.lang.OutOfMemoryError"),
        daemon.stdoutText());
  }
}
