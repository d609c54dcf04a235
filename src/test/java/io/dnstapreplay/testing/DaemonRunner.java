// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.ReplayDaemon;
import io.dnstapreplay.replay.IgnoredNetworks;
import io.dnstapreplay.replay.ReplayConfig;
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
import java.util.function.Predicate;

/**
 * DaemonRunner starts the real daemon in the test JVM with test-sized settings, and reads its
 * metrics and buffers over its real HTTP server.
 */
public final class DaemonRunner implements AutoCloseable {
  private final ReplayDaemon daemon;
  private final Path socket;

  /** A request to a daemon that is stopping must fail, not hang the test. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client = HttpClient.newHttpClient();

  private DaemonRunner(ReplayDaemon daemon, Path socket) {
    this.daemon = daemon;
    this.socket = socket;
  }

  /** Settings a test changes before starting; defaults are the CLI's, with a 1 s timeout. */
  public static final class Settings {
    public InetSocketAddress dns;
    public boolean proxy;
    public boolean proxyTimespec;
    public boolean ignoreTc;
    public int channelCapacity = 10_000;
    public int errorCapacity = 100_000;
    public int timeoutCapacity = 100_000;
    public int numSockets = 10;
    public int maxInFlight = 1_000;
    public boolean fixedWindow;
    public Duration timeout = Duration.ofSeconds(1);
    public List<String> ignoreQueryNets = new ArrayList<>();
    public List<Path> matchStatusFiles = new ArrayList<>();
    public Duration matchStatusDelay = Duration.ofMillis(5000);
    public int maxFrameSize = 128 * 1024;
  }

  public static DaemonRunner start(Path dir, Settings s) throws IOException {
    Path socket = dir.resolve("replay.sock");
    DaemonConfig c =
        new DaemonConfig(
            new InetSocketAddress("127.0.0.1", 0),
            socket,
            PosixFilePermissions.fromString("rw-rw----"),
            s.maxFrameSize,
            s.channelCapacity,
            s.errorCapacity,
            s.timeoutCapacity,
            s.matchStatusFiles,
            s.matchStatusDelay,
            new ReplayConfig(
                s.dns,
                s.numSockets,
                null,
                s.proxy,
                s.proxyTimespec,
                s.timeout,
                s.maxInFlight,
                !s.fixedWindow,
                s.ignoreTc,
                IgnoredNetworks.parse(s.ignoreQueryNets)));
    return new DaemonRunner(ReplayDaemon.start(c), socket);
  }

  public Path socket() {
    return socket;
  }

  public InetSocketAddress httpAddress() {
    return daemon.httpAddress();
  }

  public Scrape scrape() {
    return new Scrape(daemon.metrics().scrape());
  }

  /**
   * Polls the metrics until {@code done} holds in two scrapes in a row that are identical, failing
   * after {@code limit}. A scrape is not atomic: one response updates several counters, and a
   * single scrape can catch some of them updated and not others.
   */
  public Scrape awaitMetrics(Predicate<Scrape> done, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    Scrape previous = null;
    Scrape s = scrape();
    while (!done.test(s) || previous == null || !previous.toString().equals(s.toString())) {
      previous = done.test(s) ? s : null;
      if (System.nanoTime() > end) {
        throw new AssertionError("metrics did not settle within " + limit + ":\n" + s);
      }
      Thread.sleep(50);
      s = scrape();
    }
    return s;
  }

  /** GET a path of the HTTP server. */
  public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://" + hostPort() + path))
            .timeout(REQUEST_TIMEOUT)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** GET a path as a stream, for reading large bodies incrementally. */
  public HttpResponse<InputStream> getStream(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://" + hostPort() + path))
            .timeout(REQUEST_TIMEOUT)
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private String hostPort() {
    return "127.0.0.1:" + httpAddress().getPort();
  }

  /** Sends a Frame Streams file into the daemon's socket with the real fstrm_replay tool. */
  public void fstrmReplay(Path tapFile) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "fstrm_replay",
                "-t",
                "protobuf:dnstap.Dnstap",
                "-u",
                socket.toString(),
                "-r",
                tapFile.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("fstrm_replay failed: " + out);
    }
  }

  @Override
  public void close() {
    daemon.close();
  }
}
