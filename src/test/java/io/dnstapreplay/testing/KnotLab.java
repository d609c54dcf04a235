// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real Knot DNS servers on loopback, started through the repository's {@code lab/} scripts, so
 * end-to-end tests meet the same servers, zones and dnstap output as a person running the lab by
 * hand. Each lab gets its own temporary run directory and free ports, so labs never collide.
 *
 * <p>A <em>target</em> is what a replay is sent to; a <em>source</em> logs every response it gives
 * (with its query) as dnstap to a Unix socket, where the program under test, or the lab's own
 * {@code fstrm_capture}, listens. {@link #close()} stops the servers before the capture, so Knot
 * finishes its Frame Streams session while the listener is still there.
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

  private final LabScripts scripts;
  private final Integer targetPort;
  private final Integer sourcePort;
  private final Path dnstapSocket;

  private KnotLab(Builder builder) {
    this.scripts = new LabScripts("knot-lab-");
    this.targetPort = builder.target == null ? null : LoopbackPorts.next();
    this.sourcePort = builder.source ? LoopbackPorts.next() : null;
    this.dnstapSocket =
        builder.dnstapSocket != null
            ? builder.dnstapSocket
            : scripts.runDir().resolve("dnstap.sock");
    scripts.set("DNSTAP_SOCK", dnstapSocket.toString());
    if (targetPort != null) {
      scripts.set("TARGET_PORT", Integer.toString(targetPort));
      scripts.set("TARGET_ZONE", builder.target.file);
      scripts.set("PROXY_ALLOW", builder.proxyAllow ? PROXY_ALLOW_LOOPBACK : "");
    }
    if (sourcePort != null) {
      scripts.set("SOURCE_PORT", Integer.toString(sourcePort));
    }
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
    return scripts.runDir();
  }

  /**
   * Sends a query mix at the source with {@code lab/drive.sh} ({@code "main"}: 330 queries, 55 of
   * them over TCP) once a dnstap listener is connected, and returns when all are answered. Knot
   * delivers the dnstap frames 1.5-2 s later; {@link #close()} flushes them.
   */
  public void drive(String mix) {
    sourcePort();
    scripts.run(DRIVE_SECONDS, "drive.sh", mix);
  }

  /** Stops every process the lab started and deletes the run directory. Idempotent. */
  @Override
  public void close() {
    scripts.close();
  }

  private void startProcesses(Builder builder) {
    scripts.start(
        () -> {
          if (targetPort != null) {
            scripts.run(START_SECONDS, "knot.sh", "start", "target");
          }
          if (builder.captureFile != null) {
            scripts.run(START_SECONDS, "capture.sh", "start", builder.captureFile.toString());
          }
          if (sourcePort != null) {
            scripts.run(START_SECONDS, "knot.sh", "start", "source");
          }
        });
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
      return LabScripts.startRetrying(() -> new KnotLab(this), lab -> lab.startProcesses(this));
    }
  }
}
