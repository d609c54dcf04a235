// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.UdpResponder;
import io.dnstapreplay.tools.ToolsFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InjectCommandTest {
  @TempDir Path dir;

  private record Result(int exit, String out, String err) {}

  private static Result run(InputStream stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new InjectCommand(stdin, new PrintWriter(out, true)), args, new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  private static String summary(
      int sent, int answered, int timedOut, int skippedNoQuery, int skippedNoPort) {
    return "sent: "
        + sent
        + "\nanswered: "
        + answered
        + "\ntimed_out: "
        + timedOut
        + "\nrefused: 0\nskipped: "
        + (skippedNoQuery + skippedNoPort)
        + "\nskipped_without_query: "
        + skippedNoQuery
        + "\nskipped_without_query_port: "
        + skippedNoPort
        + "\n";
  }

  @Test
  void sendsEveryQueryOfTheCaptureAndSummarises() throws Exception {
    Path tap = dir.resolve("knot.tap");
    Files.write(tap, KnotCapture.bytes());
    try (UdpResponder server = UdpResponder.start(UdpResponder.echo())) {
      Result r = run(InputStream.nullInputStream(), "-r", tap.toString(), "--dns", address(server));
      assertEquals(new Result(0, summary(331, 331, 0, 0, 0), ""), r);
      assertEquals(KnotCapture.FRAMES, server.received().size());
      for (int i = 0; i < KnotCapture.FRAMES; i++) {
        assertEquals(
            ToolsFixtures.captureMessage(i).getMessage().getQueryMessage(),
            ByteString.copyFrom(server.received().get(i)),
            "query " + i);
      }
    }
  }

  /** As the original: an empty file sends nothing, and what follows STOP is not read; exit 0. */
  @Test
  void readsWhatTheOriginalReadsWithItsExitStatus() throws Exception {
    byte[] two = ToolsFixtures.tap(KnotCapture.frames().subList(0, 2));
    byte[] twoThenJunk = Arrays.copyOf(two, two.length + 3);
    try (UdpResponder server = UdpResponder.start(UdpResponder.echo())) {
      Result empty =
          run(new ByteArrayInputStream(new byte[0]), "-r", "-", "--dns", address(server));
      assertEquals(new Result(0, summary(0, 0, 0, 0, 0), ""), empty);
      Result junk = run(new ByteArrayInputStream(twoThenJunk), "-r", "-", "--dns", address(server));
      assertEquals(new Result(0, summary(2, 2, 0, 0, 0), ""), junk);
    }
  }

  @Test
  void unansweredQueriesTimeOutAndSkippedOnesAreCounted() throws Exception {
    DnstapProto.Dnstap whoami = ToolsFixtures.captureMessage(ToolsFixtures.WHOAMI_A_UDP);
    DnstapProto.Dnstap noPort =
        whoami.toBuilder().setMessage(whoami.getMessage().toBuilder().clearQueryPort()).build();
    DnstapProto.Dnstap noQuery =
        whoami.toBuilder().setMessage(whoami.getMessage().toBuilder().clearQueryMessage()).build();
    DnstapProto.Dnstap noMessage = whoami.toBuilder().clearMessage().build();
    byte[] tap = ToolsFixtures.tapOf(whoami, noPort, noQuery, noMessage, whoami);
    int[] seen = {0};
    try (UdpResponder server =
        UdpResponder.start(
            (q, reply) -> {
              if (seen[0]++ > 0) {
                reply.send(UdpResponder.echoed(q.message(), 0));
              }
            })) {
      String[] args = {"-r", "-", "--dns", address(server), "--proxy", "--timeout", "100", ""};
      args[args.length - 1] = "-vvvv";
      Result r = run(new ByteArrayInputStream(tap), args);
      byte[] query = whoami.getMessage().getQueryMessage().toByteArray();
      String hex = HexFormat.of().formatHex(query);
      String answer = HexFormat.of().formatHex(UdpResponder.echoed(query, 0));
      assertEquals(
          new Result(
              0,
              summary(2, 1, 1, 2, 1),
              "timed out: " + hex + "\nanswered: " + hex + " -> " + answer + "\n"),
          r);
      seen[0] = 0;
      args[args.length - 1] = "-vvv";
      r = run(new ByteArrayInputStream(tap), args);
      assertEquals(new Result(0, summary(2, 1, 1, 2, 1), "timed out: " + hex + "\n"), r);
    }
  }

  @Test
  void aDamagedFileIsSummarisedUpToTheDamageThenExit1() throws Exception {
    List<byte[]> frames = KnotCapture.frames();
    int cut = 42 + 4 + frames.get(0).length + 4 + frames.get(1).length + 2;
    Path tap = dir.resolve("cut.tap");
    Files.write(tap, Arrays.copyOf(KnotCapture.bytes(), cut));
    try (UdpResponder server = UdpResponder.start(UdpResponder.echo())) {
      Result r = run(InputStream.nullInputStream(), "-r", tap.toString(), "--dns", address(server));
      assertEquals(1, r.exit());
      assertEquals(summary(2, 2, 0, 0, 0), r.out());
      assertEquals(
          "dnstap-inject: "
              + tap
              + ": frame at byte offset "
              + (cut - 2)
              + ": input ends inside the frame length after 2 bytes\n",
          r.err());
    }
  }

  @Test
  void aMissingFileIsOneLineAndExit1() {
    Path missing = dir.resolve("missing.tap");
    Result r =
        run(InputStream.nullInputStream(), "-r", missing.toString(), "--dns", "127.0.0.1:53");
    assertEquals(new Result(1, "", "dnstap-inject: " + missing + ": no such file\n"), r);
  }

  @Test
  void badOptionsAreOneLineAndExit2() throws IOException {
    Path tap = dir.resolve("knot.tap");
    Files.write(tap, KnotCapture.bytes());
    for (String[] args :
        List.of(
            new String[] {"-r", tap.toString(), "--dns", "localhost:53"},
            new String[] {"-r", tap.toString(), "--dns", "127.0.0.1:53", "--timeout", "0"},
            new String[] {"-r", tap.toString()})) {
      Result r = run(InputStream.nullInputStream(), args);
      assertEquals(2, r.exit(), r.err());
      assertEquals("", r.out());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("dnstap-inject: "), r.err());
    }
  }

  private static String address(UdpResponder server) {
    return "127.0.0.1:" + server.address().getPort();
  }
}
