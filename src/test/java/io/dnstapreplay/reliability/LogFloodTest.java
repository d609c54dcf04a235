// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.ControlFrame;
import io.dnstapreplay.metrics.Metrics.ConnectionError;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sender allowed on the socket can write into the daemon's log: 100,000 one-byte data frames
 * that are not dnstap and 2,000 connections refused in the handshake, against the real command in a
 * child JVM, with {@code -v} to show warnings. Every one is counted; the log gets a few lines, not
 * one each.
 */
class LogFloodTest {
  private static final int BAD_FRAMES = 100_000;
  private static final int REFUSED = 2_000;
  private static final long MAX_LOG_BYTES = 1 << 20;
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void floodsOfBadFramesAndRefusedConnectionsAreCountedNotLoggedEach() throws Exception {
    Path socket = dir.resolve("replay.sock");
    Path stderr = dir.resolve("stderr.log");
    try (UdpResponder target = UdpResponder.start(UdpResponder.silent());
        DaemonProcess p =
            DaemonProcess.listening(stderr, List.of(), target.address(), socket, LIMIT, "-v")) {
      int port = p.httpPort();
      long startupLog = Files.size(stderr);
      long started = System.nanoTime();

      FrameStreamSender.sendSession(socket, Collections.nCopies(BAD_FRAMES, new byte[] {0}));
      for (int i = 0; i < REFUSED; i++) {
        try (FrameStreamSender c = FrameStreamSender.open(socket)) {
          c.write(ControlFrame.ready(List.of("protobuf:not.Dnstap")));
          assertTrue(c.awaitClosedByPeer());
        }
      }
      Scrape m =
          Await.first(
              () -> {
                Scrape s = DaemonProcess.scrape(port);
                return s.value("dnstap_replay_dnstap_decode_errors_total") == BAD_FRAMES
                        && Accounting.connectionErrors(s, ConnectionError.CONTENT_TYPE_REJECTED)
                            == REFUSED
                    ? s
                    : null;
              },
              LIMIT,
              () -> "not every bad frame and refused connection counted");
      assertEquals(BAD_FRAMES, m.value("dnstap_replay_data_frames_total"));

      long logged = Files.size(stderr) - startupLog;
      String log = Files.readString(stderr);
      assertTrue(logged < MAX_LOG_BYTES, logged + " bytes of log");
      // the first of each kind, then a count and an example per interval on a slow machine
      long intervals = Duration.ofNanos(System.nanoTime() - started).toSeconds() / 10 + 1;
      for (String kind : List.of("that is not a dnstap message", "content_type_rejected")) {
        long lines = log.lines().filter(l -> l.contains(kind)).count();
        assertTrue(lines >= 1 && lines <= 1 + 2 * intervals, lines + " lines of " + kind);
      }
    }
  }
}
