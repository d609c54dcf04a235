// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.ListenerConfig;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.replay.ReplayConfig;
import java.net.InetSocketAddress;
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

  /** Frame Streams has no authentication: by default only this host may send over TCP. */
  static final List<String> DEFAULT_TCP_ALLOW = List.of("127.0.0.0/8", "::1/128");

  private CommandLine commandLine;

  @Option(
      names = "--dns",
      required = true,
      paramLabel = "IP:PORT",
      converter = AddressConverter.class,
      description = "Target nameserver, e.g. 192.0.2.1:53 or [2001:db8::1]:53.")
  InetSocketAddress dns;

  @Option(
      names = "--http",
      required = true,
      paramLabel = "IP:PORT",
      converter = AddressConverter.class,
      description =
          "Address of the HTTP server (/metrics, /healthz, /errors, /timeouts). Keep it private.")
  InetSocketAddress http;

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
      names = "--num-sockets",
      paramLabel = "N",
      defaultValue = "10",
      description = "UDP sockets used to query the target (default: ${DEFAULT-VALUE}).")
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
   * Checks every value and builds the daemon's configuration.
   *
   * @throws ParameterException with a one-line message for the first bad value
   */
  DaemonConfig toConfig(CommandLine commandLine) {
    this.commandLine = commandLine;
    positive("--max-connections", maxConnections);
    positive("--channel-capacity", channelCapacity);
    positive("--channel-error-capacity", errorCapacity);
    positive("--channel-timeout-capacity", timeoutCapacity);
    positive("--num-sockets", numSockets);
    positive("--max-in-flight", maxInFlight);
    positive("--timeout", timeoutMillis);
    if (maxFrameSize < 1 || maxFrameSize > MAX_FRAME_SIZE_LIMIT) {
      throw usage("--max-frame-size must be 1.." + MAX_FRAME_SIZE_LIMIT + ": " + maxFrameSize);
    }
    if (dscp != null && (dscp < 0 || dscp > 63)) {
      throw usage("--dscp must be 0..63: " + dscp);
    }
    if (matchStatusDelayMillis < 0) {
      throw usage("--match-status-delay must not be negative: " + matchStatusDelayMillis);
    }
    if (proxyTimespec && !proxy) {
      // The original accepts it and sends no TLV; a start-up script written for it keeps working.
      commandLine
          .getErr()
          .println("dnstap-replay: warning: --proxy-timespec has no effect without --proxy");
    }
    IpNetworks ignoredNets = networks("--ignore-query-net", ignoreQueryNets);
    if (unix == null && tcp == null) {
      throw usage("nothing to listen on: give --unix PATH, --tcp IP:PORT or both");
    }
    requires("--unix-mode", unix != null, "--unix");
    requires("--tcp-allow", tcp != null, "--tcp");
    IpNetworks allowed = networks("--tcp-allow", tcpAllow.isEmpty() ? DEFAULT_TCP_ALLOW : tcpAllow);
    Set<MismatchClass> equivalentClasses;
    try {
      equivalentClasses = equivalent == null ? Set.of() : MismatchClass.parseList(equivalent);
    } catch (IllegalArgumentException e) {
      throw usage("--equivalent: " + e.getMessage());
    }
    ReplayConfig replay =
        new ReplayConfig(
            dns,
            numSockets,
            dscp,
            proxy,
            proxyTimespec,
            Duration.ofMillis(timeoutMillis),
            maxInFlight,
            !fixedWindow,
            ignoreTc,
            ignoredNets,
            equivalentClasses);
    return new DaemonConfig(
        http,
        new ListenerConfig(
            unix, unixMode.permissions(), tcp, allowed, maxConnections, maxFrameSize),
        channelCapacity,
        errorCapacity,
        timeoutCapacity,
        List.copyOf(matchStatusFiles),
        Duration.ofMillis(matchStatusDelayMillis),
        replay);
  }

  private IpNetworks networks(String option, List<String> cidrs) {
    try {
      return IpNetworks.parse(cidrs);
    } catch (IllegalArgumentException e) {
      throw usage(option + ": " + e.getMessage());
    }
  }

  /** Refuses {@code option} on the command line unless {@code applies}. */
  private void requires(String option, boolean applies, String other) {
    if (!applies && commandLine.getParseResult().hasMatchedOption(option)) {
      throw usage(option + " applies only with " + other);
    }
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
