// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.testing.KnotCapture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnstapFileReaderTest {
  /** START with content type {@code protobuf:dnstap.Dnstap}. */
  private static final int START_LENGTH = 42;

  @TempDir Path dir;

  private static DnstapFileReader reader(byte[] bytes) throws IOException {
    return new DnstapFileReader(new ByteArrayInputStream(bytes), "t.tap");
  }

  @Test
  void readsEveryMessageOfTheCapture() throws IOException {
    int n = 0;
    try (DnstapFileReader r = reader(KnotCapture.bytes())) {
      for (DnstapProto.Dnstap d = r.next(); d != null; d = r.next()) {
        assertEquals(DnstapProto.Message.Type.AUTH_RESPONSE, d.getMessage().getType());
        n++;
      }
      assertNull(r.next());
    }
    assertEquals(KnotCapture.FRAMES, n);
  }

  @Test
  void aTruncatedFileEndsWithAnErrorNamingTheFramesOffset() throws IOException {
    List<byte[]> frames = KnotCapture.frames();
    long tenth = START_LENGTH;
    for (byte[] f : frames.subList(0, 10)) {
      tenth += 4 + f.length;
    }
    byte[] cut = Arrays.copyOf(KnotCapture.bytes(), (int) tenth + 7);
    try (DnstapFileReader r = reader(cut)) {
      for (int i = 0; i < 10; i++) {
        assertEquals(DnstapProto.Dnstap.parseFrom(frames.get(i)), r.next());
      }
      IOException e = assertThrows(IOException.class, r::next);
      assertEquals(
          "t.tap: frame at byte offset "
              + tenth
              + ": input ends inside the data frame after 3 of "
              + frames.get(10).length
              + " bytes",
          e.getMessage());
    }
  }

  @Test
  void aFrameThatIsNotDnstapIsAnErrorNamingItsOffset() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FrameStreamWriter w = new FrameStreamWriter(out, "protobuf:dnstap.Dnstap")) {
      w.write(KnotCapture.frames().get(0));
      w.write(HexFormat.of().parseHex("ffff"));
    }
    try (DnstapFileReader r = reader(out.toByteArray())) {
      r.next();
      IOException e = assertThrows(IOException.class, r::next);
      int offset = START_LENGTH + 4 + KnotCapture.frames().get(0).length;
      assertEquals(
          "t.tap: frame at byte offset " + offset + ": not a dnstap message: ",
          e.getMessage().substring(0, e.getMessage().indexOf("message: ") + 9));
    }
  }

  /** As the original, which does not read START's content type: every frame must be dnstap. */
  @Test
  void anotherContentTypeIsReadAsDnstap() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FrameStreamWriter w = new FrameStreamWriter(out, "protobuf:other")) {
      w.write(KnotCapture.frames().get(0));
    }
    try (DnstapFileReader r = reader(out.toByteArray())) {
      assertEquals(DnstapProto.Dnstap.parseFrom(KnotCapture.frames().get(0)), r.next());
      assertNull(r.next());
    }
  }

  @Test
  void anEmptyFileHasNoMessages() throws IOException {
    try (DnstapFileReader r = reader(new byte[0])) {
      assertNull(r.next());
    }
  }

  @Test
  void aDashReadsStandardInputAndLeavesItOpen() throws IOException {
    boolean[] closed = {false};
    ByteArrayInputStream stdin =
        new ByteArrayInputStream(KnotCapture.bytes()) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    try (DnstapFileReader r = DnstapFileReader.open("-", stdin)) {
      assertEquals(ToolsFixtures.captureMessage(0), r.next());
    }
    assertFalse(closed[0]);
  }

  @Test
  void opensFilesAndNamesThemInErrors() throws IOException {
    Path tap = dir.resolve("cut.tap");
    Files.write(tap, Arrays.copyOf(KnotCapture.bytes(), START_LENGTH + 2));
    try (DnstapFileReader r = DnstapFileReader.open(tap.toString(), InputStreamNull.INSTANCE)) {
      IOException e = assertThrows(IOException.class, r::next);
      assertEquals(
          tap + ": frame at byte offset 42: input ends inside the frame length after 2 bytes",
          e.getMessage());
    }
    Path missing = dir.resolve("missing.tap");
    IOException e =
        assertThrows(
            IOException.class,
            () -> DnstapFileReader.open(missing.toString(), InputStreamNull.INSTANCE));
    assertEquals(missing + ": no such file", e.getMessage());
  }

  /** Standard input that must not be touched. */
  private static final class InputStreamNull extends java.io.InputStream {
    static final InputStreamNull INSTANCE = new InputStreamNull();

    @Override
    public int read() {
      throw new AssertionError("standard input read");
    }
  }
}
