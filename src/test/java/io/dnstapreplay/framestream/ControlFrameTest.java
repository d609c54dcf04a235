// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.ACCEPT_DNSTAP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.DNSTAP_HEX;
import static io.dnstapreplay.framestream.FrameStreamFixtures.FINISH;
import static io.dnstapreplay.framestream.FrameStreamFixtures.READY_DNSTAP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.START_BARE;
import static io.dnstapreplay.framestream.FrameStreamFixtures.START_DNSTAP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.STOP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.bytes;
import static io.dnstapreplay.framestream.FrameStreams.DNSTAP_CONTENT_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ControlFrameTest {

  static Stream<Arguments> goldenFrames() {
    return Stream.of(
        Arguments.of(ControlFrame.ready(List.of(DNSTAP_CONTENT_TYPE)), READY_DNSTAP),
        Arguments.of(ControlFrame.accept(DNSTAP_CONTENT_TYPE), ACCEPT_DNSTAP),
        Arguments.of(ControlFrame.start(DNSTAP_CONTENT_TYPE), START_DNSTAP),
        Arguments.of(ControlFrame.start(null), START_BARE),
        Arguments.of(ControlFrame.stop(), STOP),
        Arguments.of(ControlFrame.finish(), FINISH),
        Arguments.of(ControlFrame.accept(), "00000000 00000004 00000001"),
        Arguments.of(
            ControlFrame.ready(List.of("a", DNSTAP_CONTENT_TYPE)),
            "00000000 0000002b 00000004 00000001 00000001 61 00000001 00000016" + DNSTAP_HEX));
  }

  @ParameterizedTest
  @MethodSource("goldenFrames")
  void encodesToGoldenBytes(ControlFrame frame, String golden) {
    ByteBuf out = Unpooled.buffer();
    try {
      frame.encodeTo(out);
      assertEquals(ByteBufUtil.hexDump(bytes(golden)), ByteBufUtil.hexDump(out));
    } finally {
      out.release();
    }
  }

  @ParameterizedTest
  @MethodSource("goldenFrames")
  void decodesGoldenPayload(ControlFrame frame, String golden) {
    byte[] wire = bytes(golden);
    ByteBuf payload = Unpooled.wrappedBuffer(wire, 2 * Integer.BYTES, wire.length - 8);

    assertEquals(frame, ControlFrame.decodePayload(payload));
    assertFalse(payload.isReadable());
  }

  @ParameterizedTest
  @EnumSource(ControlType.class)
  void controlTypesRoundTripThroughTheirWireCodes(ControlType type) {
    assertEquals(type, ControlType.fromCode(type.code()));
  }

  @Test
  void controlTypeCodesAreThoseOfTheProtocol() {
    assertEquals(
        List.of(1, 2, 3, 4, 5),
        Stream.of(
                ControlType.ACCEPT,
                ControlType.START,
                ControlType.STOP,
                ControlType.READY,
                ControlType.FINISH)
            .map(ControlType::code)
            .toList());
  }

  @ParameterizedTest
  @MethodSource("unknownControlTypeCodes")
  void rejectsUnknownControlTypeCodes(int code, String shown) {
    FrameStreamException e =
        assertThrows(FrameStreamException.class, () -> ControlType.fromCode(code));
    assertEquals(Reason.UNKNOWN_CONTROL_TYPE, e.reason());
    assertEquals("unknown control frame type " + shown, e.getMessage());
  }

  static Stream<Arguments> unknownControlTypeCodes() {
    return Stream.of(Arguments.of(0, "0"), Arguments.of(6, "6"), Arguments.of(-1, "4294967295"));
  }

  static Stream<Arguments> badPayloads() {
    String a257 = "61".repeat(257);
    return Stream.of(
        Arguments.of("000000", Reason.CONTROL_FRAME_LENGTH, "control frame length 3 is outside"),
        Arguments.of(
            "00000004" + "00".repeat(509),
            Reason.CONTROL_FRAME_LENGTH,
            "control frame length 513 is outside 4..512"),
        Arguments.of("00000006", Reason.UNKNOWN_CONTROL_TYPE, "unknown control frame type 6"),
        Arguments.of(
            "00000004 00000002 00000000",
            Reason.MALFORMED_CONTROL_FRAME,
            "unknown control frame field type 2"),
        Arguments.of(
            "00000004 00000001 00000005",
            Reason.MALFORMED_CONTROL_FRAME,
            "content type of 5 bytes runs past the end of the control frame (0 bytes left)"),
        Arguments.of(
            "00000004 00000001 00000003 6162",
            Reason.MALFORMED_CONTROL_FRAME,
            "content type of 3 bytes runs past the end of the control frame (2 bytes left)"),
        Arguments.of(
            "00000004 000000",
            Reason.MALFORMED_CONTROL_FRAME,
            "control frame ends inside a field header (3 bytes left)"),
        Arguments.of(
            "00000004 00000001",
            Reason.MALFORMED_CONTROL_FRAME,
            "control frame ends inside a field header (4 bytes left)"),
        Arguments.of(
            "00000004 00000001 00000101" + a257,
            Reason.MALFORMED_CONTROL_FRAME,
            "content type of 257 bytes exceeds the limit of 256"),
        Arguments.of(
            "00000002 00000001 00000001 61 00000001 00000001 62",
            Reason.MALFORMED_CONTROL_FRAME,
            "START carries at most one content type, got 2"),
        Arguments.of(
            "00000003 00000001 00000000",
            Reason.MALFORMED_CONTROL_FRAME,
            "STOP carries no content type, got 1"),
        Arguments.of(
            "00000005 00000001 00000001 61",
            Reason.MALFORMED_CONTROL_FRAME,
            "FINISH carries no content type, got 1"),
        Arguments.of(
            "00000004 00000001 00000002 c328",
            Reason.MALFORMED_CONTROL_FRAME,
            "content type is not valid UTF-8"));
  }

  @ParameterizedTest
  @MethodSource("badPayloads")
  void rejectsPayloadsThatBreakTheRules(String hex, Reason reason, String message) {
    FrameStreamException e =
        assertThrows(
            FrameStreamException.class,
            () -> ControlFrame.decodePayload(Unpooled.wrappedBuffer(bytes(hex))));
    assertEquals(reason, e.reason());
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void acceptsContentTypeOf256BytesAndFrameOf512Bytes() {
    String a256 = "a".repeat(256);
    String b236 = "b".repeat(236);
    String payload =
        "00000004 00000001 00000100" + "61".repeat(256) + "00000001 000000ec" + "62".repeat(236);
    assertEquals(512, bytes(payload).length);

    ControlFrame frame = ControlFrame.decodePayload(Unpooled.wrappedBuffer(bytes(payload)));

    assertEquals(ControlFrame.ready(List.of(a256, b236)), frame);
    ByteBuf out = Unpooled.buffer();
    try {
      frame.encodeTo(out);
      assertEquals(
          ByteBufUtil.hexDump(bytes("00000000 00000200" + payload)), ByteBufUtil.hexDump(out));
    } finally {
      out.release();
    }
  }

  @Test
  void decodesMultiByteUtf8ContentTypes() {
    ControlFrame frame =
        ControlFrame.decodePayload(
            Unpooled.wrappedBuffer(bytes("00000001 00000001 00000002 c3a9")));

    assertEquals(ControlFrame.accept("\u00e9"), frame);
  }

  @Test
  void constructorRejectsFramesThatBreakTheRules() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ControlFrame(ControlType.START, List.of("a", "b")));
    assertThrows(
        IllegalArgumentException.class, () -> new ControlFrame(ControlType.STOP, List.of("a")));
    assertThrows(
        IllegalArgumentException.class, () -> new ControlFrame(ControlType.FINISH, List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> ControlFrame.accept("x".repeat(257)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ControlFrame.ready(List.of("x".repeat(200), "y".repeat(200), "z".repeat(200))));
  }

  @Test
  void contentTypesAreACopyThatCannotChange() {
    List<String> offered = new ArrayList<>(List.of("a"));
    ControlFrame frame = ControlFrame.ready(offered);
    offered.add("b");

    assertEquals(List.of("a"), frame.contentTypes());
    assertThrows(UnsupportedOperationException.class, () -> frame.contentTypes().add("c"));
  }

  @Test
  void contentTypeIsTheFirstOneOrEmpty() {
    assertEquals(Optional.of("a"), ControlFrame.ready(List.of("a", "b")).contentType());
    assertEquals(Optional.empty(), ControlFrame.start(null).contentType());
  }
}
