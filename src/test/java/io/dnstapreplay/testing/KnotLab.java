// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real Knot DNS servers on loopback, started through the repository's {@code lab/} scripts, so
 * end-to-end tests meet the same servers, zones and dnstap output as a person running the lab by
 * hand. Each lab gets its own temporary run directory and free ports, so labs never collide.
 *
 * <p>A <em>target</em> is what a replay is sent to; a <em>source</em> logs every response it gives
 * (with its query) as dnstap to a Unix socket, where the program under test, or the lab's own
 * {@code fstrm_capture}, listens. {@link #close()} stops the source first so Knot finishes its
 * Frame Streams session while the listener is still there.
 *
 * <pre>{@code
 * try (KnotLab lab = KnotLab.builder().target(TargetZone.VARIANT).proxyAllow(true).start()) {
 *   replay(lab.targetAddress());
 * }
 * }</pre>
 */
public final class KnotLab implements AutoCloseable {
  /** Tools every lab needs; {@link #start} skips or fails the calling test without them. */
  public static final List<String> TOOLS = List.of("knotd", "kdig");

  private static final long START_SECONDS = 60;
  private static final long DRIVE_SECONDS = 180;
  private static final int MAX_START_ATTEMPTS = 3;
  private static final String PORT_TAKEN = "address already in use";
  private static final String PROXY_ALLOW_LOOPBACK = "127.0.0.0/8";

  /** The zone the target serves as {@code example.test.}. */
  public enum TargetZone {
    /** The source's zone: every answer matches. */
    NORMAL("example.test.zone"),
    /** Changes {@code www} A, {@code txt} TXT and {@code mail2} A: 40 of the main mix differ. */
    VARIANT("example.test.variant.zone"),
    /** The source's zone with other TTLs: answers differ in TTLs only. */
    TTL("example.test.ttl.zone");

    private final String file;

    TargetZone(String file) {
      this.file = file;
    }
  }

  private final Path labDir;
  private final Path runDir;
  private final Map<String, String> environment;
  private final Integer targetPort;
  private final Integer sourcePort;
  private final Path dnstapSocket;
  private final Thread shutdownHook;
  private boolean closed;

  private KnotLab(Builder builder, Path labDir, Path runDir) {
    this.labDir = labDir;
    this.runDir = runDir;
    this.targetPort = builder.target == null ? null : LoopbackPorts.next();
    this.sourcePort = builder.source ? LoopbackPorts.next() : null;
    this.dnstapSocket =
        builder.dnstapSocket != null ? builder.dnstapSocket : runDir.resolve("dnstap.sock");
    this.environment = new HashMap<>();
    environment.put("LAB_RUN", runDir.toString());
    environment.put("DNSTAP_SOCK", dnstapSocket.toString());
    if (targetPort != null) {
      environment.put("TARGET_PORT", Integer.toString(targetPort));
      environment.put("TARGET_ZONE", builder.target.file);
      environment.put("PROXY_ALLOW", builder.proxyAllow ? PROXY_ALLOW_LOOPBACK : "");
    }
    if (sourcePort != null) {
      environment.put("SOURCE_PORT", Integer.toString(sourcePort));
    }
    this.shutdownHook = new Thread(this::stopQuietly, "knot-lab-shutdown");
  }

  /** A target serving the normal zone that accepts PROXY v2 queries from loopback. */
  public static KnotLab target() {
    return builder().target(TargetZone.NORMAL).start();
  }

  /** A source logging dnstap to {@code dnstapSocket}, where the caller's listener binds. */
  public static KnotLab source(Path dnstapSocket) {
    return builder().source(dnstapSocket).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where the target listens ({@code 127.0.0.1}; it also listens on {@code ::1}). */
  public InetSocketAddress targetAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort());
  }

  public int targetPort() {
    if (targetPort == null) {
      throw new IllegalStateException("this lab has no target");
    }
    return targetPort;
  }

  /** Where the source listens ({@code 127.0.0.1}; it also listens on {@code ::1}). */
  public InetSocketAddress sourceAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), sourcePort());
  }

  public int sourcePort() {
    if (sourcePort == null) {
      throw new IllegalStateException("this lab has no source");
    }
    return sourcePort;
  }

  /** The Unix socket the source sends dnstap to. */
  public Path dnstapSocket() {
    return dnstapSocket;
  }

  /** The lab's run directory: configs, logs, PID files. Deleted by {@link #close()}. */
  public Path runDir() {
    return runDir;
  }

  /**
   * Sends a query mix at the source with {@code lab/drive.sh} ({@code "main"}: 330 queries, 55 of
   * them over TCP) once a dnstap listener is connected, and returns when all are answered. Knot
   * delivers the dnstap frames 1.5-2 s later; {@link #close()} flushes them.
   */
  public void drive(String mix) {
    sourcePort();
    runScript(DRIVE_SECONDS, "drive.sh", mix);
  }

  /**
   * Stops every process the lab started, the source first, and deletes the run directory.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or about to: it stops the lab
    }
    runScript(START_SECONDS, "down.sh");
    deleteRecursively(runDir);
  }

  private void startProcesses(Builder builder) {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      if (targetPort != null) {
        runScript(START_SECONDS, "knot.sh", "start", "target");
      }
      if (builder.captureFile != null) {
        runScript(START_SECONDS, "capture.sh", "start", builder.captureFile.toString());
      }
      if (sourcePort != null) {
        runScript(START_SECONDS, "knot.sh", "start", "source");
      }
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void stopQuietly() {
    try {
      runScript(START_SECONDS, "down.sh");
    } catch (RuntimeException ignored) {
      // JVM exit: nothing left to report to
    }
  }

  private void runScript(long timeoutSeconds, String script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", labDir.resolve(script).toString()));
    command.addAll(List.of(args));
    Path output = runDir.resolve("script-output.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(labDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " still running after " + timeoutSeconds + " s");
      }
      if (process.exitValue() != 0) {
        throw new LabScriptException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ":\n"
                + Files.readString(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + script, e);
    }
  }

  /** The repository's {@code lab/} dir, found upwards from the working directory. */
  static Path findLabDir() {
    Path dir = Path.of("").toAbsolutePath();
    for (; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("lab/knot.sh"))) {
        return dir.resolve("lab");
      }
    }
    throw new IllegalStateException("no lab/knot.sh above " + Path.of("").toAbsolutePath());
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete lab run dir " + dir, e);
    }
  }

  /** A lab script failed; the message holds its output, including the end of Knot's log. */
  static final class LabScriptException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LabScriptException(String message) {
      super(message);
    }

    boolean portTaken() {
      return getMessage().contains(PORT_TAKEN);
    }
  }

  /** What to start; nothing runs until {@link #start()}. */
  public static final class Builder {
    private TargetZone target;
    private boolean proxyAllow = true;
    private boolean source;
    private Path dnstapSocket;
    private Path captureFile;

    private Builder() {}

    /** Starts a target serving {@code zone}. */
    public Builder target(TargetZone zone) {
      this.target = zone;
      return this;
    }

    /**
     * Whether the target accepts PROXY v2 UDP queries from loopback (default true). Without it the
     * target silently drops them, so every replay with a PROXY header times out.
     */
    public Builder proxyAllow(boolean allow) {
      this.proxyAllow = allow;
      return this;
    }

    /** Starts a source logging dnstap to {@link #dnstapSocket()} in the run directory. */
    public Builder source() {
      this.source = true;
      return this;
    }

    /** Starts a source logging dnstap to {@code socket}, where the caller's listener binds. */
    public Builder source(Path socket) {
      this.dnstapSocket = socket;
      return source();
    }

    /**
     * Starts {@code fstrm_capture} on the dnstap socket before the source; the Frame Streams file
     * is complete once the lab is closed.
     */
    public Builder capture(Path file) {
      this.captureFile = file;
      return source();
    }

    /**
     * Starts the lab, retrying with new ports if another lab took one meanwhile. Skips the calling
     * test when Knot is missing (fails it when {@code dnstapreplay.requireKnot} is set).
     */
    public KnotLab start() {
      if (target == null && !source) {
        throw new IllegalStateException("nothing to start: call target(...) or source(...)");
      }
      List<String> tools = new ArrayList<>(TOOLS);
      if (captureFile != null) {
        tools.add("fstrm_capture");
      }
      KnotRequirement.assumeTools(tools.toArray(String[]::new));
      Path labDir = findLabDir();
      for (int attempt = 1; ; attempt++) {
        KnotLab lab = new KnotLab(this, labDir, newRunDir());
        try {
          lab.startProcesses(this);
          return lab;
        } catch (LabScriptException e) {
          if (!e.portTaken() || attempt == MAX_START_ATTEMPTS) {
            throw e;
          }
        }
      }
    }

    private static Path newRunDir() {
      try {
        return Files.createTempDirectory("knot-lab-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
