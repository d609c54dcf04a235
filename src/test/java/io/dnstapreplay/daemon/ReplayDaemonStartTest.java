// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.metrics.HealthChecks;
import io.dnstapreplay.pairing.PairingConfig;
import io.dnstapreplay.replay.ReplayConfig;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails at its last step (the Unix socket) must undo the earlier ones: the UDP sockets
 * to the target and the HTTP listener. Sockets are counted in /proc/net, where the kernel lists
 * them whoever opened them.
 */
class ReplayDaemonStartTest {
  private static final int NUM_SOCKETS = 4;

  @TempDir Path dir;
  private UdpResponder target;

  @BeforeEach
  void openTarget() {
    target = UdpResponder.start(UdpResponder.silent());
  }

  @AfterEach
  void closeTarget() {
    target.close();
  }

  private DaemonConfig config(int httpPort, Path unix) {
    return config(httpPort, unix, null);
  }

  private DaemonConfig config(int httpPort, Path unix, PairingConfig pairing) {
    return new DaemonConfig(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort),
        new ListenerConfig(
            unix,
            PosixFilePermissions.fromString("rw-rw----"),
            null,
            IpNetworks.none(),
            10,
            128 * 1024),
        null,
        100,
        1 << 20,
        100,
        100,
        1 << 20,
        1 << 20,
        List.of(),
        Duration.ofSeconds(5),
        new ReplayConfig(
            target.address(),
            null,
            NUM_SOCKETS,
            null,
            false,
            false,
            Duration.ofSeconds(1),
            100,
            1 << 19,
            true,
            false,
            IpNetworks.none(),
            Set.of(),
            pairing));
  }

  /** UDP sockets (IPv4 or dual-stack IPv6) connected to the target's port. */
  private long udpSocketsToTarget() throws IOException {
    String port = String.format(":%04X", target.address().getPort());
    long n = 0;
    for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path p = Path.of(table);
      if (Files.isReadable(p)) {
        n += Files.readAllLines(p).stream().skip(1).filter(l -> remote(l).endsWith(port)).count();
      }
    }
    return n;
  }

  private static String remote(String procNetLine) {
    return procNetLine.trim().split("\\s+")[2];
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void runningDaemonHoldsItsSocketsAndCloseReleasesThem() throws Exception {
    int http = freePort();
    Path unix = dir.resolve("replay.sock");
    try (ReplayDaemon d = ReplayDaemon.start(config(http, unix))) {
      assertEquals(NUM_SOCKETS, udpSocketsToTarget());
      assertFalse(canBind(http));
      assertTrue(Files.exists(unix, LinkOption.NOFOLLOW_LINKS));
      d.close();
      assertEquals(0, udpSocketsToTarget());
      assertTrue(canBind(http));
      assertFalse(Files.exists(unix, LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void startFailingAtTheUnixSocketReleasesUdpAndHttp() throws Exception {
    int http = freePort();
    Path file = Files.writeString(dir.resolve("not-a-socket"), "data");
    IOException e = assertThrows(IOException.class, () -> ReplayDaemon.start(config(http, file)));
    assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
    assertEquals(0, udpSocketsToTarget());
    assertTrue(canBind(http), "HTTP port released");
    assertEquals("data", Files.readString(file));
  }

  @Test
  void startFailingAtHttpReleasesUdpAndCreatesNoSocketFile() throws Exception {
    Path unix = dir.resolve("replay.sock");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IOException e =
          assertThrows(
              IOException.class, () -> ReplayDaemon.start(config(taken.getLocalPort(), unix)));
      assertTrue(e.getMessage().contains("--http"), e.getMessage());
    }
    assertEquals(0, udpSocketsToTarget());
    assertFalse(Files.exists(unix, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void closeTwiceIsHarmless() throws Exception {
    ReplayDaemon d = ReplayDaemon.start(config(0, dir.resolve("replay.sock")));
    d.close();
    d.close();
    assertEquals(0, udpSocketsToTarget());
  }

  /**
   * The byte bounds of the queue, of the queries in flight and of pairing, and the per-target
   * counts, show from start-up.
   */
  @Test
  void byteBoundMetricsAreExportedFromStartUp() throws Exception {
    try (ReplayDaemon d = ReplayDaemon.start(config(0, dir.resolve("replay.sock")))) {
      Scrape m = new Scrape(d.metrics().scrape());
      assertEquals(0, m.value("dnstap_replay_queue_bytes"));
      assertEquals(1 << 20, m.value("dnstap_replay_queue_max_bytes"));
      assertEquals(0, m.value("dnstap_replay_dns_queries_in_flight_bytes"));
      assertEquals(1 << 19, m.value("dnstap_replay_dns_queries_in_flight_max_bytes"));
      assertEquals(0, m.value("dnstap_replay_pairing_pending_bytes"));
      assertEquals(0, m.value("dnstap_replay_pairing_pending_max_bytes"), "no --pair");
      for (String bound : List.of("queue", "in_flight", "pairing")) {
        assertEquals(
            0, m.value("dnstap_replay_oversized_payloads_total{bound=\"" + bound + "\"}"), bound);
      }
      for (String result : List.of("success", "timeout", "error")) {
        assertEquals(
            0,
            m.value(
                "dnstap_replay_target_queries_total{result=\""
                    + result
                    + "\",target=\""
                    + target.address().getAddress().getHostAddress()
                    + ":"
                    + target.address().getPort()
                    + "\"}"),
            result);
      }
    }
  }

  @Test
  void pairingByteBoundIsExportedWithPair() throws Exception {
    PairingConfig pairing = new PairingConfig(Duration.ofSeconds(2), 10, 12_345);
    try (ReplayDaemon d = ReplayDaemon.start(config(0, dir.resolve("replay.sock"), pairing))) {
      Scrape m = new Scrape(d.metrics().scrape());
      assertEquals(12_345, m.value("dnstap_replay_pairing_pending_max_bytes"));
      assertEquals(0, m.value("dnstap_replay_pairing_pending_bytes"));
    }
  }

  /** Every stage is watched: the event loops it made. */
  @Test
  void healthReportsItsStages() throws Exception {
    try (ReplayDaemon d = ReplayDaemon.start(config(0, dir.resolve("replay.sock")))) {
      List<HealthChecks.Result> critical = d.metrics().health().runCritical();
      assertEquals(List.of(new HealthChecks.Result("stages", Optional.empty())), critical);
    }
  }
}
