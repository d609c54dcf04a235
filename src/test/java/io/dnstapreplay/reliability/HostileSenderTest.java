// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.metrics.Metrics.ConnectionError;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken and hostile Frame Streams senders against the running daemon: each one loses only its own
 * connection, with one count under its reason, while a well-behaved sender connected at the same
 * time gets every one of its 331 frames counted and replayed.
 */
class HostileSenderTest {
  private static final String DNSTAP = hex("protobuf:dnstap.Dnstap");
  private static final String READY = "00000000 00000022 00000004 00000001 00000016" + DNSTAP;

  /** Descriptors the JVM may open meanwhile for its own purposes (class loading, GC logs). */
  private static final int MAX_EXTRA_DESCRIPTORS = 20;

  @TempDir Path dir;

  /** What a bad sender does on a fresh connection. */
  @FunctionalInterface
  interface Attack {
    void run(FrameStreamSender c) throws IOException;
  }

  private static String hex(String ascii) {
    return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  private static Attack bytes(String hex) {
    return c -> c.writeHex(hex);
  }

  private static Attack afterHandshake(String hex) {
    return c -> {
      c.handshake();
      c.writeHex(hex);
    };
  }

  static Stream<Arguments> attacks() {
    List<byte[]> frames = KnotCapture.frames();
    List<Integer> udp = KnotCapture.udpFrameIndexes();
    return Stream.of(
        Arguments.of(
            "HTTP request instead of READY",
            bytes(hex("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
            ConnectionError.DATA_FRAME_TOO_LARGE,
            0),
        Arguments.of(
            "data frame before READY",
            bytes("00000003 010203"),
            ConnectionError.DATA_BEFORE_START,
            0),
        Arguments.of(
            "data frame length 0xFFFFFFF0",
            afterHandshake("fffffff0"),
            ConnectionError.DATA_FRAME_TOO_LARGE,
            0),
        Arguments.of(
            "control frame of 3 bytes",
            bytes("00000000 00000003 000004"),
            ConnectionError.CONTROL_FRAME_LENGTH,
            0),
        Arguments.of(
            "control frame of 513 bytes",
            bytes("00000000 00000201"),
            ConnectionError.CONTROL_FRAME_LENGTH,
            0),
        Arguments.of(
            "unknown control type 9",
            bytes("00000000 00000004 00000009"),
            ConnectionError.UNKNOWN_CONTROL_TYPE,
            0),
        Arguments.of(
            "control field of unknown type",
            bytes("00000000 0000000c 00000004 00000002 00000000"),
            ConnectionError.MALFORMED_CONTROL_FRAME,
            0),
        Arguments.of(
            "READY without the dnstap content type",
            bytes("00000000 0000001a 00000004 00000001 0000000e" + hex("protobuf:other")),
            ConnectionError.CONTENT_TYPE_REJECTED,
            0),
        Arguments.of(
            "sender sends ACCEPT",
            bytes("00000000 00000004 00000001"),
            ConnectionError.UNEXPECTED_CONTROL_FRAME,
            0),
        Arguments.of(
            "READY twice", bytes(READY + READY), ConnectionError.UNEXPECTED_CONTROL_FRAME, 0),
        Arguments.of(
            "data before START",
            (Attack)
                c -> {
                  c.writeHex(READY);
                  c.readControl();
                  c.send(List.of(frames.get(udp.get(0))));
                },
            ConnectionError.DATA_BEFORE_START,
            0),
        Arguments.of(
            "frame cut off by EOF after two whole frames",
            (Attack)
                c -> {
                  c.handshake();
                  c.send(List.of(frames.get(udp.get(0)), frames.get(udp.get(1))));
                  c.writeHex("00000100 0102");
                  c.shutdownOutput();
                },
            ConnectionError.TRUNCATED,
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void badSenderLosesOnlyItsConnection(
      String name, Attack attack, ConnectionError reason, int wholeFramesSent) throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir);
        FrameStreamSender good = FrameStreamSender.streaming(daemon.socket())) {
      good.send(frames.subList(0, 150));
      try (FrameStreamSender bad = FrameStreamSender.open(daemon.socket())) {
        attack.run(bad);
        assertTrue(bad.awaitClosedByPeer(), "the daemon must close the bad connection");
      }
      good.send(frames.subList(150, frames.size()));
      good.stop();

      Scrape m = daemon.awaitPayloads(KnotCapture.FRAMES + wholeFramesSent);
      Accounting.assertConnectionErrors(m, reason, 1);
      assertEquals(
          KnotCapture.FRAMES + wholeFramesSent, m.result("dnstap_replay_data_frames_total", null));
      assertEquals(KnotCapture.UDP + wholeFramesSent, m.result(COMPARISONS, "matched"));
      Accounting.assertQueriesBalance(m, KnotCapture.UDP + wholeFramesSent);
    }
  }

  @Test
  void payloadsThatAreNotDnstapAreSkippedAndTheConnectionGoesOn() throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    byte[] badVarint = HexFormat.of().parseHex("ffffffff");
    byte[] noRequiredType = HexFormat.of().parseHex("0a03616263");
    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir);
        FrameStreamSender c = FrameStreamSender.streaming(daemon.socket())) {
      c.send(frames.subList(0, 100));
      c.send(List.of(badVarint, noRequiredType));
      c.send(frames.subList(100, frames.size()));
      c.stop();

      Scrape m = daemon.awaitPayloads(KnotCapture.FRAMES);
      assertEquals(2, m.result("dnstap_replay_dnstap_decode_errors_total", null));
      assertEquals(KnotCapture.FRAMES + 2, m.result("dnstap_replay_data_frames_total", null));
      assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
      Accounting.assertNoConnectionErrors(m);
    }
  }

