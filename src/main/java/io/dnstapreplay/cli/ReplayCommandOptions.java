// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.collector.InputFiles;
import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.FileConfig;
import io.dnstapreplay.daemon.ListenerConfig;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.pairing.PairingConfig;
import io.dnstapreplay.replay.ReplayConfig;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of {@code dnstap-replay} and their validation, separate from running the daemon so
 * that every bad value can be tested without binding anything.
 */
final class ReplayCommandOptions {
  /** A dnstap message carries two DNS messages of at most 64 KiB each, plus a little. */
  static final int MAX_FRAME_SIZE_LIMIT = 1 << 20;

  /**
   * A DNS server opens one connection or a few; the cap bounds the descriptors and buffers a
   * runaway or hostile sender can take.
   */
  static final int DEFAULT_MAX_CONNECTIONS = 256;

  /** Options of a live replay, refused with {@code --read}. */
  static final List<String> LIVE_OPTIONS =
      List.of(
          "--unix",
          "--unix-mode",
          "--tcp",
          "--tcp-allow",
          "--max-connections",
          "--max-frame-size",
          "--match-status-files",
          "--match-status-delay");

  /** Options of a replay of files, refused without {@code --read}. */
  static final List<String> FILE_OPTIONS =
      List.of("--errors-file", "--timeouts-file", "--speed", "--json");

  /** Frame Streams has no authentication: by default only this host may send over TCP. */
  static final List<String> DEFAULT_TCP_ALLOW = List.of("127.0.0.0/8", "::1/128");

  /**
   * Each failure buffer may fill an eighth of the heap by default, and so may the queue; the
   * queries in flight a sixteenth, as each holds its message about twice (the message, and the
   * query and response copied out to send and compare). All four full take half the heap, whatever
   * {@code -Xmx} is; the queries {@code --pair} keeps waiting a thirty-second more, and so does the
   * reordering window of {@code --speed} (the collector's own, with {@code --read} only, where no
   * sender's reads take room). That leaves seven sixteenths for what no bound counts (a read per
   * paused connection, the batches on their way, a drain) and for the collector to work in.
   */
  static final int HEAP_SHARE_PER_BUFFER = 8;

  /** The queue's default share of the heap (see {@link #HEAP_SHARE_PER_BUFFER}). */
  static final int HEAP_SHARE_QUEUE = 8;

  /** The queries in flight's default share of the heap (see {@link #HEAP_SHARE_PER_BUFFER}). */
  static final int HEAP_SHARE_IN_FLIGHT = 16;

  /**
   * The pending queries' default share of the heap (see {@link #HEAP_SHARE_PER_BUFFER}): 10,000
   * queries as servers log them weigh about 3 MB, so the count binds first from a 128 MiB heap up.
   */
  static final int HEAP_SHARE_PAIRING = 32;

  private CommandLine commandLine;

  @Option(
      names = "--dns",
      required = true,
      paramLabel = "IP:PORT",
      converter = AddressConverter.class,
      description =
          "Target nameserver, e.g. 192.0.2.1:53 or [2001:db8::1]:53. Given twice, once IPv4 and"
              + " once IPv6, queries logged over IPv6 go to the IPv6 one, the others to the IPv4"
              + " one.")
  List<InetSocketAddress> dns = new ArrayList<>();

  @Option(
      names = "--http",
      paramLabel = "IP:PORT",
      converter = AddressConverter.class,
      description =
          "Address of the HTTP server (/metrics, /healthz, /errors, /timeouts); required but"
              + " with --read. Keep it private.")
  InetSocketAddress http;

  @Option(
      names = {"-r", "--read"},
      paramLabel = "FILE",
      arity = "1..*",
      description =
          "Replay these Frame Streams files in order (- for standard input) instead of"
              + " listening, print a summary and exit: 0 when every payload matched, 1 on"
              + " mismatches or timeouts, 2 on trouble.")
  List<String> read = new ArrayList<>();

