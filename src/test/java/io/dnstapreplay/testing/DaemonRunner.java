// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.ListenerConfig;
import io.dnstapreplay.daemon.ReplayDaemon;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.pairing.PairingConfig;
import io.dnstapreplay.replay.ReplayConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * DaemonRunner is the real daemon in the test JVM with test-sized settings, replaying to a real
 * server or to a {@link UdpResponder} it owns, read over its real HTTP server; with the waits every
 * such test needs. {@link DaemonProcess} is its twin in a child JVM.
 */
public final class DaemonRunner implements AutoCloseable {
  /** Bounds a wait for the daemon to finish its work; a passing test never waits this long. */
  public static final Duration SETTLE = Duration.ofSeconds(30);

  /**
   * Short, so that tests with timeouts are quick: the timeout against a {@link UdpResponder}, which
   * answers at once.
   */
  public static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

  /**
   * Largest failure record a reader must accept: a whole data frame plus an {@code extra} holding a
   * whole UDP response, which exceeds the default data frame limit.
   */
  static final int MAX_RECORD = FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH + (1 << 17);

  /** A request to a daemon that is stopping must fail, not hang the test. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final ReplayDaemon daemon;
  private final Path socket;
  private final UdpResponder target;
  private final HttpClient client = HttpClient.newHttpClient();

  private DaemonRunner(ReplayDaemon daemon, Path socket, UdpResponder target) {
    this.daemon = daemon;
    this.socket = socket;
    this.target = target;
  }

  /** Settings a test changes before starting; defaults are the CLI's, with a 1 s timeout. */
  public static final class Settings {
    public boolean proxy;
    public boolean proxyTimespec;
    public boolean ignoreTc;
    public int channelCapacity = 10_000;
    public long channelBytes = 32 << 20;
    public int errorCapacity = 100_000;
    public int timeoutCapacity = 100_000;
    public long errorBytes = 64 << 20;
    public long timeoutBytes = 64 << 20;
    public int numSockets = 10;
    public int maxInFlight = 1_000;
    public long maxInFlightBytes = 16 << 20;
    public boolean fixedWindow;
    public Duration timeout = Duration.ofSeconds(1);
    public List<String> ignoreQueryNets = new ArrayList<>();
    public List<Path> matchStatusFiles = new ArrayList<>();
    public Duration matchStatusDelay = Duration.ofMillis(5000);
    public int maxFrameSize = 128 * 1024;
    public Set<MismatchClass> equivalent = Set.of();
    public int maxConnections = 256;

    /** Pair responses with their queries ({@code --pair}); null for the original's behaviour. */
    public PairingConfig pairing;

    /** {@code --pair} with the CLI's defaults (its byte bound as with {@code -Xmx256m}). */
    public void pair() {
      pairing =
          new PairingConfig(
              Duration.ofMillis(PairingConfig.DEFAULT_WINDOW_MILLIS),
              PairingConfig.DEFAULT_MAX_PENDING,
              8 << 20);
    }

    /** The second {@code --dns}, for the queries logged over IPv6; null for one target. */
    public InetSocketAddress ipv6Dns;

    /** Listen on TCP too, e.g. {@code 127.0.0.1:0}; null for the Unix socket alone. */
    public InetSocketAddress tcp;

    public List<String> tcpAllow = List.of("127.0.0.0/8", "::1/128");
  }

  /** Starts with its socket in {@code dir}, replaying to {@code dns}. */
  public static DaemonRunner start(Path dir, InetSocketAddress dns, Consumer<Settings> settings)
      throws IOException {
    Settings s = new Settings();
    settings.accept(s);
    return start(dir, dns, s, null);
  }

