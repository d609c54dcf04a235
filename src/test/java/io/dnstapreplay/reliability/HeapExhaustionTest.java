// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command in a child JVM with a 64 MiB heap, against a target whose every answer is a
 * mismatch padded to 60 KB, so that each failure record is about 60 KB: with the default byte
 * bounds it keeps working and drops what does not fit; with bounds the heap cannot hold it runs out
 * of memory and must end, at once and with status 3, never hang half dead. (scripts/load-buffers
 * does the same at full size, with both buffers full.)
 */
class HeapExhaustionTest {
  private static final String HEAP = "-Xmx64m";
  private static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";
  private static final int PADDING = 60_000;
  private static final Duration LIMIT = Duration.ofSeconds(120);

  @TempDir Path dir;
  private UdpResponder target;
  private Path socket;
  private Path log;
  private DaemonProcess daemon;

  @BeforeEach
  void startTarget() {
    target = UdpResponder.start(UdpResponder.echo(PADDING));
    socket = dir.resolve("replay.sock");
    log = dir.resolve("daemon.log");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
    }
    target.close();
  }

  private int start(List<String> jvmOptions, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--channel-error-capacity", "1000000"));
    args.addAll(List.of(extra));
    daemon =
        DaemonProcess.listening(
            log, jvmOptions, target.address(), socket, LIMIT, args.toArray(String[]::new));
    return daemon.httpPort();
  }

  /** Sends the capture {@code sessions} times, or until the daemon goes away. */
  private void flood(int sessions) {
    try (FrameStreamSender s = FrameStreamSender.streaming(socket)) {
      for (int i = 0; i < sessions; i++) {
        s.send(KnotCapture.frames());
      }
      s.stop();
    } catch (IOException gone) {
      // the daemon ended: what the test is waiting for
    }
  }

  @Test
  void defaultByteBoundsKeepASmallHeapWorking() throws Exception {
    int port = start(List.of(HEAP, EXIT_ON_OOM));
    int sessions = 12;
    flood(sessions);
    long payloads = (long) sessions * KnotCapture.FRAMES;
    // Settled: a scrape reads the counters one by one while the last outcomes are still counted.
    Scrape m =
        Await.settled(
            () -> DaemonProcess.scrape(port),
            s -> Accounting.payloads(s) == payloads && s.result(Accounting.IN_FLIGHT, null) == 0,
            LIMIT,
            "every payload done");
    long mismatched = (long) sessions * KnotCapture.UDP;
    Accounting.assertQueriesBalance(m, mismatched);
    assertEquals(mismatched, m.result(COMPARISONS, "mismatched"));
    double kept = m.result("dnstap_replay_channel_error_tx_total", "success");
    double dropped = m.result("dnstap_replay_channel_error_tx_total", "error");
    assertEquals(mismatched, kept + dropped);
    assertTrue(dropped > 0, "the byte bound was reached");
    double bytes = m.result("dnstap_replay_errors_buffered_bytes", null);
    assertTrue(bytes <= (64 << 20) / 8 && bytes > kept * PADDING, bytes + " bytes buffered");

    HttpResponse<byte[]> errors =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/errors")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals((long) kept, DaemonRunner.records(errors.body()).size());
    assertTrue(daemon.process().isAlive());
    assertFalse(daemon.stderrText().contains("OutOfMemoryError"), daemon.stderrText());
  }

  /** As the launchers run it: the JVM itself exits at the first OutOfMemoryError. */
  @Test
  void runningOutOfMemoryEndsTheProcessWithTheLaunchersFlag() throws Exception {
    start(List.of(HEAP, EXIT_ON_OOM), "--channel-error-bytes", "1G");
    flood(1000);
    assertEquals(FatalErrors.EXIT_STATUS, daemon.awaitExit(LIMIT), daemon.stderrText());
    // the JVM writes it on stdout
    assertTrue(
        daemon.stdoutText().contains("Terminating due to java.lang.OutOfMemoryError"),
        daemon.stderrText());
  }

  /** Without the flag, the daemon's own handlers end it with one line, wherever it ran out. */
  @Test
  void runningOutOfMemoryEndsTheProcessWithOneLineWithoutTheFlag() throws Exception {
    start(List.of(HEAP), "--channel-error-bytes", "1G");
    flood(1000);
    assertEquals(FatalErrors.EXIT_STATUS, daemon.awaitExit(LIMIT), daemon.stderrText());
    List<String> fatal =
        daemon.stderrLines().stream()
            .filter(l -> l.endsWith("exiting with status 3 for a supervisor to restart"))
            .toList();
    assertEquals(1, fatal.size(), daemon.stderrText());
    // the line made in advance, should there be no memory left for this one, is one line too
    assertTrue(
        fatal.get(0).contains(" fatal: java.lang.OutOfMemoryError: Java heap space in thread ")
            || fatal.get(0).startsWith("dnstap-replay: fatal error (no memory left"),
        fatal.get(0));
  }
}