  @Option(
      names = "--errors-file",
      paramLabel = "FILE",
      description = "With --read: write the /errors records to FILE (Frame Streams) as they come.")
  Path errorsFile;

  @Option(
      names = "--timeouts-file",
      paramLabel = "FILE",
      description = "With --read: write the /timeouts records to FILE as they come.")
  Path timeoutsFile;

  @Option(
      names = "--speed",
      paramLabel = "FACTOR",
      description =
          "With --read: send at the pace of the messages' timestamps, FACTOR times faster"
              + " (1: real time); default: as fast as the target answers.")
  Double speed;

  @Option(names = "--json", description = "With --read: print the summary as one JSON document.")
  boolean json;

  @Option(
      names = "--unix",
      paramLabel = "PATH",
      description = "Unix socket to listen on for Frame Streams senders.")
  Path unix;

  @Option(
      names = "--unix-mode",
      paramLabel = "MODE",
      defaultValue = "0660",
      converter = ModeConverter.class,
      description = "File mode of the socket (octal; default: ${DEFAULT-VALUE}).")
  ModeConverter.FileMode unixMode;

  @Option(
      names = "--tcp",
      paramLabel = "IP:PORT",
      converter = AddressConverter.class,
      description = "Listen for Frame Streams senders over TCP too, or instead of --unix.")
  InetSocketAddress tcp;

  @Option(
      names = "--tcp-allow",
      paramLabel = "CIDR",
      description =
          "Accept TCP senders only from this network; repeatable (default: loopback, "
              + "127.0.0.0/8 and ::1/128).")
  List<String> tcpAllow = new ArrayList<>();

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_MAX_CONNECTIONS,
      description =
          "Senders connected at once to each listener; more are refused (default:"
              + " ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--channel-capacity",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Payloads queued between the socket readers and replay (default: ${DEFAULT-VALUE}).")
  int channelCapacity;

  @Option(
      names = "--channel-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      description =
          "Bytes of payloads (about their dnstap frames) queued between the socket readers and"
              + " replay, e.g. 64M (default: an eighth of the maximum heap, 32M with -Xmx256m).")
  Long channelBytes;

  @Option(
      names = "--channel-error-capacity",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Records the /errors buffer holds (default: ${DEFAULT-VALUE}).")
  int errorCapacity;

  @Option(
      names = "--channel-timeout-capacity",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Records the /timeouts buffer holds (default: ${DEFAULT-VALUE}).")
  int timeoutCapacity;

  @Option(
      names = "--channel-error-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      description =
          "Bytes of records the /errors buffer holds, e.g. 64M (default: an eighth of the JVM's"
              + " maximum heap, 32M with -Xmx256m).")
  Long errorBytes;

  @Option(
      names = "--channel-timeout-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      description =
          "Bytes of records the /timeouts buffer holds (default: an eighth of the maximum heap).")
  Long timeoutBytes;

  @Option(
      names = "--num-sockets",
      paramLabel = "N",
      defaultValue = "10",
      description = "UDP sockets used to query each target (default: ${DEFAULT-VALUE}).")
  int numSockets;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Most queries in flight at once over all sockets; the adaptive window stays below it"
              + " (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(
      names = "--max-in-flight-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      description =
          "Most bytes of payloads (about their dnstap frames) in flight at once, e.g. 16M (default:"
              + " a sixteenth of the maximum heap, 16M with -Xmx256m).")
  Long maxInFlightBytes;

  @Option(
      names = "--fixed-window",
      description =
          "Keep --max-in-flight queries in flight whatever the target's round-trip time, instead"
              + " of the adaptive window.")
  boolean fixedWindow;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "5000",
      description = "Milliseconds to wait for a response (default: ${DEFAULT-VALUE}).")
  long timeoutMillis;

