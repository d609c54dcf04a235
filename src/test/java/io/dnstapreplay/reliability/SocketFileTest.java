// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's Unix socket file: its mode, and what happens when someone removes it. */
class SocketFileTest {
  private static final String REACHABLE = "dnstap_replay_unix_socket_reachable";

  @TempDir Path dir;

  @Test
  void socketHasTheConfiguredMode() throws Exception {
    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir)) {
      assertEquals(
          "rw-rw----",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket())));
    }
  }

  /**
   * Connected senders go on, new ones cannot connect, the gauge shows it; stopping the daemon then
   * removes nothing.
   */
  @Test
  void removedSocketFileStopsOnlyNewSenders() throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir);
        FrameStreamSender c = FrameStreamSender.streaming(daemon.socket())) {
      assertEquals(1, daemon.scrape().result(REACHABLE, null));
      c.send(frames.subList(0, 100));
      Files.delete(daemon.socket());
      assertThrows(IOException.class, () -> FrameStreamSender.open(daemon.socket()));
      assertEquals(0, daemon.scrape().result(REACHABLE, null));
      c.send(frames.subList(100, frames.size()));
      c.stop();
      Scrape m = daemon.awaitPayloads(KnotCapture.FRAMES);
      assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
      Accounting.assertNoConnectionErrors(m);
    }
    assertFalse(Files.exists(dir.resolve("replay.sock")));
  }
}