  /**
   * Thousands of connections opened and dropped, half of them inside READY, while a sender streams:
   * each dropped one is accounted, none stays open, and the sender is untouched.
   */
  @Test
  void thousandsOfDroppedConnectionsLeaveNothingBehind() throws Exception {
    int connections = 2_000;
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir)) {
      long fdsBefore = openFileDescriptors();
      Future<?> streaming =
          pool.submit(
              () -> {
                try (FrameStreamSender good = FrameStreamSender.streaming(daemon.socket())) {
                  for (byte[] f : KnotCapture.frames()) {
                    good.send(List.of(f));
                  }
                  good.stop();
                }
                return null;
              });
      List<FrameStreamSender> batch = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        FrameStreamSender c = FrameStreamSender.open(daemon.socket());
        if (i % 2 == 1) {
          c.writeHex("00000000 00000022 00000004");
        }
        batch.add(c);
        if (batch.size() == 100) {
          closeAll(batch);
        }
      }
      closeAll(batch);
      streaming.get(30, TimeUnit.SECONDS);

      Scrape m =
          daemon.awaitMetrics(
              s ->
                  s.result("dnstap_replay_connections_accepted_total", null) == connections + 1
                      && Accounting.connectionErrors(s, ConnectionError.TRUNCATED)
                          == connections / 2);
      Accounting.assertConnectionErrors(m, ConnectionError.TRUNCATED, connections / 2);
      m = daemon.awaitPayloads(KnotCapture.FRAMES);
      assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
      awaitDescriptorsBelow(fdsBefore + MAX_EXTRA_DESCRIPTORS);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void closeAll(List<FrameStreamSender> batch) throws IOException {
    for (FrameStreamSender c : batch) {
      c.close();
    }
    batch.clear();
  }

  private static void awaitDescriptorsBelow(long limit) throws Exception {
    Await.until(
        () -> openFileDescriptors() <= limit,
        DaemonRunner.SETTLE,
        () -> openFileDescriptors() + " descriptors open, expected at most " + limit);
  }

  /** This JVM's open descriptors: the daemon's, since it runs here. */
  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
