// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the other dnstap sources, BIND, NSD, Unbound or dnsdist, on loopback, started through
 * {@code lab/server.sh} as a person would start it, with free ports and its own run directory. Each
 * serves {@code example.test.} from the lab's zone (dnsdist through a backend), so a Knot target of
 * {@link KnotLab} gives the same answers.
 *
 * <pre>{@code
 * try (ServerLab nsd = ServerLab.builder(Server.NSD).dnstap(daemon.socket()).start()) {
 *   ServerLab.Drive sent = nsd.drive();
 * }
 * }</pre>
 */
public final class ServerLab implements AutoCloseable {
  private static final long START_SECONDS = 60;
  private static final long DRIVE_SECONDS = 180;
  private static final Pattern DRIVE_COUNTS =
      Pattern.compile("sent=(\\d+) completed=(\\d+) lost=(\\d+) udp=(\\d+) tcp=(\\d+)");

  /** A server of {@code lab/server.sh}: its name there, its executable, its port knob. */
  public enum Server {
    BIND("bind", "named", "BIND_PORT"),
    NSD("nsd", "nsd", "NSD_PORT"),
    UNBOUND("unbound", "unbound", "UNBOUND_PORT"),
    DNSDIST("dnsdist", "dnsdist", "DNSDIST_PORT");

    private final String script;
    private final String executable;
    private final String portKnob;

    Server(String script, String executable, String portKnob) {
      this.script = script;
      this.executable = executable;
      this.portKnob = portKnob;
    }
  }

  /**
   * What {@code drive.sh servers} sent, counted from dnsperf's and kdig's output; {@code udp} and
   * {@code tcp} split {@code sent}.
   */
  public record Drive(long sent, long completed, long lost, long udp, long tcp) {
    static Drive parse(String output) {
      Matcher m = DRIVE_COUNTS.matcher(output);
      if (!m.find()) {
        throw new IllegalStateException("drive.sh printed no counts:\n" + output);
      }
      return new Drive(
          Long.parseLong(m.group(1)),
          Long.parseLong(m.group(2)),
          Long.parseLong(m.group(3)),
          Long.parseLong(m.group(4)),
          Long.parseLong(m.group(5)));
    }
  }

  private final Server server;
  private final LabScripts scripts;
  private final int port;
  private final Integer proxyPort;

  private ServerLab(Builder b) {
    this.server = b.server;
    this.scripts = new LabScripts(b.server.script + "-lab-");
    this.port = LoopbackPorts.next();
    this.proxyPort = b.proxyPort ? LoopbackPorts.next() : null;
    scripts.set(server.portKnob, Integer.toString(port));
    scripts.set("UNBOUND_PROXY_PORT", proxyPort == null ? "" : Integer.toString(proxyPort));
    if (b.captureFile != null) {
      scripts.set("DNSTAP_SINK", "unix");
      scripts.set("DNSTAP_SOCK", scripts.runDir().resolve("dnstap.sock").toString());
    } else if (b.dnstapSocket != null) {
      scripts.set("DNSTAP_SINK", "unix");
      scripts.set("DNSTAP_SOCK", b.dnstapSocket.toString());
    } else if (b.dnstapTcp != null) {
      scripts.set("DNSTAP_SINK", "tcp");
      scripts.set(
          "DNSTAP_TCP", b.dnstapTcp.getAddress().getHostAddress() + ":" + b.dnstapTcp.getPort());
    } else {
      scripts.set("DNSTAP_SINK", "none");
    }
    if (b.backend != null) {
      scripts.set(
          "DNSDIST_BACKEND", b.backend.getAddress().getHostAddress() + ":" + b.backend.getPort());
      scripts.set("DNSDIST_BACKEND_PROXY", b.backendProxy ? "1" : "0");
    }
    scripts.set("DNSDIST_PROXY_ACL", b.proxyAcl);
  }

