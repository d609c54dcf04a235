// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.tools.DnstapDump.Format;
import io.dnstapreplay.tools.ToolsFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpCommandTest {
  @TempDir Path dir;

  private record Result(int exit, String out, String err) {}

  private static Result run(InputStream stdin, OutputStream stdout, String... args) {
    StringWriter err = new StringWriter();
    int exit = Cli.run(new DumpCommand(stdin, stdout), args, new PrintWriter(err, true));
    String out =
        stdout instanceof ByteArrayOutputStream b ? b.toString(StandardCharsets.UTF_8) : null;
    return new Result(exit, out, err.toString());
  }

  private static Result run(InputStream stdin, String... args) {
    return run(stdin, new ByteArrayOutputStream(), args);
  }

  private Path file(byte[] bytes) throws IOException {
    Path tap = dir.resolve("in.tap");
    Files.write(tap, bytes);
    return tap;
  }

  @Test
  void dumpsAFile() throws IOException {
    Result r = run(InputStream.nullInputStream(), "-r", file(KnotCapture.bytes()).toString());
    assertEquals(new Result(0, ToolsFixtures.dump(KnotCapture.bytes(), Format.YAML), ""), r);
  }

  @Test
  void summarizesAFileAndTakesOneInputOnly() throws IOException {
    String tap = file(ToolsFixtures.extraKindsTap()).toString();
    Result r = run(InputStream.nullInputStream(), "--summary", tap);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("1 mismatch records of 4 records\n"), r.out());
    assertTrue(r.out().contains("\nanswer: whoami.test. IN A\n"), r.out());
    Result json = run(InputStream.nullInputStream(), "--summary", tap, "--json");
    assertTrue(json.out().startsWith("{\"records\":4,\"mismatches\":1,"), json.out());
    assertEquals(2, run(InputStream.nullInputStream(), "--summary", tap, "-r", tap).exit());
    assertEquals(2, run(InputStream.nullInputStream()).exit());
  }

  /**
   * Files the original dnstap-dump reads with exit 0: empty, data before START (or no START), bytes
   * after STOP (not read); and, beyond it, streams written one after the other.
   */
  @Test
  void readsWhatTheOriginalReadsWithItsExitStatus() throws IOException {
    byte[] capture = KnotCapture.bytes();
    List<byte[]> frames = KnotCapture.frames();
    byte[] one = ToolsFixtures.tap(frames.subList(0, 1));
    byte[] two = ToolsFixtures.tap(frames.subList(0, 2));
    byte[] withoutStart = Arrays.copyOfRange(two, START_FRAME_LENGTH, two.length);
    String dumpOfOne = ToolsFixtures.dump(one, Format.YAML);
    String dumpOfTwo = ToolsFixtures.dump(two, Format.YAML);

    assertEquals(new Result(0, "", ""), dump(new byte[0]));
    assertEquals(new Result(0, dumpOfTwo, ""), dump(withoutStart));
    assertEquals(new Result(0, dumpOfOne, ""), dump(concat(one, new byte[] {1, 2, 3})));
    assertEquals(
        new Result(0, dumpOfTwo + ToolsFixtures.dump(capture, Format.YAML), ""),
        dump(concat(two, capture)));
  }

  private static final int START_FRAME_LENGTH = 42;

  private Result dump(byte[] tap) throws IOException {
    return run(InputStream.nullInputStream(), "-r", file(tap).toString());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void dumpsStandardInputAsJson() {
    Result r = run(new ByteArrayInputStream(KnotCapture.bytes()), "--json", "-r", "-");
    assertEquals(new Result(0, ToolsFixtures.dump(KnotCapture.bytes(), Format.JSON), ""), r);
  }

  @Test
  void aTruncatedFileIsDumpedUpToTheDamageThenExit1() throws IOException {
    List<byte[]> frames = KnotCapture.frames();
    byte[] twoAndAHalf =
        Arrays.copyOf(
            KnotCapture.bytes(), 42 + 4 + frames.get(0).length + 4 + frames.get(1).length + 10);
    Path tap = file(twoAndAHalf);
    Result r = run(InputStream.nullInputStream(), "-r", tap.toString());
    assertEquals(1, r.exit());
    assertEquals(ToolsFixtures.dump(ToolsFixtures.tap(frames.subList(0, 2)), Format.YAML), r.out());
    int offset = 42 + 4 + frames.get(0).length + 4 + frames.get(1).length;
    assertEquals(
        "dnstap-dump: "
            + tap
            + ": frame at byte offset "
            + offset
            + ": input ends inside the data frame after 6 of "
            + frames.get(2).length
            + " bytes\n",
        r.err());
  }

  @Test
  void standardInputIsNamedInErrors() {
    Result r = run(new ByteArrayInputStream(new byte[] {0, 0}), "-r", "-");
    assertEquals(
        new Result(
            1,
            "",
            "dnstap-dump: standard input: frame at byte offset 0: input ends inside the frame"
                + " length after 2 bytes\n"),
        r);
  }

  @Test
  void aMissingFileIsOneLineAndExit1() {
    Path missing = dir.resolve("missing.tap");
    Result r = run(InputStream.nullInputStream(), "-r", missing.toString());
    assertEquals(new Result(1, "", "dnstap-dump: " + missing + ": no such file\n"), r);
  }

  @Test
  void aBadCommandLineIsOneLineAndExit2() {
    Result r = run(InputStream.nullInputStream(), "--yaml");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("dnstap-dump: "), r.err());
  }

  @Test
  void aClosedPipeEndsTheDumpSilently() {
    Result r =
        run(
            new ByteArrayInputStream(KnotCapture.bytes()),
            new FailingOutput("Broken pipe"),
            "-r",
            "-");
    assertEquals(new Result(DumpCommand.BROKEN_PIPE_STATUS, null, ""), r);
  }

  @Test
  void anotherOutputErrorIsReported() {
    Result r =
        run(
            new ByteArrayInputStream(KnotCapture.bytes()),
            new FailingOutput("No space left on device"),
            "-r",
            "-");
    assertEquals(
        new Result(1, null, "dnstap-dump: cannot write output: No space left on device\n"), r);
  }

  private static final class FailingOutput extends OutputStream {
    private final String message;

    FailingOutput(String message) {
      this.message = message;
    }

    @Override
    public void write(int b) throws IOException {
      throw new IOException(message);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      throw new IOException(message);
    }
  }
}
