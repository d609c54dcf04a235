// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.failure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.failure.FailureRecord.Kind;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailureRecordTest {
  private static final HexFormat HEX = HexFormat.of();

  /** "dnstap-replay/DnstapHandlerError" and its NUL terminator. */
  private static final String PREFIX =
      "646e737461702d7265706c61792f446e7374617048616e646c65724572726f72" + "00";

  @Test
  void encodesMismatchWithTheTargetsResponse() {
    assertEquals(
        PREFIX + "00000001" + "abcd8180",
        HEX.formatHex(FailureRecord.encode(Kind.MISMATCH, HEX.parseHex("abcd8180"))));
  }

  @Test
  void encodesMismatchWithAnEmptyResponse() {
    assertEquals(
        PREFIX + "00000001", HEX.formatHex(FailureRecord.encode(Kind.MISMATCH, new byte[0])));
  }

  @Test
  void encodesTimeout() {
    assertEquals(PREFIX + "00000002", HEX.formatHex(FailureRecord.encode(Kind.TIMEOUT, null)));
  }

  @Test
  void encodesMissingField() {
    assertEquals(
        PREFIX + "00000003", HEX.formatHex(FailureRecord.encode(Kind.MISSING_FIELD, null)));
  }

  @Test
  void headerLengthIsPrefixAndKind() {
    assertEquals(PREFIX.length() / 2 + 4, FailureRecord.HEADER_LENGTH);
  }

  @Test
  void refusesAMismatchWithoutResponseAndAResponseForOtherKinds() {
    assertThrows(IllegalArgumentException.class, () -> FailureRecord.encode(Kind.MISMATCH, null));
    assertThrows(
        IllegalArgumentException.class, () -> FailureRecord.encode(Kind.TIMEOUT, new byte[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> FailureRecord.encode(Kind.MISSING_FIELD, new byte[0]));
  }

  /** The vectors of the original's own deserializer test. */
  @Test
  void decodesTheOriginalsVectors() {
    FailureRecord emptyMismatch = FailureRecord.decode(HEX.parseHex(PREFIX + "00000001"));
    assertEquals(Kind.MISMATCH, emptyMismatch.kind());
    assertArrayEquals(new byte[0], emptyMismatch.mismatchResponse());

    FailureRecord mismatch = FailureRecord.decode(HEX.parseHex(PREFIX + "00000001" + "42"));
    assertEquals(Kind.MISMATCH, mismatch.kind());
    assertArrayEquals(new byte[] {0x42}, mismatch.mismatchResponse());

    FailureRecord timeout = FailureRecord.decode(HEX.parseHex(PREFIX + "00000002"));
    assertEquals(Kind.TIMEOUT, timeout.kind());
    assertArrayEquals(new byte[0], timeout.mismatchResponse());

    assertEquals(
        Kind.MISSING_FIELD, FailureRecord.decode(HEX.parseHex(PREFIX + "00000003")).kind());
  }

  @Test
  void ignoresTrailingBytesAfterANonMismatchKindAsTheOriginalDoes() {
    FailureRecord timeout = FailureRecord.decode(HEX.parseHex(PREFIX + "00000002" + "ffff"));
    assertEquals(Kind.TIMEOUT, timeout.kind());
    assertArrayEquals(new byte[0], timeout.mismatchResponse());
  }

  @Test
  void handsOutACopyOfTheResponse() {
    FailureRecord mismatch = FailureRecord.decode(HEX.parseHex(PREFIX + "00000001" + "42"));
    mismatch.mismatchResponse()[0] = 0;
    assertArrayEquals(new byte[] {0x42}, mismatch.mismatchResponse());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "646e73746170",
        "646e737461702d7265706c61792f446e7374617048616e646c65724572726f72",
        "646e737461702d7265706c61792f446e7374617048616e646c65724572726f720100000001",
        "646e737461702d7265706c61792f446e7374617048616e646c65724572726f730000000001",
        "446e737461702d7265706c61792f446e7374617048616e646c65724572726f720000000001",
      })
  void rejectsAWrongOrShortPrefix(String hex) {
    String message = decodeFailure(hex);
    assertTrue(message.contains("does not start with"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "00", "000000"})
  void rejectsAMissingOrTruncatedKind(String kindHex) {
    String message = decodeFailure(PREFIX + kindHex);
    assertTrue(message.contains("4-byte kind"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"00000000", "00000004", "01000001", "ffffffff"})
  void rejectsAnUnknownKind(String kindHex) {
    String message = decodeFailure(PREFIX + kindHex);
    assertTrue(message.contains("unknown kind " + Long.parseLong(kindHex, 16)), message);
  }

  @Test
  void decodeReadsWhatEncodeWrote() {
    java.util.Random random = new java.util.Random(2026);
    for (int i = 0; i < 300; i++) {
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      byte[] response = new byte[random.nextInt(600)];
      random.nextBytes(response);
      byte[] written = FailureRecord.encode(kind, kind == Kind.MISMATCH ? response : null);
      FailureRecord read = FailureRecord.decode(written);
      assertEquals(kind, read.kind());
      assertArrayEquals(kind == Kind.MISMATCH ? response : new byte[0], read.mismatchResponse());
    }
  }

  @Test
  void withExtraSerializesTheMessageWithExtraSet() {
    DnstapProto.Dnstap original =
        DnstapProto.Dnstap.newBuilder()
            .setIdentity(ByteString.copyFromUtf8("ns1"))
            .setType(DnstapProto.Dnstap.Type.MESSAGE)
            .build();
    byte[] serialized =
        FailureRecord.withExtra(original, FailureRecord.encode(Kind.MISSING_FIELD, null));
    // identity (field 1), extra (field 3, 37 bytes), type (field 15) = MESSAGE
    assertEquals("0a036e7331" + "1a25" + PREFIX + "00000003" + "7801", HEX.formatHex(serialized));
  }

  @Test
  void withExtraReplacesAnExtraAlreadyThereAndKeepsTheRest() throws Exception {
    DnstapProto.Dnstap original =
        DnstapProto.Dnstap.newBuilder()
            .setType(DnstapProto.Dnstap.Type.MESSAGE)
            .setExtra(ByteString.copyFromUtf8("from the nameserver"))
            .setMessage(
                DnstapProto.Message.newBuilder()
                    .setType(DnstapProto.Message.Type.AUTH_RESPONSE)
                    .setQueryMessage(ByteString.copyFrom(HEX.parseHex("abcd01000001"))))
            .build();
    byte[] extra = FailureRecord.encode(Kind.MISMATCH, HEX.parseHex("abcd8180"));

    DnstapProto.Dnstap parsed =
        DnstapProto.Dnstap.parseFrom(FailureRecord.withExtra(original, extra));

    assertArrayEquals(extra, parsed.getExtra().toByteArray());
    assertEquals(original.getMessage(), parsed.getMessage());
    assertEquals(
        original.toBuilder().clearExtra().build(), parsed.toBuilder().clearExtra().build());
    assertFalse(original.getExtra().equals(parsed.getExtra()));
  }

  private static String decodeFailure(String hex) {
    return assertThrows(
            IllegalArgumentException.class, () -> FailureRecord.decode(HEX.parseHex(hex)))
        .getMessage();
  }
}
