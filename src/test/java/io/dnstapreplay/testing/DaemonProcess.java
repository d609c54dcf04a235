// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DaemonProcess runs {@code dnstap-replay} as a child process of the test JVM, with the same JVM
 * and classpath, so signals, exit codes, stderr and the files left behind are those an operator
 * sees. Under Maven the classpath is the test classpath, so no packaged jar is needed.
 */
public final class DaemonProcess implements AutoCloseable {
  public static final String MAIN_CLASS = "io.dnstapreplay.cli.ReplayCommand";

  /** Child JVMs only need to start quickly. */
  private static final List<String> JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

  private static final Pattern HTTP_LINE =
      Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private int httpPort = -1;

  private DaemonProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** What a run to its end did: a replay of files ({@code --read}). */
  public record Finished(int exit, String stdout, String stderr) {}

  /**
   * Starts the daemon with {@code args}; its stderr goes to {@code stderrFile}, its stdout is
   * discarded.
   */
  public static DaemonProcess start(Path stderrFile, String... args) throws IOException {
    return start(null, stderrFile, List.of(), args);
  }

  /**
   * Starts the command with {@code args}, its stdout going to {@code stdoutFile} (discarded when
   * null), its stderr to {@code stderrFile}.
   */
  public static DaemonProcess start(Path stdoutFile, Path stderrFile, String... args)
      throws IOException {
    return start(stdoutFile, stderrFile, List.of(), args);
  }

  /** As {@link #start(Path, Path, String...)}, with JVM options after (so above) the usual ones. */
  public static DaemonProcess start(
      Path stdoutFile, Path stderrFile, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(JVM_OPTIONS);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN_CLASS);
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectError(stderrFile.toFile())
            .redirectOutput(
                stdoutFile == null
                    ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.to(stdoutFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new DaemonProcess(p, stdoutFile, stderrFile);
  }

  /** Runs the command with {@code args} to its end, its output in files in {@code dir}. */
  public static Finished run(Path dir, Duration limit, String... args)
      throws IOException, InterruptedException {
    try (DaemonProcess p = start(dir.resolve("stdout.txt"), dir.resolve("stderr.txt"), args)) {
      return p.finish(limit);
    }
  }

  /**
   * Waits for the exit (see {@link #awaitExit}) and returns what the process wrote; it must have
   * been started with a stdout file.
   */
  public Finished finish(Duration limit) throws IOException, InterruptedException {
    int exit = awaitExit(limit);
    return new Finished(exit, stdoutText(), stderrText());
  }

  public Process process() {
    return process;
  }

  /** Every line written to stderr so far. */
  public List<String> stderrLines() throws IOException {
    return Files.readAllLines(stderr, StandardCharsets.UTF_8);
  }

  /** Waits for a stderr line that {@code wanted} accepts; fails if the process exits first. */
  public String awaitLine(Predicate<String> wanted, Duration limit) throws Exception {
    return Await.first(
        () -> {
          for (String line : stderrLines()) {
            if (wanted.test(line)) {
              return line;
            }
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                "exited with "
                    + process.exitValue()
                    + " before the line; stderr:\n"
                    + stderrText());
          }
          return null;
        },
        limit,
        () -> "no such line; stderr:\n" + stderrText());
  }

  /**
   * Starts the daemon replaying to {@code target}, with its socket at {@code socket}, HTTP on a
   * free port of 127.0.0.1 (see {@link #httpPort}) and {@code extra} options, and waits until it
   * listens. Its stdout, where the JVM writes some of its own messages, goes to a file beside
   * {@code stderrFile} (see {@link #stdoutText}).
   */
  public static DaemonProcess listening(
      Path stderrFile,
      List<String> jvmOptions,
      InetSocketAddress target,
      Path socket,
      Duration limit,
      String... extra)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--dns",
            NetUtil.toSocketAddressString(target),
            "--http",
            "127.0.0.1:0",
            "--unix",
            socket.toString()));
    args.addAll(List.of(extra));
    Path stdoutFile = stderrFile.resolveSibling(stderrFile.getFileName() + ".stdout");
    DaemonProcess p = start(stdoutFile, stderrFile, jvmOptions, args.toArray(String[]::new));
    try {
      p.httpPort = p.awaitHttpPort(limit);
      p.awaitLine(l -> l.contains("listening for Frame Streams on unix:"), limit);
      return p;
    } catch (Exception | AssertionError e) {
      p.close();
      throw e;
    }
  }

  /** The HTTP port of a daemon started {@link #listening}. */
  public int httpPort() {
    return httpPort;
  }

  /** Waits for the start-up line naming the HTTP address (on 127.0.0.1) and returns its port. */
  public int awaitHttpPort(Duration limit) throws Exception {
    Matcher m = HTTP_LINE.matcher(awaitLine(l -> HTTP_LINE.matcher(l).find(), limit));
    if (!m.find()) {
      throw new AssertionError("no HTTP port");
    }
    return Integer.parseInt(m.group(1));
  }

  /** Whether {@code line} is the start-up line of an HTTP address on 127.0.0.1. */
  public static boolean isHttpLine(String line) {
    return HTTP_LINE.matcher(line).find();
  }

  /** GETs {@code /metrics} of the daemon whose HTTP server is on {@code port} of 127.0.0.1. */
  public static Scrape scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
    }
    return new Scrape(r.body());
  }

  /** Waits for the exit and returns its status; fails (and kills it) after {@code limit}. */
  public int awaitExit(Duration limit) throws IOException, InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("still running after " + limit + "; stderr:\n" + stderrText());
    }
    return process.exitValue();
  }

  /** What was written to stdout so far; the process must have been started with a stdout file. */
  public String stdoutText() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Sends SIGTERM, as {@code kill PID} and service managers do. */
  public void terminate() {
    process.destroy();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }
}
