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
    while (reader.next() != null) {
      offsets.add(reader.frameOffset());
    }
    return offsets;
  }

  @Test
  void readsEveryDataFrameOfTheKnotCapture() throws IOException {
    long payloadBytes = 0;
    int frames = 0;
    try (FrameStreamReader reader = reader(CAPTURE)) {
      for (byte[] payload; (payload = reader.next()) != null; frames++) {
        if (frames == 0) {
          assertEquals(0xb3, payload.length);
        }
        payloadBytes += payload.length;
      }
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
    assertEquals("aa", hex(reader.next()));
    assertEquals(Optional.of(DNSTAP_CONTENT_TYPE), reader.contentType());
    assertEquals("bbcc", hex(reader.next()));
    assertEquals("ddeeff", hex(reader.next()));
    assertNull(reader.next());
  }

  @Test
  void aStreamMayHaveNoContentTypeAndNoStop() throws IOException {
    FrameStreamReader reader = reader(bytes(START_BARE + "00000002 0102"));

    assertArrayEquals(bytes("0102"), reader.next());
    assertEquals(Optional.empty(), reader.contentType());
    assertNull(reader.next());
  }

  /**
   * What the original's tools take from a file, whose reader keeps no state: an empty file, data
   * without or before START, START anywhere (its fields unread), anything after STOP.
   */
  @ParameterizedTest
  @CsvSource({
    "'', ''",
    "00000001 aa 00000002 bbcc, aa bbcc",
    "00000001 aa " + START_DNSTAP + " 00000001 bb " + STOP + ", aa bb",
    START_DNSTAP + " 00000001 aa " + START_BARE + " 00000001 bb, aa bb",
    "00000000 00000008 00000002 00000001 00000001 aa, aa",
    START_DNSTAP + " 00000001 aa " + STOP + " 00000001 bb, aa",
    START_DNSTAP + " 00000001 aa " + STOP + " 00, aa",
    START_DNSTAP + " 00000001 aa " + STOP + " 00000000 00000004 00000004, aa",
  })
  void readsWhatTheOriginalReads(String stream, String dataFrames) throws IOException {
    FrameStreamReader reader = reader(bytes(stream));
    List<String> read = new ArrayList<>();
    for (byte[] frame = reader.next(); frame != null; frame = reader.next()) {
      read.add(hex(frame));
    }
    assertEquals(dataFrames.isEmpty() ? List.of() : List.of(dataFrames.split(" ")), read);
  }

  /** Beyond the original, which stops at the first STOP: files written one after the other. */
  @Test
  void readsConcatenatedStreams() throws IOException {
    byte[] twice = new byte[2 * CAPTURE.length];
    System.arraycopy(CAPTURE, 0, twice, 0, CAPTURE.length);
    System.arraycopy(CAPTURE, 0, twice, CAPTURE.length, CAPTURE.length);
    List<Long> offsets = dataFrameOffsets(reader(twice));
    assertEquals(2 * CAPTURE_DATA_FRAMES, offsets.size());
    assertEquals(offsets.get(0) + CAPTURE.length, offsets.get(CAPTURE_DATA_FRAMES));
  }

  @ParameterizedTest
  @CsvSource({
    "000000, TRUNCATED, 0, input ends inside the frame length after 3 bytes",
    "00000000 000000, TRUNCATED, 0, input ends inside the control frame length after 3 bytes",
    "00000000 00000022 00000002, TRUNCATED, 0, input ends inside the control frame after 4 of 34"
        + " bytes",
    READY_DNSTAP + ", UNEXPECTED_FRAME, 0, READY frame inside a unidirectional stream",
    START_DNSTAP
        + "00000000 00000004 00000005, UNEXPECTED_FRAME, 42, FINISH frame inside"
        + " a unidirectional stream",
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
