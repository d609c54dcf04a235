// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Command;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.KnotRequirement;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package installed on this machine with dpkg, as an operator would: the commands on the
 * PATH, the unit, the user, and the real capture replayed to a real Knot by the installed daemon.
 * Needs root; the package is purged afterwards unless it was installed before.
 */
@RequiresTools({"dpkg", "systemd-analyze", "man", "knotd", "kdig", "fstrm_replay"})
class PackageIT {
  private static final Path HERE = Path.of("");
  private static final Pattern SERVING = Pattern.compile("serving http://([^/]+)/metrics");
  private static final Pattern EXPOSURE =
      Pattern.compile("Overall exposure level for dnstap-replay.service: ([0-9.]+)");
  private static final List<String> TOOLS =
      List.of("dnstap-replay", "dnstap-dump", "fmt-dns-message", "dnstap-inject");

  private static boolean installedBefore;

  @BeforeAll
  static void install() throws Exception {
    KnotRequirement.assumeRoot();
    installedBefore =
        Command.status(HERE, new byte[0], "dpkg-query", "-W", "-f=${Status}", "dnstap-replay")
            .output()
            .contains("install ok installed");
    Command.run(HERE, "dpkg", "-i", Artifacts.deb().toString());
  }

  @AfterAll
  static void purge() throws Exception {
    if (!installedBefore
        && Command.status(HERE, new byte[0], "dpkg-query", "-W", "dnstap-replay").status() == 0) {
      Command.run(HERE, "dpkg", "--purge", "dnstap-replay");
      assertTrue(Files.notExists(Path.of("/usr/bin/dnstap-replay")));
      assertTrue(Files.notExists(Path.of("/etc/default/dnstap-replay")), "purge removes conffiles");
      assertTrue(Files.notExists(Path.of("/var/cache/dnstap-replay")), "nor the archive");
    }
  }

  @Test
  void everyToolIsOnThePathWithItsManPageAndCompletion() throws Exception {
    for (String tool : TOOLS) {
      assertEquals(
          tool + " " + Artifacts.version() + "\n",
          Command.run(HERE, "sh", "-c", tool + " --version"));
      assertEquals("/usr/share/man/man1/" + tool + ".1.gz\n", Command.run(HERE, "man", "-w", tool));
      Command.run(HERE, "bash", "-n", "/usr/share/bash-completion/completions/" + tool);
    }
    String dump = Command.run(HERE, "dnstap-dump", "--json", "-r", KnotCapture.path().toString());
    assertEquals(KnotCapture.FRAMES, dump.lines().count());
  }

  @Test
  void theToolsLoadTheirClassesFromTheArchivePostinstMakes(@TempDir Path dir) throws Exception {
    Path archive = Path.of("/var/cache/dnstap-replay/dnstap-replay.jsa");
    assertTrue(Files.size(archive) > 0, "postinst's training run made " + archive);
    Path log = dir.resolve("classes.log");
    Command.run(
        HERE, "env", "JAVA_OPTS=-Xlog:class+load=info:file=" + log, "dnstap-replay", "--version");
    String loaded = Files.readString(log);
    assertTrue(
        loaded.contains("io.dnstapreplay.cli.ReplayCommand source: shared objects file (top)"),
        "the daemon's own classes come from the dynamic archive");

    // a Java package changing /usr/lib/jvm fires the trigger, which makes the archive anew
    Files.delete(archive);
    Command.run(HERE, "dpkg-trigger", "--no-await", "/usr/lib/jvm");
    Command.run(HERE, "dpkg", "--triggers-only", "dnstap-replay");
    assertTrue(Files.size(archive) > 0, "the trigger made " + archive + " again");
  }

  @Test
  void userGroupAndConffileExist() throws Exception {
    String user = Command.run(HERE, "getent", "passwd", "dnstap-replay");
    assertTrue(user.endsWith(":/nonexistent:/usr/sbin/nologin\n"), user);
    String groups = Command.run(HERE, "id", "-gn", "dnstap-replay");
    assertEquals("dnstap\n", groups);
    String conffiles = Command.run(HERE, "dpkg-query", "-W", "-f=${Conffiles}", "dnstap-replay");
    assertTrue(conffiles.contains("/etc/default/dnstap-replay "), conffiles);
  }

  @Test
  void theUnitVerifiesAndIsHardened() throws Exception {
    String unit = "/lib/systemd/system/dnstap-replay.service";
    assertEquals("", Command.run(HERE, "systemd-analyze", "verify", unit));
    String security = Command.run(HERE, "systemd-analyze", "security", "--offline=true", unit);
    Matcher m = EXPOSURE.matcher(security);
    assertTrue(m.find(), security);
    assertTrue(Double.parseDouble(m.group(1)) <= 2.0, security);
  }

  @Test
  void theInstalledDaemonReplaysTheCaptureToKnot(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("replay.sock");
    Path stderr = dir.resolve("stderr");
    try (KnotLab lab = KnotLab.target()) {
      Process daemon =
          new ProcessBuilder(
                  "dnstap-replay",
                  "--unix",
                  socket.toString(),
                  "--dns",
                  "127.0.0.1:" + lab.targetPort(),
                  "--http",
                  "127.0.0.1:0",
                  "--timeout",
                  "1000")
              .redirectError(stderr.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        String http = awaitHttp(daemon, stderr);
        DaemonRunner.fstrmReplay(socket, KnotCapture.path());
        Scrape m = awaitReplayed(http);
        assertEquals(KnotCapture.UDP, m.result("dnstap_replay_dns_queries_total", "success"));
        assertEquals(273, m.result("dnstap_replay_dns_comparisons_total", "matched"));
        assertEquals(3, m.result("dnstap_replay_dns_comparisons_total", "mismatched"));
        assertEquals(200, get(http, "/healthz").statusCode());
        daemon.destroy(); // SIGTERM: the orderly stop
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, daemon.exitValue(), Files.readString(stderr));
        assertTrue(Files.notExists(socket));
      } finally {
        daemon.destroyForcibly().waitFor();
      }
    }
  }

  /** The HTTP address the daemon logs once everything listens. */
  private static String awaitHttp(Process daemon, Path stderr) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      Matcher m = SERVING.matcher(Files.readString(stderr));
      if (m.find() && Files.readString(stderr).contains("listening for Frame Streams")) {
        return m.group(1);
      }
      assertTrue(daemon.isAlive(), Files.readString(stderr));
      Thread.sleep(50);
    }
    throw new AssertionError("not started:\n" + Files.readString(stderr));
  }

  private static Scrape awaitReplayed(String http) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Scrape s = new Scrape(new String(get(http, "/metrics").body(), StandardCharsets.UTF_8));
      double payloads =
          s.result("dnstap_replay_dnstap_payloads_total", "success")
              + s.result("dnstap_replay_dnstap_payloads_total", "error");
      double done =
          s.result("dnstap_replay_dns_queries_total", "success")
              + s.result("dnstap_replay_dns_queries_total", "timeout");
      if (payloads == KnotCapture.FRAMES && done == KnotCapture.UDP) {
        return s;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("not replayed within 30 s:\n" + s);
      }
      Thread.sleep(100);
    }
  }

  private static HttpResponse<byte[]> get(String http, String path)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://" + http + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }
}
