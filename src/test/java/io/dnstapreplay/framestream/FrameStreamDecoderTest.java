// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.KNOT_STREAM;
import static io.dnstapreplay.framestream.FrameStreamFixtures.KNOT_STREAM_DECODED;
import static io.dnstapreplay.framestream.FrameStreamFixtures.KNOT_STREAM_FRAME_LENGTHS;
import static io.dnstapreplay.framestream.FrameStreamFixtures.buffer;
import static io.dnstapreplay.framestream.FrameStreamFixtures.bytes;
import static io.dnstapreplay.framestream.FrameStreamFixtures.drain;
import static io.dnstapreplay.framestream.FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameStreamDecoderTest {
  private static final byte[] STREAM = bytes(KNOT_STREAM);

  private static EmbeddedChannel decoderChannel(int maxDataFrameLength) {
    return new EmbeddedChannel(new FrameStreamDecoder(maxDataFrameLength));
  }

  private static EmbeddedChannel decoderChannel() {
    return decoderChannel(DEFAULT_MAX_DATA_FRAME_LENGTH);
  }

  @Test
  void decodesAWholeStream() {
    EmbeddedChannel channel = decoderChannel();

    channel.writeInbound(buffer(STREAM));

    assertEquals(KNOT_STREAM_DECODED, drain(channel));
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void decodesAStreamFedOneByteAtATime() {
    EmbeddedChannel channel = decoderChannel();

    for (int i = 0; i < STREAM.length; i++) {
      channel.writeInbound(buffer(STREAM, i, 1));
    }

    assertEquals(KNOT_STREAM_DECODED, drain(channel));
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void decodesAStreamSplitInTwoAtEveryOffset() {
    for (int split = 0; split <= STREAM.length; split++) {
      EmbeddedChannel channel = decoderChannel();

      channel.writeInbound(buffer(STREAM, 0, split));
      channel.writeInbound(buffer(STREAM, split, STREAM.length - split));

      assertEquals(KNOT_STREAM_DECODED, drain(channel), "split at " + split);
      assertFalse(channel.finishAndReleaseAll());
    }
  }

  @Test
  void inputEndingInsideAFrameIsTruncatedAndEndingBetweenFramesIsNot() {
    Set<Integer> boundaries = new HashSet<>(Set.of(0));
    int offset = 0;
    for (int length : KNOT_STREAM_FRAME_LENGTHS) {
      boundaries.add(offset += length);
    }
    assertEquals(STREAM.length, offset);

    for (int cut = 0; cut < STREAM.length; cut++) {
      EmbeddedChannel channel = decoderChannel();
      channel.writeInbound(buffer(STREAM, 0, cut));
      if (boundaries.contains(cut)) {
        channel.finish();
      } else {
        FrameStreamException e = assertThrows(FrameStreamException.class, channel::finish);
        assertEquals(Reason.TRUNCATED, e.reason(), "cut at " + cut);
      }
      drain(channel);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void truncationReportsHowFarIntoTheFrameTheInputEnded() {
    EmbeddedChannel channel = decoderChannel();
    channel.writeInbound(buffer(bytes("00000001 01 00000005 0102")));

    FrameStreamException e = assertThrows(FrameStreamException.class, channel::finish);

    assertEquals("input ended inside a frame, 6 bytes into it", e.getMessage());
    assertEquals(List.of("01"), drain(channel));
    channel.finishAndReleaseAll();
  }

  @Test
  void rejectsAnOversizeDataFrameFromItsLengthWordAlone() {
    EmbeddedChannel channel = decoderChannel();

    FrameStreamException e =
        assertThrows(
            FrameStreamException.class, () -> channel.writeInbound(buffer(bytes("fffffff0"))));

    assertEquals(Reason.DATA_FRAME_TOO_LARGE, e.reason());
    assertEquals("data frame of 4294967280 bytes exceeds the limit of 131072", e.getMessage());
    assertDiscardsEverythingAfterwards(channel);
  }

  @Test
  void acceptsADataFrameOfTheMaximumLengthAndRejectsOneByteMore() {
    EmbeddedChannel channel = decoderChannel(16);

    channel.writeInbound(buffer(bytes("00000010" + "ab".repeat(16))));
    assertEquals(List.of("ab".repeat(16)), drain(channel));
    FrameStreamException e =
        assertThrows(
            FrameStreamException.class, () -> channel.writeInbound(buffer(bytes("00000011"))));

    assertEquals(Reason.DATA_FRAME_TOO_LARGE, e.reason());
    assertEquals("data frame of 17 bytes exceeds the limit of 16", e.getMessage());
    channel.finishAndReleaseAll();
  }

  @Test
  void theDefaultLimitIs128KiB() {
    byte[] frame = new byte[Integer.BYTES + 128 * 1024];
    frame[1] = 0x02;
    EmbeddedChannel channel = decoderChannel();

    channel.writeInbound(buffer(frame));
    assertEquals(1, drain(channel).size());
    FrameStreamException e =
        assertThrows(
            FrameStreamException.class, () -> channel.writeInbound(buffer(bytes("00020001"))));

    assertEquals(Reason.DATA_FRAME_TOO_LARGE, e.reason());
    channel.finishAndReleaseAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"00000000 00000000", "00000000 00000003", "00000000 00000201"})
  void rejectsAControlFrameLengthOutside4To512FromItsHeaderAlone(String header) {
    EmbeddedChannel channel = decoderChannel();

    FrameStreamException e =
        assertThrows(FrameStreamException.class, () -> channel.writeInbound(buffer(bytes(header))));

    assertEquals(Reason.CONTROL_FRAME_LENGTH, e.reason());
    assertDiscardsEverythingAfterwards(channel);
  }

  @Test
  void acceptsAControlFrameOf512Bytes() {
    EmbeddedChannel channel = decoderChannel();

    channel.writeInbound(
        buffer(
            bytes(
                "00000000 00000200 00000004 00000001 00000100"
                    + "61".repeat(256)
                    + "00000001 000000ec"
                    + "62".repeat(236))));

    assertEquals(
        List.of(ControlFrame.ready(List.of("a".repeat(256), "b".repeat(236)))), drain(channel));
    channel.finishAndReleaseAll();
  }

  @ParameterizedTest
  @CsvSource({
    "00000000 00000004 00000006, UNKNOWN_CONTROL_TYPE",
    "00000000 0000000c 00000004 00000002 00000000, MALFORMED_CONTROL_FRAME",
    "00000000 0000000c 00000004 00000001 00000101, MALFORMED_CONTROL_FRAME",
    "00000000 0000000c 00000004 00000001 00000001, MALFORMED_CONTROL_FRAME",
  })
  void rejectsUnknownTypesAndMalformedFields(String frame, Reason reason) {
    EmbeddedChannel channel = decoderChannel();

    FrameStreamException e =
        assertThrows(FrameStreamException.class, () -> channel.writeInbound(buffer(bytes(frame))));

    assertEquals(reason, e.reason());
    assertDiscardsEverythingAfterwards(channel);
  }

  @Test
  void rejectsAContentTypeOf257Bytes() {
    EmbeddedChannel channel = decoderChannel();
    byte[] frame = bytes("00000000 0000010d 00000004 00000001 00000101" + "61".repeat(257));

    FrameStreamException e =
        assertThrows(FrameStreamException.class, () -> channel.writeInbound(buffer(frame)));

    assertEquals(Reason.MALFORMED_CONTROL_FRAME, e.reason());
    assertEquals("content type of 257 bytes exceeds the limit of 256", e.getMessage());
    channel.finishAndReleaseAll();
  }

  @Test
  void passesOnFramesBeforeAnErrorAndNothingAfterIt() {
    EmbeddedChannel channel = decoderChannel();

    FrameStreamException e =
        assertThrows(
            FrameStreamException.class,
            () ->
                channel.writeInbound(
                    buffer(bytes("00000001 01  00000000 00000004 00000009  00000001 02"))));

    assertEquals(Reason.UNKNOWN_CONTROL_TYPE, e.reason());
    assertEquals("unknown control frame type 9", e.getMessage());
    assertEquals(List.of("01"), drain(channel));
    assertDiscardsEverythingAfterwards(channel);
  }

  @Test
  void rejectsANonPositiveLimit() {
    assertThrows(IllegalArgumentException.class, () -> new FrameStreamDecoder(0));
  }

  /** Feeds a valid frame and a partial one: a failed decoder emits nothing and never throws. */
  private static void assertDiscardsEverythingAfterwards(EmbeddedChannel channel) {
    channel.writeInbound(buffer(bytes("00000001 03  00000000 00000004 00000003  000000")));
    assertEquals(List.of(), drain(channel));
    assertFalse(channel.finishAndReleaseAll());
  }
}
