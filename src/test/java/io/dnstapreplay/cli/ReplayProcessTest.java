// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real command in a child JVM: what an operator sees on stderr, the exit status, and what is
 * left on disk, for a normal start and stop, for every way a start can fail, and for a stop while
 * queries are in flight.
 */
class ReplayProcessTest {
  private static final Duration START_LIMIT = Duration.ofSeconds(30);
  private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
  private static final String LIFECYCLE = " INFO dnstap-replay - ";

  @TempDir Path dir;
  private Path socket;
  private Path stderr;
  private UdpResponder target;
  private final List<DaemonProcess> processes = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectory(dir.resolve("run"));
    socket = dir.resolve("run/replay.sock");
    stderr = dir.resolve("stderr.log");
    target = UdpResponder.start(UdpResponder.silent());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (DaemonProcess p : processes) {
      p.close();
    }
    target.close();
  }

  private String targetAddress() {
    return "127.0.0.1:" + target.address().getPort();
  }

  private DaemonProcess start(String... extra) throws IOException {
    return startWith("127.0.0.1:0", socket, extra);
  }

  private DaemonProcess startWith(String http, Path unix, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("--dns", targetAddress(), "--http", http, "--unix", unix.toString()));
    args.addAll(List.of(extra));
    DaemonProcess p = DaemonProcess.start(stderr, args.toArray(String[]::new));
    processes.add(p);
    return p;
  }

  private static boolean isListening(String line) {
    return line.contains("listening for Frame Streams on unix:");
  }

  private static int httpPort(DaemonProcess p) throws Exception {
    return p.awaitHttpPort(START_LIMIT);
  }

  private static Scrape scrape(int port) throws Exception {
    return DaemonProcess.scrape(port);
  }

  /** Runs a start that must fail, and returns its stderr. */
  private String failingStart(int expectedExit, String http, Path unix, String... extra)
      throws Exception {
    DaemonProcess p = startWith(http, unix, extra);
    int exit = p.awaitExit(START_LIMIT);
    String err = p.stderrText();
    assertEquals(expectedExit, exit, err);
    assertEquals(1, err.strip().lines().count(), "one line, not a stack trace or a log:\n" + err);
    assertTrue(err.startsWith("dnstap-replay: "), err);
    return err;
  }

  @Test
  void startLogsEachListenerAndSigtermStopsWithExitZero() throws Exception {
    DaemonProcess p = start();
    p.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
    List<String> lines = p.stderrLines();
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(
        lines.get(0).contains(LIFECYCLE + "replaying to udp:" + targetAddress()), lines.get(0));
    assertTrue(DaemonProcess.isHttpLine(lines.get(1)), lines.get(1));
    assertTrue(lines.get(2).endsWith("unix:" + socket), lines.get(2));
    assertTrue(
        Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer);
    assertFalse(Files.isRegularFile(socket));
    assertEquals(0, scrape(httpPort(p)).value("dnstap_replay_match_status"), 1);

    p.terminate();
    assertEquals(0, p.awaitExit(STOP_LIMIT), p.stderrText());
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket file removed");
    String err = p.stderrText();
    assertTrue(err.contains(LIFECYCLE + "SIGTERM received, stopping"), err);
    assertTrue(err.strip().endsWith(LIFECYCLE.strip() + " stopped"), err);
  }

  /**
   * With a --dns per family the start-up line names both, and each UDP payload of the capture
   * reaches the target of the family it was logged over, behind the PROXY v2 header of its own
   * client: each target answers as logged, and all match.
   */
  @Test
  void aDnsPerFamilySendsEachQueryToTheTargetOfItsFamily() throws Exception {
    long loggedOverIpv6 = KnotCapture.udpLoggedOverIpv6();
    assertTrue(loggedOverIpv6 > 0, "the capture has payloads logged over IPv6");
    UdpResponder.Policy logged = UdpResponder.logged(KnotCapture.responses());
    try (UdpResponder ipv4 = UdpResponder.start(logged);
        UdpResponder ipv6 =
            UdpResponder.start(new InetSocketAddress(InetAddress.getByName("::1"), 0), logged)) {
      String ipv4Target = "127.0.0.1:" + ipv4.address().getPort();
      String ipv6Target = "[::1]:" + ipv6.address().getPort();
      DaemonProcess p =
          DaemonProcess.start(
              stderr,
              "--dns",
              ipv6Target,
              "--dns",
              ipv4Target,
              "--http",
              "127.0.0.1:0",
              "--unix",
              socket.toString(),
              "--proxy");
      processes.add(p);
      int port = httpPort(p);
      p.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
      assertTrue(
          p.stderrLines()
              .get(0)
              .endsWith(
                  LIFECYCLE
                      + "replaying to udp:"
                      + ipv4Target
                      + ", and what was logged over IPv6 to udp:"
                      + ipv6Target
                      + ", over 10 sockets each"),
          p.stderrText());

      FrameStreamSender.sendSession(socket, KnotCapture.frames());
      Scrape s =
          Await.settled(
              () -> scrape(port),
              m -> m.result("dnstap_replay_dns_comparisons_total", "matched") >= KnotCapture.UDP,
              Duration.ofSeconds(10),
              "every UDP payload matched");
      assertEquals(KnotCapture.UDP, s.result("dnstap_replay_dns_queries_total", "success"));
      assertEquals(0, s.result("dnstap_replay_dns_comparisons_total", "mismatched"));
      assertEquals(KnotCapture.UDP - loggedOverIpv6, ipv4.receivedCount());
      assertEquals(loggedOverIpv6, ipv6.receivedCount());
      assertEquals(
          KnotCapture.UDP - loggedOverIpv6,
          s.value(
              "dnstap_replay_target_queries_total{result=\"success\",target=\""
                  + ipv4Target
                  + "\"}"));
      assertEquals(
          loggedOverIpv6,
          s.value(
              "dnstap_replay_target_queries_total{result=\"success\",target=\""
                  + ipv6Target
                  + "\"}"));
      p.terminate();
      assertEquals(0, p.awaitExit(STOP_LIMIT), p.stderrText());
    }
  }

  /** A second target that cannot be used is named, and nothing is left behind. */
  @Test
  void anUnusableIpv6TargetIsExitOneAndNamed() throws Exception {
    // a link-local address without a scope: connect() fails with EINVAL
    String err = failingStart(1, "127.0.0.1:0", socket, "--dns", "[fe80::1]:53");
    assertTrue(
        err.startsWith("dnstap-replay: cannot open UDP sockets to --dns [fe80::1]:53: "), err);
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void sighupStillRemovesTheSocketButExitsWithTheSignalStatus() throws Exception {
    assumeFalse(ignoresSighup(), "SIGHUP is ignored here (nohup), and so in the child");
    DaemonProcess p = start();
    p.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.process().pid())).start();
    assertEquals(0, kill.waitFor());
    assertEquals(128 + 1, p.awaitExit(STOP_LIMIT), p.stderrText());
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket file removed");
    assertTrue(p.stderrText().strip().endsWith("stopped"), p.stderrText());
  }

  /** Bit 0 of SigIgn in /proc/self/status is SIGHUP; ignored signals stay ignored across exec. */
  private static boolean ignoresSighup() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & 1) != 0;
      }
    }
    return false;
  }

  @Test
  void socketLeftBySigkillIsReplacedOnTheNextStart() throws Exception {
    DaemonProcess killed = start();
    killed.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
    killed.process().destroyForcibly().waitFor();
    assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "SIGKILL leaves the socket file");

    DaemonProcess next = start();
    next.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
    FrameStreamSender.sendSession(socket, List.of());
    next.terminate();
    assertEquals(0, next.awaitExit(STOP_LIMIT), next.stderrText());
  }

  @Test
  void sigtermWaitsForQueriesInFlightToTimeOutThenExitsZero() throws Exception {
    long timeoutMillis = 2000;
    // a fixed window puts every query in flight at once: the test is about their drain
    DaemonProcess p = start("--timeout", Long.toString(timeoutMillis), "--fixed-window");
    int port = httpPort(p);
    p.awaitLine(ReplayProcessTest::isListening, START_LIMIT);

    FrameStreamSender.sendSession(socket, KnotCapture.frames());
    int udp = KnotCapture.UDP;
    Await.until(
        () -> target.receivedCount() >= udp,
        Duration.ofSeconds(10),
        () -> target.receivedCount() + " of " + udp + " queries reached the target");
    assertEquals(udp, target.receivedCount(), "queries that reached the target");
    Scrape before = scrape(port);
    assertEquals(udp, before.value("dnstap_replay_dns_queries_in_flight"));

    long stopAt = System.nanoTime();
    p.terminate();
    int exit = p.awaitExit(STOP_LIMIT);
    long stopMillis = (System.nanoTime() - stopAt) / 1_000_000;
    String err = p.stderrText();
    assertEquals(0, exit, err);
    assertTrue(stopMillis <= timeoutMillis + 1000, "stopped after " + stopMillis + " ms:\n" + err);
    assertTrue(err.contains("0 payloads queued, " + udp + " queries in flight"), err);
    assertTrue(err.contains("drained: 0 responses and " + udp + " timeouts while stopping"), err);
    assertTrue(err.contains("0 /errors and " + udp + " /timeouts records not fetched"), err);
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Start-up and shutdown (always shown), a status file too large to read (a warning), the match
   * status it sets (info), and Netty's debug output.
   */
  private String runWithVerbosity(String... flags) throws Exception {
    Path tooLarge = Files.write(dir.resolve("a"), new byte[1 << 20]);
    List<String> args = new ArrayList<>(List.of(flags));
    args.addAll(List.of("--match-status-files", tooLarge.toString(), dir.resolve("b").toString()));
    DaemonProcess p = start(args.toArray(String[]::new));
    p.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
    p.terminate();
    assertEquals(0, p.awaitExit(STOP_LIMIT), p.stderrText());
    return p.stderrText();
  }

  private static long count(String text, String part) {
    return text.lines().filter(l -> l.contains(part)).count();
  }

  /** As the original: errors only, but start-up and shutdown are always worth their lines. */
  @Test
  void defaultLogLevelShowsOnlyErrorsAndLifecycleLines() throws Exception {
    String err = runWithVerbosity();
    assertEquals(0, count(err, " WARN "), err);
    assertEquals(0, count(err, " DEBUG "), err);
    assertTrue(count(err, LIFECYCLE) > 0, err);
    assertEquals(count(err, " INFO "), count(err, LIFECYCLE), err);
  }

  @Test
  void oneVerboseFlagShowsWarnings() throws Exception {
    String err = runWithVerbosity("-v");
    assertEquals(1, count(err, " WARN "), err);
    assertEquals(1, count(err, "match status file problem"), err);
    assertEquals(count(err, " INFO "), count(err, LIFECYCLE), err);
    assertEquals(0, count(err, " DEBUG "), err);
  }

  @Test
  void twoVerboseFlagsShowInfo() throws Exception {
    String err = runWithVerbosity("-vv");
    assertEquals(1, count(err, "MatchStatusMonitor - match status off"), err);
    assertEquals(0, count(err, " DEBUG "), err);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-vvv", "--verbose --verbose --verbose", "-v -vv"})
  void threeVerboseFlagsShowDebug(String flags) throws Exception {
    String err = runWithVerbosity(flags.split(" "));
    assertTrue(count(err, " DEBUG ") > 0, err);
    assertEquals(0, count(err, " TRACE "), err);
  }

  @Test
  void httpPortInUseIsExitOneAndLeavesNothingBehind() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String http = "127.0.0.1:" + taken.getLocalPort();
      String err = failingStart(1, http, socket);
      assertTrue(err.contains("--http"), err);
      assertTrue(err.contains("Address already in use"), err);
    }
    try (var files = Files.list(socket.getParent())) {
      assertEquals(List.of(), files.toList(), "nothing left in the socket's directory");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"regular file", "directory", "missing parent"})
  void unusableUnixPathIsExitOneAndLeftUntouched(String kind) throws Exception {
    Path path;
    switch (kind) {
      case "regular file" -> {
        path = Files.writeString(dir.resolve("run/not-a-socket"), "keep me\n");
        Files.setLastModifiedTime(path, FileTime.fromMillis(1_000_000_000_000L));
      }
      case "directory" -> path = Files.createDirectory(dir.resolve("run/a-dir"));
      default -> path = dir.resolve("run/missing/replay.sock");
    }
    String err = failingStart(1, "127.0.0.1:0", path);
    assertTrue(err.contains(path.toString()), err);
    switch (kind) {
      case "regular file" -> {
        assertEquals("keep me\n", Files.readString(path));
        assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(path).toMillis());
        assertTrue(err.contains("not a socket"), err);
      }
      case "directory" -> {
        assertTrue(Files.isDirectory(path));
        try (var files = Files.list(path)) {
          assertEquals(0, files.count());
        }
      }
      default -> {
        assertFalse(Files.exists(path.getParent()));
        assertTrue(err.contains("does not exist"), err);
      }
    }
  }

  @Test
  void liveSocketOfAnotherDaemonIsExitOneAndKeepsServing() throws Exception {
    DaemonProcess first = start();
    int port = httpPort(first);
    first.awaitLine(ReplayProcessTest::isListening, START_LIMIT);
    Path secondErr = dir.resolve("second.log");
    DaemonProcess second =
        DaemonProcess.start(
            secondErr,
            "--dns",
            targetAddress(),
            "--http",
            "127.0.0.1:0",
            "--unix",
            socket.toString());
    processes.add(second);
    assertEquals(1, second.awaitExit(START_LIMIT), second.stderrText());
    assertTrue(second.stderrText().contains("in use by another listening process"));
    assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the first daemon's socket stays");
    FrameStreamSender.sendSession(socket, List.of());
    assertTrue(first.process().isAlive());
    assertEquals(0, scrape(port).value("dnstap_replay_dns_queries_in_flight"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--dscp=64",
        "--timeout=0",
        "--num-sockets=-1",
        "--bogus",
        "--ignore-query-net=10.0.0.1/33"
      })
  void badValueIsExitTwoBeforeAnythingIsBound(String option) throws Exception {
    String err = failingStart(2, "127.0.0.1:0", socket, option);
    assertTrue(err.contains("(see --help)"), err);
    assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "no socket file created");
  }
}
