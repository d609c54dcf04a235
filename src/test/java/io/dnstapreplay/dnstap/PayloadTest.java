// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.Policy;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.testing.KnotCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The payload must read every frame as {@code Dnstap.parseFrom} does: same frames refused, same
 * values. Real captures from every server are read by the scanner itself (the fast path); damaged
 * and unusual frames are compared with protobuf, seeded so a failure repeats.
 */
class PayloadTest {
  private static final int MUTATIONS_PER_FRAME = 40;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "knot-auth-responses.tap",
        "servers/bind-auth.tap",
        "servers/nsd-auth.tap",
        "servers/unbound-client.tap"
      })
  void everyServersFramesAreScannedWithoutProtobuf(String capture) throws IOException {
    List<byte[]> frames = KnotCapture.readFrames(Path.of("testdata", capture));
    assertFalse(frames.isEmpty());
    for (byte[] frame : frames) {
      Payload p = WireScanner.scan(frame);
      assertNotNull(p, "the scanner gave up on a frame of " + capture);
      assertSameAs(Dnstap.parseFrom(frame), p);
    }
  }

  @Test
  void damagedFramesAreRefusedOrReadExactlyAsProtobufDoes() throws IOException {
    Random random = new Random(20261130);
    int refused = 0;
    int read = 0;
    for (byte[] frame : KnotCapture.frames()) {
      for (int i = 0; i < MUTATIONS_PER_FRAME; i++) {
        if (compare(mutate(frame, random))) {
          read++;
        } else {
          refused++;
        }
      }
    }
    for (int i = 0; i < 2000; i++) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      if (compare(noise)) {
        read++;
      } else {
        refused++;
      }
    }
    assertTrue(refused > 1000 && read > 1000, "both kinds covered: " + refused + ", " + read);
  }

  @Test
  void unusualShapesAreLeftToProtobuf() throws IOException {
    Dnstap knot = KnotCapture.parse(KnotCapture.frames().get(0));
    Message m = knot.getMessage();
    UnknownFieldSet unknownProtocol =
        UnknownFieldSet.newBuilder()
            .addField(
                Message.SOCKET_PROTOCOL_FIELD_NUMBER,
                UnknownFieldSet.Field.newBuilder().addVarint(99).build())
            .build();
    List<Dnstap> shapes =
        List.of(
            knot.toBuilder()
                .setMessage(m.toBuilder().setPolicy(Policy.newBuilder().setType("RPZ")))
                .build(),
            knot.toBuilder()
                .setMessage(m.toBuilder().clearSocketProtocol().setUnknownFields(unknownProtocol))
                .build(),
            knot.toBuilder()
                .setUnknownFields(
                    UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())
                .build());
    for (Dnstap d : shapes) {
      byte[] frame = d.toByteArray();
      assertNull(WireScanner.scan(frame), d.toString());
      assertSameAs(d, Payload.decode(frame));
    }
    Payload unknown = Payload.decode(shapes.get(1).toByteArray());
    assertFalse(unknown.hasSocketProtocol());
    assertTrue(unknown.notUdp(), "a protocol this schema does not know is not UDP");

    // Two message fields merge in protobuf; the scanner leaves that to it.
    ByteArrayOutputStream twice = new ByteArrayOutputStream();
    twice.writeBytes(knot.toByteArray());
    twice.writeBytes(
        Dnstap.newBuilder()
            .setType(Dnstap.Type.MESSAGE)
            .setMessage(Message.newBuilder().setType(Message.Type.AUTH_RESPONSE).setQueryPort(7))
            .build()
            .toByteArray());
    assertNull(WireScanner.scan(twice.toByteArray()));
    Payload merged = Payload.decode(twice.toByteArray());
    assertEquals(7, merged.queryPort());
    assertTrue(merged.hasQueryMessage(), "kept from the first message");
  }

  @Test
  void framesProtobufRefusesAreRefused() {
    byte[] noType = Dnstap.newBuilder().buildPartial().toByteArray();
    byte[] messageWithoutType =
        Dnstap.newBuilder()
            .setType(Dnstap.Type.MESSAGE)
            .setMessage(Message.newBuilder().setQueryPort(53).buildPartial())
            .buildPartial()
            .toByteArray();
    for (byte[] frame : List.of(noType, messageWithoutType, new byte[] {(byte) 0xff})) {
      assertThrows(InvalidProtocolBufferException.class, () -> Dnstap.parseFrom(frame));
      assertThrows(InvalidProtocolBufferException.class, () -> Payload.decode(frame));
    }
  }

  @Test
  void aBuiltMessageKeepsItselfAndCopiesOut() {
    Dnstap d =
        Dnstap.newBuilder()
            .setType(Dnstap.Type.MESSAGE)
            .setMessage(
                Message.newBuilder()
                    .setType(Message.Type.CLIENT_RESPONSE)
                    .setSocketFamily(SocketFamily.INET6)
                    .setSocketProtocol(SocketProtocol.UDP)
                    .setQueryAddress(ByteString.copyFrom(new byte[16]))
                    .setQueryPort(0xfffffffe)
                    .setResponseMessage(ByteString.copyFromUtf8("response")))
            .build();
    Payload p = Payload.of(d);
    assertSame(d, p.dnstap());
    assertEquals(d.getSerializedSize(), p.length());
    assertEquals(0xfffffffeL, p.queryPort(), "query_port is a uint32");
    byte[] copy = p.responseMessage();
    copy[0] = 'X';
    assertArrayEquals("response".getBytes(), p.responseMessage(), "accessors return copies");
    assertNull(p.queryMessage());
  }

  /**
   * Decodes {@code frame} both ways; returns whether it was read (by both, the same), false if both
   * refused it.
   */
  private static boolean compare(byte[] frame) {
    Dnstap parsed;
    try {
      parsed = Dnstap.parseFrom(frame);
    } catch (InvalidProtocolBufferException e) {
      assertThrows(
          InvalidProtocolBufferException.class,
          () -> Payload.decode(frame),
          () -> "protobuf refuses " + Arrays.toString(frame));
      return false;
    }
    try {
      assertSameAs(parsed, Payload.decode(frame));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("refused what protobuf reads: " + Arrays.toString(frame), e);
    }
    return true;
  }

  private static byte[] mutate(byte[] frame, Random random) {
    byte[] b;
    switch (random.nextInt(4)) {
      case 0 -> {
        b = frame.clone();
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      case 1 -> b = Arrays.copyOf(frame, random.nextInt(frame.length));
      case 2 -> {
        b = frame.clone();
        for (int i = 0; i < 3; i++) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      default -> {
        int at = random.nextInt(frame.length);
        List<Byte> bytes = new ArrayList<>();
        for (byte x : frame) {
          bytes.add(x);
        }
        bytes.add(at, (byte) random.nextInt(256));
        b = new byte[bytes.size()];
        for (int i = 0; i < b.length; i++) {
          b[i] = bytes.get(i);
        }
      }
    }
    return b;
  }

  /** Every field a payload holds has the value protobuf gives it. */
  static void assertSameAs(Dnstap d, Payload p) {
    String what = d.toString();
    assertEquals(d, p.dnstap(), what);
    assertEquals(d.getType() == Dnstap.Type.MESSAGE && d.hasMessage(), p.isMessage(), what);
    if (!d.hasMessage()) {
      assertNull(p.messageType(), what);
      return;
    }
    Message m = d.getMessage();
    assertEquals(m.getType(), p.messageType(), what);
    assertEquals(m.hasSocketFamily(), p.hasSocketFamily(), what);
    if (m.hasSocketFamily()) {
      assertEquals(m.getSocketFamily(), p.socketFamily(), what);
    }
    assertEquals(m.hasSocketProtocol(), p.hasSocketProtocol(), what);
    assertEquals(
        m.hasSocketProtocol()
            ? m.getSocketProtocol() != SocketProtocol.UDP
            : m.getUnknownFields().hasField(Message.SOCKET_PROTOCOL_FIELD_NUMBER),
        p.notUdp(),
        what);
    assertBytes(m.hasQueryAddress(), m.getQueryAddress(), p.queryAddress(), what);
    if (m.hasQueryAddress()) {
      assertEquals(m.getQueryAddress().size(), p.queryAddressLength(), what);
    }
    assertEquals(m.hasQueryPort() ? Integer.toUnsignedLong(m.getQueryPort()) : -1, p.queryPort());
    assertEquals(m.hasQueryTimeSec(), p.hasQueryTimeSec(), what);
    assertEquals(m.getQueryTimeSec(), p.queryTimeSec(), what);
    assertEquals(m.getQueryTimeNsec(), p.queryTimeNsec(), what);
    assertEquals(m.hasResponseTimeSec(), p.hasResponseTimeSec(), what);
    assertEquals(m.hasResponseTimeNsec(), p.hasResponseTimeNsec(), what);
    assertEquals(m.getResponseTimeSec(), p.responseTimeSec(), what);
    assertEquals(m.getResponseTimeNsec(), p.responseTimeNsec(), what);
    assertBytes(m.hasQueryMessage(), m.getQueryMessage(), p.queryMessage(), what);
    assertBytes(m.hasResponseMessage(), m.getResponseMessage(), p.responseMessage(), what);
  }

  private static void assertBytes(boolean has, ByteString expected, byte[] actual, String what) {
    if (has) {
      assertArrayEquals(expected.toByteArray(), actual, what);
    } else {
      assertNull(actual, what);
    }
  }
}
