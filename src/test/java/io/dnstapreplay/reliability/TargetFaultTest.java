// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that is down, drops everything, or restarts in the middle of a stream: every payload is
 * accounted for as matched, mismatched, error or timeout, and replay recovers by itself once the
 * target answers again.
 */
class TargetFaultTest {
  @TempDir Path dir;

  /** A loopback UDP port nobody listens on: the kernel answers ICMP port unreachable. */
  private static InetSocketAddress closedPort() throws Exception {
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.bind(new InetSocketAddress("127.0.0.1", 0));
      return (InetSocketAddress) ch.getLocalAddress();
    }
  }

  @Test
  void closedTargetPortFailsQueriesAsErrors() throws Exception {
    InetSocketAddress closed = closedPort();
    try (DaemonRunner daemon =
        DaemonRunner.start(dir, closed, s -> s.timeout = DaemonRunner.SHORT_TIMEOUT)) {
      Scrape m = daemon.replay(KnotCapture.frames(), KnotCapture.FRAMES);
      Accounting.assertQueriesBalance(m, KnotCapture.UDP);
      assertTrue(m.result(QUERIES, "error") > 0, "port unreachable must show as errors");
      assertEquals(0, m.result(QUERIES, "success"));
      assertEquals(KnotCapture.FRAMES, m.result(Accounting.PAYLOADS, "error"));
    }
  }

  @Test
  void targetDroppingEverythingTimesEachQueryOutOnce() throws Exception {
    try (DaemonRunner daemon = DaemonRunner.start(dir, UdpResponder.silent(), s -> {})) {
      Scrape m = daemon.replay(KnotCapture.frames(), KnotCapture.FRAMES);
      Accounting.assertQueriesBalance(m, KnotCapture.UDP);
      assertEquals(KnotCapture.UDP, m.result(QUERIES, "timeout"));
      assertEquals(KnotCapture.UDP, daemon.target().receivedCount());
      List<Dnstap> timeouts = daemon.drain("/timeouts");
      assertEquals(KnotCapture.UDP, timeouts.size());
      for (Dnstap d : timeouts) {
        assertEquals(
            FailureRecord.Kind.TIMEOUT, FailureRecord.decode(d.getExtra().toByteArray()).kind());
      }
    }
  }

  /**
   * Up, then down (its port closed), then back on the same port, with the sender streaming all
   * along on one connection.
   */
  @Test
  void replayRecoversWhenTheTargetComesBack() throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    int firstCut = 110;
    int secondCut = 220;
    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir);
        FrameStreamSender c = FrameStreamSender.streaming(daemon.socket())) {
      InetSocketAddress address = daemon.target().address();
      c.send(frames.subList(0, firstCut));
      Scrape up = daemon.awaitPayloads(firstCut);
      long udpUp = udpFrames(frames.subList(0, firstCut));
      assertEquals(udpUp, up.result(COMPARISONS, "matched"));

      daemon.target().close();
      c.send(frames.subList(firstCut, secondCut));
      Scrape down = daemon.awaitPayloads(secondCut);
      long udpDown = udpFrames(frames.subList(firstCut, secondCut));
      assertEquals(udpUp, down.result(COMPARISONS, "matched"));
      assertEquals(
          udpDown,
          down.result(QUERIES, "error") + down.result(QUERIES, "timeout"),
          down.toString());

      try (UdpResponder back =
          UdpResponder.start(address, UdpResponder.logged(KnotCapture.responses()))) {
        c.send(frames.subList(secondCut, frames.size()));
        c.stop();
        Scrape after = daemon.awaitPayloads(frames.size());
        Accounting.assertQueriesBalance(after, KnotCapture.UDP);
        assertEquals(KnotCapture.UDP - udpDown, after.result(COMPARISONS, "matched"));
        assertEquals(0, after.result(COMPARISONS, "mismatched"));
        assertEquals(KnotCapture.UDP - udpUp - udpDown, back.receivedCount());
      }
    }
  }

  private static long udpFrames(List<byte[]> frames) {
    return frames.stream()
        .filter(
            f ->
                KnotCapture.parse(f).getMessage().getSocketProtocol()
                    == io.dnstapreplay.dnstap.DnstapProto.SocketProtocol.UDP)
        .count();
  }
}