  @Option(
      names = "--max-frame-size",
      paramLabel = "BYTES",
      defaultValue = "" + FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH,
      description = "Largest accepted data frame (default: ${DEFAULT-VALUE}).")
  int maxFrameSize;

  @Option(names = "--proxy", description = "Prepend a PROXY v2 header with the original client.")
  boolean proxy;

  @Option(
      names = "--proxy-timespec",
      description = "Add the response time TLV (0xEA) to the PROXY v2 header.")
  boolean proxyTimespec;

  @Option(
      names = "--dscp",
      paramLabel = "N",
      description = "DSCP code point (0..63) for outgoing queries.")
  Integer dscp;

  @Option(
      names = "--ignore-tc",
      description = "A response pair where either has TC=1 is no mismatch.")
  boolean ignoreTc;

  @Option(
      names = "--equivalent",
      paramLabel = "CLASS[,CLASS...]",
      description =
          "A pair that differs only in these mismatch classes (e.g. order,ttl,compression)"
              + " counts as equivalent, not mismatched.")
  String equivalent;

  @Option(
      names = "--ignore-query-net",
      paramLabel = "CIDR",
      description = "Do not replay queries from this network; repeatable.")
  List<String> ignoreQueryNets = new ArrayList<>();

  @Option(
      names = "--pair",
      description =
          "Pair each response logged without its query (BIND, NSD, Unbound, dnsdist) with the"
              + " query logged before it, and replay CLIENT_RESPONSE too.")
  boolean pair;

  @Option(
      names = "--pair-window",
      paramLabel = "MS",
      defaultValue = "" + PairingConfig.DEFAULT_WINDOW_MILLIS,
      description =
          "With --pair: how long, in dnstap time, a query waits for its response (default:"
              + " ${DEFAULT-VALUE}).")
  long pairWindowMillis;

  @Option(
      names = "--pair-max-pending",
      paramLabel = "N",
      defaultValue = "" + PairingConfig.DEFAULT_MAX_PENDING,
      description =
          "With --pair: queries waiting for their response at once; one more pushes out the"
              + " oldest (default: ${DEFAULT-VALUE}).")
  int pairMaxPending;

  @Option(
      names = "--pair-max-pending-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      description =
          "With --pair: bytes the queries waiting for their response hold at once, e.g. 8M;"
              + " one more pushes out the oldest (default: a thirty-second of the maximum heap, 8M"
              + " with -Xmx256m).")
  Long pairMaxPendingBytes;

  @Option(
      names = "--match-status-files",
      paramLabel = "FILE",
      arity = "2..*",
      description = "Compare only while these files exist and have identical contents.")
  List<Path> matchStatusFiles = new ArrayList<>();

