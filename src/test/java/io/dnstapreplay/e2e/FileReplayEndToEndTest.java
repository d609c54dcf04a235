// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.KnotCapture.FRAMES;
import static io.dnstapreplay.testing.KnotCapture.TCP;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstext.DnsMessage;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.KnotTargets;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.tools.MiniJson;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CI recipe on real Knot: a capture recorded from Knot, replayed by file into a Knot target
 * serving the same zone and the changed one, gives the counts of the live path (the table in
 * testdata/README.md) and the exit statuses 0 and 1; the errors file is read by the reference
 * readers; and {@code --speed} keeps the capture's duration.
 */
@RequiresTools({"knotd", "kdig", "fstrm_capture", "dnsperf", "dnstap", "dnstap-ldns"})
class FileReplayEndToEndTest {
  private static final Duration RUN_LIMIT = Duration.ofSeconds(120);
  private static final long TOOL_SECONDS = 30;

  /** The variant zone's changes show in 40 of the main mix's UDP answers. */
  private static final int VARIANT_MISMATCHES = 40;

  @RegisterExtension static final KnotTargets TARGETS = new KnotTargets();

  @TempDir Path dir;

  /** Runs {@code dnstap-replay --json ARGS} against {@code zone}; returns its summary. */
  private Map<String, Object> replay(TargetZone zone, int expectedExit, String... args)
      throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--dns",
                "127.0.0.1:" + TARGETS.get(zone).targetPort(),
                "--json",
                "--timeout",
                "2000"));
    all.addAll(List.of(args));
    DaemonProcess.Finished r = DaemonProcess.run(dir, RUN_LIMIT, all.toArray(String[]::new));
    assertEquals(expectedExit, r.exit(), r.stdout() + r.stderr());
    assertEquals("", r.stderr(), "nothing on stderr but trouble");
    return MiniJson.object(r.stdout());
  }

  private static Map<?, ?> outcomes(Map<String, Object> summary) {
    return (Map<?, ?>) summary.get("outcomes");
  }

  /** The rows of testdata/README.md's table, replayed by file instead of by socket. */
  @ParameterizedTest
  @CsvSource({
    "NORMAL, false, 273, 3, 1",
    "NORMAL, true, 276, 0, 0",
    "VARIANT, true, 236, 40, 1",
  })
  void theKnotCaptureByFileGivesTheTableOfTheLivePath(
      TargetZone zone, boolean proxy, long matched, long mismatched, int exit) throws Exception {
    List<String> args = new ArrayList<>(List.of("-r", KnotCapture.path().toString()));
    if (proxy) {
      args.add("--proxy");
    }
    Map<String, Object> s = replay(zone, exit, args.toArray(String[]::new));
    assertEquals((long) FRAMES, s.get("frames"));
    assertEquals((long) UDP, s.get("queries"));
    assertEquals(matched, outcomes(s).get("matched"));
    assertEquals(mismatched, outcomes(s).get("mismatched"));
    assertEquals((long) TCP, outcomes(s).get("discard_non_udp"));
    assertEquals(0L, outcomes(s).get("timeout"));
    assertEquals((long) FRAMES, s.get("payloads"));
  }

  /**
   * The target's {@code whoami.test.} answers with the address a query comes from, so without
   * {@code --proxy} the capture's queries from ::1 get their logged answers only if they are sent
   * over IPv6: with a --dns per family they match, and of the 3 mismatches of one --dns (the first
   * row above) only the A query from 127.0.0.5 is left, which the replay sends from 127.0.0.1.
   */
  @Test
  void withADnsPerFamilyTheQueriesLoggedOverIpv6GoOverIpv6() throws Exception {
    long loggedOverIpv6 = KnotCapture.udpLoggedOverIpv6();
    assertTrue(loggedOverIpv6 > 0 && loggedOverIpv6 < UDP, "IPv6 payloads: " + loggedOverIpv6);
    int port = TARGETS.get(TargetZone.NORMAL).targetPort();
    Path errors = dir.resolve("errors.tap");
    Map<String, Object> s =
        replay(
            TargetZone.NORMAL,
            1,
            "--dns",
            "[::1]:" + port,
            "-r",
            KnotCapture.path().toString(),
            "--errors-file",
            errors.toString());
    assertEquals("127.0.0.1:" + port, s.get("target"));
    assertEquals("[::1]:" + port, s.get("ipv6_target"));
    assertEquals((long) UDP, s.get("queries"));
    assertEquals((long) UDP - 1, outcomes(s).get("matched"));
    assertEquals(1L, outcomes(s).get("mismatched"));
    assertEquals(0L, outcomes(s).get("timeout"));
    assertEquals((long) FRAMES, s.get("payloads"));
    List<Dnstap> records = DaemonRunner.records(Files.readAllBytes(errors));
    assertEquals(1, records.size());
    Message m = records.get(0).getMessage();
    assertEquals(
        InetAddress.getByName("127.0.0.5"),
        InetAddress.getByAddress(m.getQueryAddress().toByteArray()));
    assertEquals(
        List.of("whoami.test. IN A"),
        DnsMessage.parse(m.getQueryMessage().toByteArray()).questions());
    DnsMessage received =
        DnsMessage.parse(
            FailureRecord.decode(records.get(0).getExtra().toByteArray()).mismatchResponse());
    assertEquals("127.0.0.1", received.answer().get(0).data());
  }

  @Test
  void theErrorsFileIsReadByDnstapAndDnstapLdns() throws Exception {
    Path errors = dir.resolve("errors.tap");
    Map<String, Object> s =
        replay(
            TargetZone.VARIANT,
            1,
            "-r",
            KnotCapture.path().toString(),
            "--proxy",
            "--errors-file",
            errors.toString());
    assertEquals(
        List.of(Map.of("file", errors.toString(), "records", (long) VARIANT_MISMATCHES)),
        s.get("outputs"));
    for (var d : DaemonRunner.records(Files.readAllBytes(errors))) {
      assertEquals(
          FailureRecord.Kind.MISMATCH, FailureRecord.decode(d.getExtra().toByteArray()).kind());
      assertEquals(Message.Type.AUTH_RESPONSE, d.getMessage().getType());
    }
    assertEquals(VARIANT_MISMATCHES, authResponses("dnstap", "-q", "-r", errors.toString()));
    assertEquals(VARIANT_MISMATCHES, authResponses("dnstap-ldns", "-q", "-r", errors.toString()));
  }

  /**
   * The recipe from the start: record a real Knot source with fstrm_capture, replay the file into
   * the changed target. It differs in the same 40 answers as the live replay does.
   */
  @Test
  void aCaptureJustRecordedFromKnotReplaysLikeTheLivePath() throws Exception {
    Path recorded = dir.resolve("recorded.tap");
    try (KnotLab source = KnotLab.builder().capture(recorded).start()) {
      source.drive("main");
    }
    Map<String, Object> s = replay(TargetZone.VARIANT, 1, "-r", recorded.toString(), "--proxy");
    long frames = (Long) s.get("frames");
    assertTrue(frames >= 330, "frames: " + frames);
    assertEquals(frames, s.get("payloads"));
    assertEquals((long) VARIANT_MISMATCHES, outcomes(s).get("mismatched"));
    assertEquals(0L, outcomes(s).get("timeout"));
    assertEquals(
        frames - (Long) outcomes(s).get("discard_non_udp") - VARIANT_MISMATCHES,
        outcomes(s).get("matched"));
    assertEquals("different", s.get("verdict"));
  }

  /**
   * At a 25th of its pace the capture's 144 ms last 3.6 s: the run takes that long within 10% (it
   * cannot be shorter; the rest is the last answers and the drain).
   */
  @Test
  void speedKeepsTheCapturesDuration() throws Exception {
    double speed = 0.04;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (byte[] f : KnotCapture.frames()) {
      Message m = KnotCapture.parse(f).getMessage();
      long t = TimeUnit.SECONDS.toNanos(m.getResponseTimeSec()) + m.getResponseTimeNsec();
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    double expected = (last - first) / 1e9 / speed;
    assertTrue(expected > 3, "the capture spans " + (last - first) / 1e6 + " ms");
    Map<String, Object> s =
        replay(
            TargetZone.NORMAL,
            0,
            "-r",
            KnotCapture.path().toString(),
            "--proxy",
            "--speed",
            Double.toString(speed));
    double seconds = (Double) s.get("seconds");
    assertTrue(
        seconds >= expected && seconds <= expected * 1.1,
        "took " + seconds + " s for a capture of " + expected + " s at that speed");
    assertEquals((long) UDP, outcomes(s).get("matched"));
  }

  /** Runs a reference reader and counts the AUTH_RESPONSE lines of its quiet output. */
  private long authResponses(String... command) throws Exception {
    Path out = dir.resolve(command[0] + ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve(command[0] + ".err").toFile())
            .start();
    assertTrue(p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS), command[0] + " hangs");
    assertEquals(0, p.exitValue(), command[0] + " failed");
    return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains(" AR "))
        .count();
  }
}
