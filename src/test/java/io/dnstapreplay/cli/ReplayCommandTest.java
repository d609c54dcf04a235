// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.pairing.PairingConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Bad command lines fail with one line and exit 2, before anything is bound. */
class ReplayCommandTest {
  private static final String[] REQUIRED = {
    "--dns", "127.0.0.1:53", "--http", "127.0.0.1:8053", "--unix", "/tmp/x.sock"
  };

  private static String[] with(String... extra) {
    List<String> args = new ArrayList<>(List.of(REQUIRED));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private record Result(int exit, String err, DaemonConfig config) {}

  private static Result run(String... args) {
    StringWriter err = new StringWriter();
    ValidateOnly command = new ValidateOnly();
    int exit = Cli.run(command, args, new PrintWriter(err, true));
    return new Result(exit, err.toString(), command.config);
  }

  /** The real command's options and validation, without starting the daemon. */
  @CommandLine.Command(name = "dnstap-replay")
  static final class ValidateOnly implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ReplayCommandOptions options;
    DaemonConfig config;

    @Override
    public Integer call() {
      config = options.toConfig(spec.commandLine());
      return 0;
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--dscp|64|--dscp must be 0..63: 64",
        "--dscp|-1|--dscp must be 0..63: -1",
        "--channel-capacity|0|--channel-capacity must be at least 1: 0",
        "--channel-error-capacity|0|--channel-error-capacity must be at least 1: 0",
        "--num-sockets|0|--num-sockets must be at least 1: 0",
        "--max-in-flight|0|--max-in-flight must be at least 1: 0",
        "--timeout|0|--timeout must be at least 1: 0",
        "--ignore-query-net|10.0.0.0|--ignore-query-net",
        "--equivalent|ttl,size|--equivalent: unknown mismatch class 'size'",
        "--unix-mode|999|is not an octal mode",
        "--channel-error-bytes|0|--channel-error-bytes must be at least 1: 0",
        "--channel-timeout-bytes|64X|'64X' is not a size",
        "--channel-error-bytes|-1M|'-1M' is not a size",
        "--channel-error-bytes|9999999999999999G|is too large",
        "--channel-bytes|0|--channel-bytes must be at least 1: 0",
        "--channel-bytes|1.5M|'1.5M' is not a size",
        "--max-in-flight-bytes|0|--max-in-flight-bytes must be at least 1: 0",
        "--max-in-flight-bytes|16MB|'16MB' is not a size",
        "--max-frame-size|0|--max-frame-size must be",
        "--max-connections|0|--max-connections must be at least 1: 0",
        "--dns|example.com:53|is not an IP address",
        "--dns|127.0.0.1|is not IP:PORT",
        "--dns|127.0.0.1:70000|outside 0..65535",
        "--dns|::1:53|write an IPv6 address as [ADDRESS]:PORT",
        "--http|[127.0.0.1]:80|brackets are for IPv6",
      })
  void badValueIsOneLineAndExitTwo(String option, String value, String message) {
    Result r = run(with(option, value));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  /** A second --dns of the other family takes the queries logged over IPv6, in either order. */
  @ParameterizedTest
  @CsvSource({"127.0.0.1:5302, [::1]:5303", "[::1]:5303, 127.0.0.1:5302"})
  void aSecondDnsOfTheOtherFamilyIsTheIpv6Target(String first, String second) throws Exception {
    Result r = run(dnsArgs(first, second));
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5302),
        r.config().replay().target());
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("::1"), 5303),
        r.config().replay().ipv6Target());
  }

  /** One --dns, of either family, takes every query as before. */
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:53", "[::1]:53"})
  void oneDnsTakesEveryQuery(String dns) {
    Result r = run(dnsArgs(dns));
    assertEquals(0, r.exit(), r.err());
    assertEquals(53, r.config().replay().target().getPort());
    assertNull(r.config().replay().ipv6Target());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1:53|192.0.2.1:53|--dns given twice for IPv4 (127.0.0.1:53, 192.0.2.1:53): a"
            + " second --dns must be of the other address family",
        "[::1]:53|[2001:db8::1]:53|--dns given twice for IPv6 ([::1]:53, [2001:db8::1]:53): a"
            + " second --dns must be of the other address family",
        "127.0.0.1:53|127.0.0.1:53|--dns given twice for IPv4 (127.0.0.1:53, 127.0.0.1:53): a"
            + " second --dns must be of the other address family",
      })
  void twoDnsOfOneFamilyAreOneLineAndExitTwo(String first, String second, String message) {
    Result r = run(dnsArgs(first, second));
    assertEquals(2, r.exit(), r.err());
    assertEquals("dnstap-replay: " + message + " (see --help)", r.err().strip());
  }

  @Test
  void moreThanTwoDnsAreOneLineAndExitTwo() {
    Result r = run(dnsArgs("127.0.0.1:53", "[::1]:53", "127.0.0.2:53"));
    assertEquals(2, r.exit(), r.err());
    assertEquals(
        "dnstap-replay: --dns may be given at most twice (one IPv4 and one IPv6 address), not 3"
            + " times (see --help)",
        r.err().strip());
  }

  /** The required options but --dns, with each of {@code targets} as a --dns. */
  private static String[] dnsArgs(String... targets) {
    List<String> args =
        new ArrayList<>(List.of("--http", "127.0.0.1:8053", "--unix", "/tmp/x.sock"));
    for (String t : targets) {
      args.addAll(List.of("--dns", t.strip()));
    }
    return args.toArray(String[]::new);
  }

  /** An empty path would be the working directory, "not a socket": say what is wrong instead. */
  @Test
  void emptyUnixPathIsOneLineAndExitTwo() {
    Result r = run("--dns", "127.0.0.1:53", "--http", "127.0.0.1:8053", "--unix", "");
    assertEquals(2, r.exit(), r.err());
    assertEquals(
        "dnstap-replay: --unix must not be empty: give the path of the socket to create"
            + " (see --help)",
        r.err().strip());
  }

  @Test
  void tcpBesideOrInsteadOfUnixWithLoopbackAllowedByDefault() throws Exception {
    Result r = run(with("--tcp", "127.0.0.1:6000"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(6000, r.config().listeners().tcp().getPort());
    Result tcpOnly = run("--dns", "127.0.0.1:53", "--http", "127.0.0.1:8053", "--tcp", "[::]:6000");
    assertEquals(0, tcpOnly.exit(), tcpOnly.err());
    assertNull(tcpOnly.config().listeners().unix());
    IpNetworks allowed = tcpOnly.config().listeners().tcpAllow();
    assertTrue(allowed.containsPeer(InetAddress.getByName("127.0.0.2")));
    assertTrue(allowed.containsPeer(InetAddress.getByName("::1")));
    assertFalse(allowed.containsPeer(InetAddress.getByName("192.0.2.1")));
  }

  @Test
  void tcpAllowReplacesTheDefault() throws Exception {
    Result r = run(with("--tcp", "127.0.0.1:6000", "--tcp-allow", "192.0.2.0/24"));
    assertEquals(0, r.exit(), r.err());
    IpNetworks allowed = r.config().listeners().tcpAllow();
    assertTrue(allowed.containsPeer(InetAddress.getByName("192.0.2.1")));
    assertFalse(allowed.containsPeer(InetAddress.getByName("127.0.0.1")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--http 127.0.0.1:8053|nothing to listen on: give --unix PATH, --tcp IP:PORT or both",
        "--http 127.0.0.1:8053 --tcp 127.0.0.1:1 --unix-mode 600|--unix-mode applies only with"
            + " --unix",
        "--http 127.0.0.1:8053 --unix /tmp/x --tcp-allow 10.0.0.0/8|--tcp-allow applies only"
            + " with --tcp",
        "--http 127.0.0.1:8053 --tcp 127.0.0.1:1 --tcp-allow 10.0.0.1/8|--tcp-allow: invalid"
            + " network '10.0.0.1/8'",
        "--http 127.0.0.1:8053 --tcp localhost:1|is not an IP address",
      })
  void listenerCombinationsAreChecked(String args, String message) {
    List<String> all = new ArrayList<>(List.of("--dns", "127.0.0.1:53"));
    all.addAll(List.of(args.split(" ")));
    Result r = run(all.toArray(String[]::new));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void readIsAReplayOfFilesWithoutListenersOrHttp() {
    Result r = run("--dns", "127.0.0.1:53", "-r", "a.tap", "b.tap", "--read", "-", "--speed", "2");
    assertEquals(0, r.exit(), r.err());
    assertNull(r.config().listeners());
    assertNull(r.config().http());
    assertEquals(List.of("a.tap", "b.tap", "-"), r.config().files().inputs());
    assertEquals(2.0, r.config().files().speed());
    assertNull(r.config().files().errorsFile());
    Result unpaced = run("--dns", "127.0.0.1:53", "-r", "a.tap", "--http", "127.0.0.1:0");
    assertEquals(0, unpaced.config().files().speed());
    assertEquals(0, unpaced.config().http().getPort());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--unix /tmp/x.sock|--unix is for a live replay, not with --read",
        "--tcp 127.0.0.1:1|--tcp is for a live replay, not with --read",
        "--unix-mode 600|--unix-mode is for a live replay, not with --read",
        "--tcp-allow 10.0.0.0/8|--tcp-allow is for a live replay, not with --read",
        "--max-connections 5|--max-connections is for a live replay, not with --read",
        "--max-frame-size 5|--max-frame-size is for a live replay, not with --read",
        "--match-status-files a b|--match-status-files is for a live replay, not with --read",
        "--match-status-delay 1|--match-status-delay is for a live replay, not with --read",
        "--read -|--read: standard input (-) can be read only once",
        "--speed 0|--speed must be a positive number: 0.0",
        "--speed -2|--speed must be a positive number: -2.0",
        "--speed NaN|--speed must be a positive number: NaN",
        "--errors-file -|--errors-file must name a file: standard output carries the summary",
        "--errors-file x.tap --timeouts-file ./x.tap|--errors-file and --timeouts-file must be"
            + " different files",
        "--timeouts-file ./in.tap|--timeouts-file ./in.tap is the input in.tap: it would be"
            + " overwritten",
      })
  void optionsOfTheOtherModeAndBadFileOptionsAreRefused(String args, String message) {
    List<String> all = new ArrayList<>(List.of("--dns", "127.0.0.1:53", "-r", "-", "in.tap"));
    all.addAll(List.of(args.split(" ")));
    Result r = run(all.toArray(String[]::new));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @ParameterizedTest
  @CsvSource({
    "--errors-file,e.tap",
    "--timeouts-file,t.tap",
    "--speed,1",
    "--json,",
  })
  void fileOptionsNeedRead(String option, String value) {
    Result r = run(value == null ? with(option) : with(option, value));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(option + " applies only with --read"), r.err());
  }

  @Test
  void aLiveReplayNeedsHttp() {
    Result r = run("--dns", "127.0.0.1:53", "--unix", "/tmp/x.sock");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--http IP:PORT is required, except with --read"), r.err());
  }

  @Test
  void readIsSeenBeforeParsingToQuietTheLog() {
    assertTrue(ReplayCommand.readsFiles(new String[] {"--dns", "127.0.0.1:53", "-r", "a.tap"}));
    assertTrue(ReplayCommand.readsFiles(new String[] {"--read=a.tap"}));
    assertFalse(ReplayCommand.readsFiles(with("-v")));
    assertFalse(ReplayCommand.readsFiles(new String[] {"--unix", "/x", "--", "-r"}));
  }

  @Test
  void oneStatusFileIsNotEnough() {
    Result r = run(with("--match-status-files", "/tmp/a"));
    assertEquals(2, r.exit(), r.err());
  }

  @Test
  void timespecWithoutProxyIsAcceptedWithAWarningAsTheOriginalAcceptsIt() {
    Result r = run(with("--proxy-timespec"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        "dnstap-replay: warning: --proxy-timespec has no effect without --proxy", r.err().strip());
    assertTrue(r.config().replay().proxyTimespec());
    assertFalse(r.config().replay().proxy());
    assertTrue(run(with("--proxy-timespec", "--proxy")).err().isEmpty());
  }

  /** Both buffers full take a quarter of the heap, whatever -Xmx is. */
  @Test
  void bufferByteBoundsDefaultToAnEighthOfTheHeapEach() {
    DaemonConfig c = run(REQUIRED).config();
    long share = Runtime.getRuntime().maxMemory() / 8;
    assertEquals(share, c.errorBytes());
    assertEquals(share, c.timeoutBytes());
  }

  @ParameterizedTest
  @CsvSource({"65536,65536", "64K,65536", "64k,65536", "32M,33554432", "2G,2147483648"})
  void bufferByteBoundsTakeSizesAsXmxDoes(String value, long bytes) {
    Result r = run(with("--channel-error-bytes", value, "--channel-timeout-bytes", value));
    assertEquals(0, r.exit(), r.err());
    assertEquals(bytes, r.config().errorBytes());
    assertEquals(bytes, r.config().timeoutBytes());
  }

  /**
   * The queue an eighth of the heap, the queries in flight (each holding its message about twice) a
   * sixteenth: with both buffers, all four bounds full take half the heap.
   */
  @Test
  void queueAndInFlightByteBoundsDefaultToShareOfTheHeap() {
    DaemonConfig c = run(REQUIRED).config();
    long heap = Runtime.getRuntime().maxMemory();
    assertEquals(heap / 8, c.channelBytes());
    assertEquals(heap / 16, c.replay().maxInFlightBytes());
    assertTrue(
        c.errorBytes() + c.timeoutBytes() + c.channelBytes() + 2 * c.replay().maxInFlightBytes()
            <= heap / 2);
  }

  @Test
  void queueAndInFlightByteBoundsTakeSizes() {
    Result r = run(with("--channel-bytes", "48M", "--max-in-flight-bytes", "100k"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(48 << 20, r.config().channelBytes());
    assertEquals(100 << 10, r.config().replay().maxInFlightBytes());
  }

  @Test
  void missingRequiredOptionIsExitTwo() {
    assertEquals(2, run("--dns", "127.0.0.1:53").exit());
  }

  @Test
  void dscp63IsAcceptedUnlikeTheOriginal() {
    Result r = run(with("--dscp", "63"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(63, r.config().replay().dscp());
  }

  @Test
  void defaultsAreTheOriginals() {
    DaemonConfig c = run(REQUIRED).config();
    assertEquals(10_000, c.channelCapacity());
    assertEquals(100_000, c.errorCapacity());
    assertEquals(100_000, c.timeoutCapacity());
    assertEquals(10, c.replay().numSockets());
    assertEquals(1000, c.replay().maxInFlight());
    assertEquals(5000, c.replay().timeout().toMillis());
    assertEquals(5000, c.matchStatusDelay().toMillis());
    assertEquals(128 * 1024, c.listeners().maxFrameSize());
    assertEquals(256, c.listeners().maxConnections());
    assertEquals(PosixFilePermissions.fromString("rw-rw----"), c.listeners().unixMode());
    assertNull(c.replay().dscp());
    assertTrue(c.replay().ignoredNets().isEmpty());
    assertTrue(c.matchStatusFiles().isEmpty());
    assertTrue(c.replay().equivalent().isEmpty());
    assertNull(c.replay().pairing());
    assertFalse(c.replay().filterOptions().pair());
  }

  /**
   * The pending queries' byte bound is a thirty-second of the heap, as the other bounds a share.
   */
  @Test
  void pairHasAWindowAndBoundsWithDefaults() {
    Result r = run(with("--pair"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        new PairingConfig(Duration.ofSeconds(2), 10_000, Runtime.getRuntime().maxMemory() / 32),
        r.config().replay().pairing());
    assertTrue(r.config().replay().filterOptions().pair());
    Result set =
        run(
            with(
                "--pair",
                "--pair-window",
                "0",
                "--pair-max-pending",
                "7",
                "--pair-max-pending-bytes",
                "3k"));
    assertEquals(0, set.exit(), set.err());
    assertEquals(new PairingConfig(Duration.ZERO, 7, 3072), set.config().replay().pairing());
    Result file = run("--dns", "127.0.0.1:53", "-r", "a.tap", "--pair", "--pair-window", "500");
    assertEquals(0, file.exit(), file.err());
    assertEquals(Duration.ofMillis(500), file.config().replay().pairing().window());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--pair-window 100|--pair-window applies only with --pair",
        "--pair-max-pending 100|--pair-max-pending applies only with --pair",
        "--pair --pair-window -1|--pair-window must not be negative: -1",
        "--pair --pair-max-pending 0|--pair-max-pending must be at least 1: 0",
        "--pair-max-pending-bytes 1M|--pair-max-pending-bytes applies only with --pair",
        "--pair --pair-max-pending-bytes 0|--pair-max-pending-bytes must be at least 1: 0",
        "--pair --pair-max-pending-bytes 1.5M|Invalid value for option '--pair-max-pending-bytes':"
            + " '1.5M' is not a size: BYTES, or a number followed by K, M or G",
      })
  void pairOptionsAreChecked(String args, String message) {
    Result r = run(with(args.split(" ")));
    assertEquals(2, r.exit(), r.err());
    assertEquals("dnstap-replay: " + message + " (see --help)", r.err().strip());
  }

  @Test
  void equivalentTakesAListOfClasses() {
    Result r = run(with("--equivalent", "order,ttl,compression"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        EnumSet.of(MismatchClass.ORDER, MismatchClass.TTL, MismatchClass.COMPRESSION),
        r.config().replay().equivalent());
  }

  @Test
  void repeatableAndIpv6OptionsAreRead() {
    Result r =
        run(
            "--dns",
            "[::1]:5302",
            "--http",
            "[::1]:0",
            "--unix",
            "/tmp/x.sock",
            "--ignore-query-net",
            "10.0.0.0/8",
            "--ignore-query-net",
            "2001:db8::/32",
            "--match-status-files",
            "/tmp/a",
            "/tmp/b",
            "--unix-mode",
            "600");
    assertEquals(0, r.exit(), r.err());
    assertEquals(5302, r.config().replay().target().getPort());
    IpNetworks nets = r.config().replay().ignoredNets();
    assertTrue(nets.contains(new byte[] {10, 1, 2, 3}));
    assertTrue(nets.contains(HexFormat.of().parseHex("20010db8000000000000000000000001")));
    assertFalse(nets.contains(new byte[] {11, 1, 2, 3}));
    assertEquals(2, r.config().matchStatusFiles().size());
    assertEquals(PosixFilePermissions.fromString("rw-------"), r.config().listeners().unixMode());
  }

  @Test
  void helpAndVersionExitZero() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--version"));
    assertTrue(out.toString().startsWith("dnstap-replay "), out.toString());
    assertEquals(0, cl.execute("--help"));
    assertTrue(out.toString().contains("--channel-capacity"), out.toString());
    for (String option :
        List.of(
            "--tcp=IP:PORT",
            "--tcp-allow=CIDR",
            "--max-connections=N",
            "-r, --read=FILE...",
            "--errors-file=FILE",
            "--timeouts-file=FILE",
            "--speed=FACTOR",
            "--json")) {
      assertTrue(out.toString().contains(option), option + " in\n" + out);
    }
    assertTrue(out.toString().contains("default: 10000"), out.toString());
    assertTrue(out.toString().contains("Exit status:"), out.toString());
  }

  @ParameterizedTest
  @CsvSource({"-vv,2", "-v -v -v,3", "--verbose,1"})
  void picocliCountsVerboseFlagsLikeLogging(String flags, int expected) {
    String[] args = with(flags.split(" "));
    assertEquals(expected, Logging.verbosity(args));
    ValidateOnly command = new ValidateOnly();
    new CommandLine(command).parseArgs(args);
    assertEquals(expected, command.options.verbose.length);
  }
}