  /**
   * Starts a {@link UdpResponder} answering with {@code policy} and the daemon replaying to it with
   * {@link #SHORT_TIMEOUT}, then {@code settings}; closing the daemon closes the responder.
   */
  public static DaemonRunner start(
      Path dir, UdpResponder.Policy policy, Consumer<Settings> settings) throws IOException {
    UdpResponder target = UdpResponder.start(policy);
    try {
      Settings s = new Settings();
      s.timeout = SHORT_TIMEOUT;
      settings.accept(s);
      return start(dir, target.address(), s, target);
    } catch (IOException | RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /**
   * Against the source's twin: a responder that answers as the capture logged, replayed to with
   * {@code --proxy} so that every answer matches (see {@link KnotCapture#responses}).
   */
  public static DaemonRunner startAgainstTwin(Path dir) throws IOException {
    return start(dir, UdpResponder.logged(KnotCapture.responses()), s -> s.proxy = true);
  }

  private static DaemonRunner start(
      Path dir, InetSocketAddress dns, Settings s, UdpResponder target) throws IOException {
    Path socket = dir.resolve("replay.sock");
    DaemonConfig c =
        new DaemonConfig(
            new InetSocketAddress("127.0.0.1", 0),
            new ListenerConfig(
                socket,
                PosixFilePermissions.fromString("rw-rw----"),
                s.tcp,
                IpNetworks.parse(s.tcpAllow),
                s.maxConnections,
                s.maxFrameSize),
            null,
            s.channelCapacity,
            s.channelBytes,
            s.errorCapacity,
            s.timeoutCapacity,
            s.errorBytes,
            s.timeoutBytes,
            s.matchStatusFiles,
            s.matchStatusDelay,
            new ReplayConfig(
                dns,
                s.ipv6Dns,
                s.numSockets,
                null,
                s.proxy,
                s.proxyTimespec,
                s.timeout,
                s.maxInFlight,
                s.maxInFlightBytes,
                !s.fixedWindow,
                s.ignoreTc,
                IpNetworks.parse(s.ignoreQueryNets),
                s.equivalent,
                s.pairing));
    return new DaemonRunner(ReplayDaemon.start(c), socket, target);
  }

  /** The responder this runner started; fails for a runner replaying to a server of the test's. */
  public UdpResponder target() {
    if (target == null) {
      throw new IllegalStateException("started without a responder");
    }
    return target;
  }

  public Path socket() {
    return socket;
  }

  /** The TCP listener's address; fails for a runner started without {@link Settings#tcp}. */
  public InetSocketAddress tcpAddress() {
    InetSocketAddress a = daemon.tcpAddress();
    if (a == null) {
      throw new IllegalStateException("started without --tcp");
    }
    return a;
  }

  public InetSocketAddress httpAddress() {
    return daemon.httpAddress();
  }

  public Scrape scrape() {
    return new Scrape(daemon.metrics().scrape());
  }

  /**
   * Waits until {@code done} holds in two identical scrapes in a row (see {@link Await#settled}).
   */
  public Scrape awaitMetrics(Predicate<Scrape> done) throws Exception {
    return Await.settled(this::scrape, done, SETTLE, "metrics");
  }

  /** Waits until {@code payloads} AUTH_RESPONSE payloads have an outcome and none is in flight. */
  public Scrape awaitPayloads(long payloads) throws Exception {
    return awaitMetrics(
        m -> Accounting.payloads(m) == payloads && m.result(Accounting.IN_FLIGHT, null) == 0);
  }

  /**
   * Sends {@code frames} in one Frame Streams session and waits until {@code payloads} of them have
   * an outcome (see {@link #awaitPayloads}).
   */
  public Scrape replay(List<byte[]> frames, long payloads) throws Exception {
    FrameStreamSender.sendSession(socket, frames);
    return awaitPayloads(payloads);
  }

  /** GET a path of the HTTP server. */
  public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return client.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** GET a path as a stream, for reading large bodies incrementally. */
  public HttpResponse<InputStream> getStream(String path) throws IOException, InterruptedException {
    return client.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpAddress().getPort() + path))
        .timeout(REQUEST_TIMEOUT)
        .build();
  }

  /** GETs {@code /errors} or {@code /timeouts} and parses the records it hands out. */
  public List<Dnstap> drain(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(path);
    assertEquals(200, r.statusCode(), path);
    return records(r.body());
  }

  /** The failure records of a Frame Streams file as {@code /errors} and {@code /timeouts} send. */
  public static List<Dnstap> records(byte[] file) throws IOException {
    List<Dnstap> out = new ArrayList<>();
    try (FrameStreamReader in = new FrameStreamReader(new ByteArrayInputStream(file), MAX_RECORD)) {
      for (byte[] f; (f = in.next()) != null; ) {
        out.add(Dnstap.parseFrom(f));
      }
    }
    return out;
  }

  /** Sends a Frame Streams file into the daemon's socket with the real fstrm_replay tool. */
  public void fstrmReplay(Path tapFile) throws IOException, InterruptedException {
    fstrmReplay(socket, tapFile);
  }

  /** Sends a Frame Streams file into a dnstap socket with the real fstrm_replay tool. */
  public static void fstrmReplay(Path socket, Path tapFile)
      throws IOException, InterruptedException {
    Command.run(
        Path.of(""),
        "fstrm_replay",
        "-t",
        "protobuf:dnstap.Dnstap",
        "-u",
        socket.toString(),
        "-r",
        tapFile.toString());
  }

  /** Stops the daemon, then the responder it owns. */
  @Override
  public void close() {
    try {
      daemon.close();
    } finally {
      if (target != null) {
        target.close();
      }
    }
  }
}
