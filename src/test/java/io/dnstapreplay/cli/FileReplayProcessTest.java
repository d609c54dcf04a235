// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.DaemonProcess;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.UdpResponder;
import io.dnstapreplay.tools.MiniJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dnstap-replay --read} as a CI job runs it, in a child JVM: the exit status (diff(1)'s),
 * the summary on stdout, nothing on stderr but trouble, and the record files, also after SIGINT.
 */
class FileReplayProcessTest {
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
  private static final String STOP_FRAME = "000000000000000400000003";

  @TempDir Path dir;
  private UdpResponder target;
  private final List<DaemonProcess> processes = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    for (DaemonProcess p : processes) {
      p.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private DaemonProcess start(UdpResponder.Policy policy, String... args) throws IOException {
    target = UdpResponder.start(policy);
    List<String> all =
        new ArrayList<>(List.of("--dns", "127.0.0.1:" + target.address().getPort(), "--proxy"));
    all.addAll(List.of(args));
    DaemonProcess p =
        DaemonProcess.start(
            dir.resolve("stdout.txt"), dir.resolve("stderr.txt"), all.toArray(String[]::new));
    processes.add(p);
    return p;
  }

  private DaemonProcess.Finished run(UdpResponder.Policy policy, String... args) throws Exception {
    return start(policy, args).finish(RUN_LIMIT);
  }

  private static String capture() {
    return KnotCapture.path().toString();
  }

  /** A row of the summary's outcomes table. */
  private static String row(String outcome, long payloads) {
    return String.format("  %-20s %10d%n", outcome, payloads);
  }

  /** Answers as logged, but every query about {@code whoami.test.} differently. */
  private static UdpResponder.Policy whoamiDiffers() {
    UdpResponder.Policy logged = UdpResponder.logged(KnotCapture.responses());
    return (query, reply) ->
        logged.answer(
            query,
            new UdpResponder.Reply() {
              @Override
              public void send(byte[] response) {
                reply.send(
                    isWhoami(query.message()) ? UdpResponder.mismatching(response) : response);
              }

              @Override
              public void sendFromOtherPort(byte[] response) {
                reply.sendFromOtherPort(response);
              }

              @Override
              public void sendAfter(byte[] response, long millis) {
                reply.sendAfter(response, millis);
              }
            });
  }

  private static boolean isWhoami(byte[] message) {
    return new String(message, StandardCharsets.ISO_8859_1).contains("whoami");
  }

  private static List<Dnstap> records(Path file) throws IOException {
    return DaemonRunner.records(Files.readAllBytes(file));
  }

  private static void assertEndsWithStop(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(
        STOP_FRAME,
        HexFormat.of().formatHex(bytes, bytes.length - 12, bytes.length),
        file + " is a complete stream");
  }

  @Test
  void everyPayloadMatchedIsExitZeroWithTheSummaryOnStdoutOnly() throws Exception {
    DaemonProcess.Finished r = run(UdpResponder.logged(KnotCapture.responses()), "-r", capture());
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
    assertEquals("", r.stderr());
    assertTrue(r.stdout().startsWith("Replayed 331 frames of " + capture() + " to 127.0.0.1:"));
    assertTrue(r.stdout().contains(row("matched", KnotCapture.UDP)), r.stdout());
    assertTrue(r.stdout().contains(row("discard_non_udp", KnotCapture.TCP)), r.stdout());
    assertTrue(
        r.stdout().endsWith("same: every payload replayed matched (exit status 0)\n"), r.stdout());
  }

  @Test
  void mismatchesAreExitOneAndTheirRecordsAreInTheErrorsFile() throws Exception {
    Path errors = dir.resolve("errors.tap");
    DaemonProcess.Finished r =
        run(whoamiDiffers(), "-r", capture(), "--errors-file", errors.toString(), "--json");
    assertEquals(1, r.exit(), r.stdout() + r.stderr());
    Map<String, Object> json = MiniJson.object(r.stdout());
    Map<?, ?> outcomes = (Map<?, ?>) json.get("outcomes");
    long whoami =
        KnotCapture.udpFrameIndexes().stream()
            .map(i -> KnotCapture.parse(KnotCapture.frames().get(i)))
            .filter(d -> isWhoami(d.getMessage().getQueryMessage().toByteArray()))
            .count();
    assertTrue(whoami > 0);
    assertEquals(KnotCapture.UDP - whoami, outcomes.get("matched"));
    assertEquals(whoami, outcomes.get("mismatched"));
    assertEquals("different", json.get("verdict"));
    List<Dnstap> written = records(errors);
    assertEquals(whoami, written.size());
    for (Dnstap d : written) {
      assertTrue(isWhoami(d.getMessage().getQueryMessage().toByteArray()));
      FailureRecord f = FailureRecord.decode(d.getExtra().toByteArray());
      assertEquals(FailureRecord.Kind.MISMATCH, f.kind());
      assertArrayEquals(
          UdpResponder.mismatching(d.getMessage().getResponseMessage().toByteArray()),
          f.mismatchResponse());
    }
    assertEndsWithStop(errors);
  }

  @Test
  void timeoutsAreExitOneAndGoToTheTimeoutsFile() throws Exception {
    Path timeouts = dir.resolve("timeouts.tap");
    DaemonProcess.Finished r =
        run(
            UdpResponder.silent(),
            "-r",
            capture(),
            "--timeout",
            "200",
            "--timeouts-file",
            timeouts.toString());
    assertEquals(1, r.exit(), r.stdout() + r.stderr());
    assertTrue(r.stdout().contains(row("timeout", KnotCapture.UDP)), r.stdout());
    assertTrue(r.stdout().contains("written  " + timeouts + ": 276 records"), r.stdout());
    assertEquals(KnotCapture.UDP, records(timeouts).size());
  }

  @Test
  void aDamagedFileIsReplayedUpToTheDamageAndIsTroubleWithItsOffset() throws Exception {
    int cutAt = 3000;
    Path cut = Files.write(dir.resolve("cut.tap"), Arrays.copyOf(KnotCapture.bytes(), cutAt));
    int whole = 0;
    long end = 5 * Integer.BYTES + FrameStreams.DNSTAP_CONTENT_TYPE.length(); // START
    while (end + Integer.BYTES + KnotCapture.frames().get(whole).length <= cutAt) {
      end += Integer.BYTES + KnotCapture.frames().get(whole++).length;
    }
    DaemonProcess.Finished r =
        run(UdpResponder.logged(KnotCapture.responses()), "-r", cut.toString());
    assertEquals(2, r.exit(), r.stdout() + r.stderr());
    assertTrue(
        r.stderr()
            .matches("dnstap-replay: " + cut + ": frame at byte offset \\d+: input ends .*\n"),
        r.stderr());
    assertTrue(r.stdout().contains("trouble: " + cut + ": frame at byte offset "), r.stdout());
    assertTrue(
        r.stdout().endsWith("trouble: the verdict is incomplete (exit status 2)\n"), r.stdout());
    assertTrue(
        r.stdout().startsWith("Replayed " + whole + " frames"),
        whole + " whole frames:\n" + r.stdout());
    assertTrue(
        r.stderr().contains("frame at byte offset " + end + ":"), "the damaged frame's offset");
  }

  @Test
  void anUnreadableFileIsTroubleBeforeAnythingIsReplayed() throws Exception {
    Path missing = dir.resolve("missing.tap");
    DaemonProcess.Finished r = run(UdpResponder.silent(), "-r", capture(), missing.toString());
    assertEquals(2, r.exit(), r.stderr());
    assertEquals("dnstap-replay: " + missing + ": no such file\n", r.stderr());
    assertEquals("", r.stdout());
    assertEquals(0, target.receivedCount());
  }

  /**
   * At a hundredth of its pace the capture takes 14 s: SIGINT stops the reading, the queries sent
   * get their answer, and the summary and the errors file still say all that happened.
   */
  @Test
  void sigintStopsReadingAndStillWritesTheSummaryAndTheFiles() throws Exception {
    Path errors = dir.resolve("errors.tap");
    DaemonProcess p =
        start(
            (query, reply) ->
                reply.send(UdpResponder.mismatching(UdpResponder.echoed(query.message(), 0))),
            "-r",
            capture(),
            "--speed",
            "0.01",
            "--errors-file",
            errors.toString(),
            "--json");
    Await.until(() -> target.receivedCount() >= 1, RUN_LIMIT, () -> "a first query");
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.process().pid())).start();
    assertEquals(0, kill.waitFor());
    DaemonProcess.Finished r = p.finish(RUN_LIMIT);
    assertEquals(2, r.exit(), r.stdout() + r.stderr());
    Map<String, Object> json = MiniJson.object(r.stdout());
    assertEquals(
        List.of("interrupted: the inputs were not read to their end"), json.get("troubles"));
    long mismatched = (Long) ((Map<?, ?>) json.get("outcomes")).get("mismatched");
    assertEquals(target.receivedCount(), mismatched, "every query sent has its outcome");
    assertTrue(mismatched < KnotCapture.UDP, "stopped early: " + mismatched);
    assertEquals(mismatched, records(errors).size());
    assertEndsWithStop(errors);
  }
}
