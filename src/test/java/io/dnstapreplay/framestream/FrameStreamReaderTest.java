// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.READY_DNSTAP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.START_BARE;
import static io.dnstapreplay.framestream.FrameStreamFixtures.START_DNSTAP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.STOP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.bytes;
import static io.dnstapreplay.framestream.FrameStreamFixtures.hex;
import static io.dnstapreplay.framestream.FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH;
import static io.dnstapreplay.framestream.FrameStreams.DNSTAP_CONTENT_TYPE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.dnstapreplay.testing.KnotCapture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameStreamReaderTest {
  private static final int CAPTURE_DATA_FRAMES = 331;
  private static final byte[] CAPTURE = KnotCapture.bytes();

  private static FrameStreamReader reader(byte[] stream) throws IOException {
    return new FrameStreamReader(new ByteArrayInputStream(stream), DEFAULT_MAX_DATA_FRAME_LENGTH);
  }

  /** Reads the stream to its end, returning the offset at which each data frame starts. */
  private static List<Long> dataFrameOffsets(FrameStreamReader reader) throws IOException {
    List<Long> offsets = new ArrayList<>();
    for (long offset = reader.offset(); reader.next() != null; offset = reader.offset()) {
      offsets.add(offset);
    }
    return offsets;
  }

  @Test
  void readsEveryDataFrameOfTheKnotCapture() throws IOException {
    long payloadBytes = 0;
    int frames = 0;
    try (FrameStreamReader reader = reader(CAPTURE)) {
      assertEquals(Optional.of(DNSTAP_CONTENT_TYPE), reader.contentType());
      for (byte[] payload; (payload = reader.next()) != null; frames++) {
        if (frames == 0) {
          assertEquals(0xb3, payload.length);
        }
        payloadBytes += payload.length;
      }
      assertEquals(CAPTURE.length, reader.offset());
      assertNull(reader.next());
    }

    assertEquals(CAPTURE_DATA_FRAMES, frames);
    String stopHex = hex(Arrays.copyOfRange(CAPTURE, CAPTURE.length - 12, CAPTURE.length));
    assertEquals(hex(bytes(STOP)), stopHex);
    long startFrameLength = 2 * Integer.BYTES + (CAPTURE[7] & 0xff);
    assertEquals(hex(bytes(START_DNSTAP)), hex(Arrays.copyOf(CAPTURE, (int) startFrameLength)));
    long lengthWords = (long) Integer.BYTES * frames;
    assertEquals(
        CAPTURE.length - startFrameLength - stopHex.length() / 2 - lengthWords, payloadBytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 4, 5, 30})
  void namesTheOffsetOfTheFrameACutCaptureEndsIn(int bytesIntoFrame) throws IOException {
    List<Long> offsets = dataFrameOffsets(reader(CAPTURE));
    int cutFrame = 200;
    long frameStart = offsets.get(cutFrame);
    byte[] cut = Arrays.copyOf(CAPTURE, (int) frameStart + bytesIntoFrame);

    FrameStreamReader reader = reader(cut);
    for (int i = 0; i < cutFrame; i++) {
      reader.next();
    }
    FrameStreamException e = assertThrows(FrameStreamException.class, reader::next);

    assertEquals(Reason.TRUNCATED, e.reason());
    assertTrue(
        e.getMessage().startsWith("frame at byte offset " + frameStart + ": input ends inside"),
        e.getMessage());
    assertSame(e, assertThrows(FrameStreamException.class, reader::next), "stays failed");
  }

  @Test
  void aCaptureCutBetweenFramesEndsCleanly() throws IOException {
    List<Long> offsets = dataFrameOffsets(reader(CAPTURE));
    byte[] cut = Arrays.copyOf(CAPTURE, offsets.get(100).intValue());

    assertEquals(offsets.subList(0, 100), dataFrameOffsets(reader(cut)));
  }

  @Test
  void readsWhatTheWriterWrote() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FrameStreamWriter writer = new FrameStreamWriter(out, DNSTAP_CONTENT_TYPE)) {
      writer.write(bytes("aa"));
      writer.write(bytes("00bbcc00"), 1, 2);
      writer.write(bytes("ddeeff"));
    }

    assertEquals(
        hex(bytes(START_DNSTAP + "00000001 aa 00000002 bbcc 00000003 ddeeff" + STOP)),
        hex(out.toByteArray()));
    FrameStreamReader reader = reader(out.toByteArray());
    assertEquals(Optional.of(DNSTAP_CONTENT_TYPE), reader.contentType());
    assertEquals("aa", hex(reader.next()));
    assertEquals("bbcc", hex(reader.next()));
    assertEquals("ddeeff", hex(reader.next()));
    assertNull(reader.next());
  }

  @Test
  void aStreamMayHaveNoContentTypeAndNoStop() throws IOException {
    FrameStreamReader reader = reader(bytes(START_BARE + "00000002 0102"));

    assertEquals(Optional.empty(), reader.contentType());
    assertArrayEquals(bytes("0102"), reader.next());
    assertNull(reader.next());
  }

  @ParameterizedTest
  @CsvSource({
    "'', TRUNCATED, 0, 'empty input, expected a START frame'",
    "000000, TRUNCATED, 0, input ends inside the frame length after 3 bytes",
    "00000000 000000, TRUNCATED, 0, input ends inside the control frame length after 3 bytes",
    "00000000 00000022 00000002, TRUNCATED, 0, input ends inside the control frame after 4 of 34"
        + " bytes",
    "00000001 aa, UNEXPECTED_FRAME, 0, data frame where a START frame was expected",
    READY_DNSTAP + ", UNEXPECTED_FRAME, 0, READY frame where a START frame was expected",
    START_DNSTAP
        + "00000005 0102, TRUNCATED, 42, input ends inside the data frame after 2 of 5"
        + " bytes",
    START_DNSTAP
        + "00020001, DATA_FRAME_TOO_LARGE, 42, data frame of 131073 bytes exceeds the"
        + " limit of 131072",
    START_DNSTAP
        + "00000000 00000003, CONTROL_FRAME_LENGTH, 42, control frame length 3 is outside"
        + " 4..512",
    START_DNSTAP
        + "00000000 00000004 00000007, UNKNOWN_CONTROL_TYPE, 42, unknown control frame"
        + " type 7",
    START_DNSTAP
        + READY_DNSTAP
        + ", UNEXPECTED_FRAME, 42, READY frame inside a unidirectional"
        + " stream",
    START_BARE
        + "00000001 aa 00000000 00000008 00000003 00000001, MALFORMED_CONTROL_FRAME, 17,"
        + " control frame ends inside a field header (4 bytes left)",
    START_DNSTAP + STOP + "00, UNEXPECTED_FRAME, 54, data after the STOP frame",
  })
  void namesTheOffsetOfTheOffendingFrame(
      String stream, Reason reason, long offset, String message) {
    FrameStreamException e =
        assertThrows(
            FrameStreamException.class,
            () -> {
              FrameStreamReader reader = reader(bytes(stream));
              while (reader.next() != null) {
                // read to the end or the error
              }
            });

    assertEquals(reason, e.reason());
    assertEquals("frame at byte offset " + offset + ": " + message, e.getMessage());
  }
}
