// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.reliability.ReplayRig.COMPARISONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    try (ReplayRig rig = ReplayRig.start(dir)) {
      assertEquals(
          "rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(rig.socket())));
    }
  }

  /**
   * Connected senders go on, new ones cannot connect, the gauge shows it; stopping the daemon then
   * removes nothing.
   */
  @Test
  void removedSocketFileStopsOnlyNewSenders() throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    try (ReplayRig rig = ReplayRig.start(dir);
        FstrmConnection c = FstrmConnection.streaming(rig.socket())) {
      assertEquals(1, rig.scrape().result(REACHABLE, null));
      c.send(frames.subList(0, 100));
      Files.delete(rig.socket());
      assertThrows(IOException.class, () -> FstrmConnection.open(rig.socket()));
      assertEquals(0, rig.scrape().result(REACHABLE, null));
      c.send(frames.subList(100, frames.size()));
      c.stop();
      Scrape m = rig.awaitPayloads(KnotCapture.FRAMES);
      assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "matched"));
      ReplayRig.assertNoConnectionErrors(m);
    }
    assertFalse(Files.exists(dir.resolve("replay.sock")));
  }
}