  @Option(
      names = "--match-status-delay",
      paramLabel = "MS",
      defaultValue = "5000",
      description = "Wait after the files become identical (default: ${DEFAULT-VALUE}).")
  long matchStatusDelayMillis;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "More logging, as the original: -v warnings, -vv info, -vvv debug, -vvvv trace"
              + " (default: errors, and the start-up and shutdown lines).")
  boolean[] verbose = new boolean[0];

  /**
   * Checks every value, each once, and builds the daemon's configuration: a live replay from the
   * listeners, or a replay of the {@code --read} files. An option of the other mode is an error.
   *
   * @throws ParameterException with a one-line message for the first bad value
   */
  DaemonConfig toConfig(CommandLine commandLine) {
    this.commandLine = commandLine;
    boolean replayingFiles = !read.isEmpty();
    for (String option : replayingFiles ? LIVE_OPTIONS : FILE_OPTIONS) {
      if (given(option)) {
        throw usage(
            option
                + (replayingFiles
                    ? " is for a live replay, not with --read"
                    : " applies only with --read"));
      }
    }
    positive("--channel-capacity", channelCapacity);
    positive("--channel-error-capacity", errorCapacity);
    positive("--channel-timeout-capacity", timeoutCapacity);
    long queueBytes = bytes("--channel-bytes", channelBytes, HEAP_SHARE_QUEUE);
    long errorBufferBytes = bytes("--channel-error-bytes", errorBytes, HEAP_SHARE_PER_BUFFER);
    long timeoutBufferBytes = bytes("--channel-timeout-bytes", timeoutBytes, HEAP_SHARE_PER_BUFFER);
    positive("--num-sockets", numSockets);
    positive("--max-in-flight", maxInFlight);
    long inFlightBytes = bytes("--max-in-flight-bytes", maxInFlightBytes, HEAP_SHARE_IN_FLIGHT);
    positive("--timeout", timeoutMillis);
    if (dscp != null && (dscp < 0 || dscp > 63)) {
      throw usage("--dscp must be 0..63: " + dscp);
    }
    if (proxyTimespec && !proxy) {
      // The original accepts it and sends no TLV; a start-up script written for it keeps working.
      commandLine
          .getErr()
          .println("dnstap-replay: warning: --proxy-timespec has no effect without --proxy");
    }
    Set<MismatchClass> equivalentClasses;
    try {
      equivalentClasses = equivalent == null ? Set.of() : MismatchClass.parseList(equivalent);
    } catch (IllegalArgumentException e) {
      throw usage("--equivalent: " + e.getMessage());
    }
    Targets targets = targets();
    ReplayConfig replay =
        new ReplayConfig(
            targets.target(),
            targets.ipv6Target(),
            numSockets,
            dscp,
            proxy,
            proxyTimespec,
            Duration.ofMillis(timeoutMillis),
            maxInFlight,
            inFlightBytes,
            !fixedWindow,
            ignoreTc,
            networks("--ignore-query-net", ignoreQueryNets),
            equivalentClasses,
            pairing());
    ListenerConfig listeners = replayingFiles ? null : listenerConfig();
    FileConfig files = replayingFiles ? fileConfig() : null;
    return new DaemonConfig(
        http,
        listeners,
        files,
        channelCapacity,
        queueBytes,
        errorCapacity,
        timeoutCapacity,
        errorBufferBytes,
        timeoutBufferBytes,
        List.copyOf(matchStatusFiles),
        Duration.ofMillis(matchStatusDelayMillis),
        replay);
  }

  /** The target of every query, or of those logged over IPv4 when {@code ipv6Target} is set. */
  private record Targets(InetSocketAddress target, InetSocketAddress ipv6Target) {}

  /** One {@code --dns} takes every query; two are one of each address family. */
  private Targets targets() {
    if (dns.size() > 2) {
      throw usage(
          "--dns may be given at most twice (one IPv4 and one IPv6 address), not "
              + dns.size()
              + " times");
    }
    InetSocketAddress a = dns.get(0);
    if (dns.size() == 1) {
      return new Targets(a, null);
    }
    InetSocketAddress b = dns.get(1);
    boolean ipv6 = a.getAddress() instanceof Inet6Address;
    if (ipv6 == b.getAddress() instanceof Inet6Address) {
      throw usage(
          "--dns given twice for "
              + (ipv6 ? "IPv6" : "IPv4")
              + " ("
              + NetUtil.toSocketAddressString(a)
              + ", "
              + NetUtil.toSocketAddressString(b)
              + "): a second --dns must be of the other address family");
    }
    return ipv6 ? new Targets(b, a) : new Targets(a, b);
  }

  /** How to pair responses with queries, or null without {@code --pair}. */
  private PairingConfig pairing() {
    if (!pair) {
      for (String option :
          List.of("--pair-window", "--pair-max-pending", "--pair-max-pending-bytes")) {
        if (given(option)) {
          throw usage(option + " applies only with --pair");
        }
      }
      return null;
    }
    if (pairWindowMillis < 0) {
      throw usage("--pair-window must not be negative: " + pairWindowMillis);
    }
    positive("--pair-max-pending", pairMaxPending);
    long maxPendingBytes =
        bytes("--pair-max-pending-bytes", pairMaxPendingBytes, HEAP_SHARE_PAIRING);
    return new PairingConfig(Duration.ofMillis(pairWindowMillis), pairMaxPending, maxPendingBytes);
  }

  /** Whether to print the summary of a replay of files as JSON. */
  boolean json() {
    return json;
  }

  private ListenerConfig listenerConfig() {
    if (http == null) {
      throw usage("--http IP:PORT is required, except with --read");
    }
    if (unix == null && tcp == null) {
      throw usage("nothing to listen on: give --unix PATH, --tcp IP:PORT or both");
    }
    if (unix != null && unix.toString().isEmpty()) {
      throw usage("--unix must not be empty: give the path of the socket to create");
    }
    if (unix == null && given("--unix-mode")) {
      throw usage("--unix-mode applies only with --unix");
    }
    if (tcp == null && given("--tcp-allow")) {
      throw usage("--tcp-allow applies only with --tcp");
    }
    positive("--max-connections", maxConnections);
    if (maxFrameSize < 1 || maxFrameSize > MAX_FRAME_SIZE_LIMIT) {
      throw usage("--max-frame-size must be 1.." + MAX_FRAME_SIZE_LIMIT + ": " + maxFrameSize);
    }
    if (matchStatusDelayMillis < 0) {
      throw usage("--match-status-delay must not be negative: " + matchStatusDelayMillis);
    }
    IpNetworks allowed = networks("--tcp-allow", tcpAllow.isEmpty() ? DEFAULT_TCP_ALLOW : tcpAllow);
    return new ListenerConfig(
        unix, unixMode.permissions(), tcp, allowed, maxConnections, maxFrameSize);
  }

  private FileConfig fileConfig() {
    if (read.stream().filter(InputFiles.STDIN::equals).count() > 1) {
      throw usage("--read: standard input (-) can be read only once");
    }
    if (speed != null && !(speed > 0 && speed < Double.POSITIVE_INFINITY)) {
      throw usage("--speed must be a positive number: " + speed);
    }
    output("--errors-file", errorsFile);
    output("--timeouts-file", timeoutsFile);
    if (errorsFile != null && timeoutsFile != null && sameFile(errorsFile, timeoutsFile)) {
      throw usage("--errors-file and --timeouts-file must be different files");
    }
    return new FileConfig(read, errorsFile, timeoutsFile, speed == null ? 0 : speed);
  }

  /** Refuses an output that would overwrite an input, or standard output (the summary's). */
  private void output(String option, Path file) {
    if (file == null) {
      return;
    }
    if (file.toString().equals(InputFiles.STDIN)) {
      throw usage(option + " must name a file: standard output carries the summary");
    }
    for (String input : read) {
      if (!input.equals(InputFiles.STDIN) && sameFile(Path.of(input), file)) {
        throw usage(option + " " + file + " is the input " + input + ": it would be overwritten");
      }
    }
  }

  private static boolean sameFile(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false; // one cannot be read: the start will say so
    }
  }

  private boolean given(String option) {
    return commandLine.getParseResult().hasMatchedOption(option);
  }

  private IpNetworks networks(String option, List<String> cidrs) {
    try {
      return IpNetworks.parse(cidrs);
    } catch (IllegalArgumentException e) {
      throw usage(option + ": " + e.getMessage());
    }
  }

  /** A byte bound: the option's value, else a share of the JVM's maximum heap. */
  private long bytes(String option, Long value, int heapShare) {
    long bytes = value != null ? value : Runtime.getRuntime().maxMemory() / heapShare;
    positive(option, bytes);
    return bytes;
  }

  private void positive(String option, long value) {
    if (value < 1) {
      throw usage(option + " must be at least 1: " + value);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(commandLine, message);
  }
}