  public static Builder builder(Server server) {
    return new Builder(server);
  }

  /** Where the server listens for plain DNS ({@code 127.0.0.1}; also {@code ::1}). */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** The same port on {@code ::1}; fails where there is no IPv6 loopback. */
  public InetSocketAddress ipv6Address() {
    InetAddress ipv6 = LoopbackPorts.ipv6Loopback();
    if (ipv6 == null) {
      throw new IllegalStateException("no ::1 here");
    }
    return new InetSocketAddress(ipv6, port);
  }

  /** Unbound's port that takes PROXY v2 queries only; fails unless built with it. */
  public InetSocketAddress proxyAddress() {
    if (proxyPort == null) {
      throw new IllegalStateException("started without a PROXY v2 port");
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort);
  }

  /**
   * Sends {@code drive.sh servers} at the server (230 queries, 165 over UDP, when all goes well)
   * and returns what was sent. The server's dnstap frames may still be on their way.
   */
  public Drive drive() {
    return Drive.parse(scripts.run(DRIVE_SECONDS, "drive.sh", "servers", Integer.toString(port)));
  }

  /** Stops the server, then the capture, and deletes the run directory. Idempotent. */
  @Override
  public void close() {
    scripts.close();
  }

  private void startProcesses(Builder b) {
    scripts.start(
        () -> {
          if (b.captureFile != null) {
            scripts.run(START_SECONDS, "capture.sh", "start", b.captureFile.toString());
          }
          scripts.run(START_SECONDS, "server.sh", "start", server.script);
        });
  }

  /** What to start; nothing runs until {@link #start()}. */
  public static final class Builder {
    private final Server server;
    private Path dnstapSocket;
    private InetSocketAddress dnstapTcp;
    private Path captureFile;
    private boolean proxyPort;
    private InetSocketAddress backend;
    private boolean backendProxy;
    private String proxyAcl = "";

    private Builder(Server server) {
      this.server = server;
    }

    /** Logs dnstap to the Unix socket where the caller's listener binds. */
    public Builder dnstap(Path socket) {
      this.dnstapSocket = socket;
      return this;
    }

    /** Logs dnstap over TCP to the caller's listener (Unbound only). */
    public Builder dnstapTcp(InetSocketAddress listener) {
      this.dnstapTcp = listener;
      return this;
    }

    /**
     * Starts {@code fstrm_capture} before the server and logs dnstap to it; the Frame Streams file
     * is complete once the lab is closed.
     */
    public Builder capture(Path file) {
      this.captureFile = file;
      return this;
    }

    /** Unbound: a second port that takes PROXY v2 queries only ({@link #proxyAddress()}). */
    public Builder proxyPort() {
      this.proxyPort = true;
      return this;
    }

    /** dnsdist: the server it forwards to; {@code proxy}: with the client in a PROXY v2 header. */
    public Builder backend(InetSocketAddress address, boolean proxy) {
      this.backend = address;
      this.backendProxy = proxy;
      return this;
    }

    /** dnsdist: the senders (comma-separated networks) that must send PROXY v2 headers. */
    public Builder proxyAcl(String networks) {
      this.proxyAcl = networks;
      return this;
    }

    /**
     * Starts the server, retrying with new ports if another lab took one meanwhile. Skips the
     * calling test when a tool is missing (fails it when {@code dnstapreplay.requireKnot} is set).
     */
    public ServerLab start() {
      if (server == Server.DNSDIST && backend == null) {
        throw new IllegalStateException("dnsdist needs a backend");
      }
      List<String> tools = new ArrayList<>(List.of(server.executable, "kdig", "dnsperf", "ss"));
      if (captureFile != null) {
        tools.add("fstrm_capture");
      }
      KnotRequirement.assumeTools(tools.toArray(String[]::new));
      return LabScripts.startRetrying(() -> new ServerLab(this), lab -> lab.startProcesses(this));
    }
  }
}
