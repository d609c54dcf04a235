// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.UnknownFieldSet;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.testing.KnotCapture;
import org.junit.jupiter.api.Test;

/**
 * What a payload counts against the byte bounds of the queue and of the queries in flight: what it
 * holds, fixed when it is made, so that a bound gets back exactly what it gave.
 */
class PayloadWeightTest {
  private static final byte[] FRAME = KnotCapture.frames().get(0);

  @Test
  void aScannedFrameWeighsItsLengthEvenOnceParsedForARecord() throws Exception {
    Payload p = Payload.decode(FRAME);
    assertEquals(FRAME.length, p.weight());
    p.dnstap();
    assertEquals(FRAME.length, p.weight(), "the same as when it was queued");
  }

  /**
   * A sender can make every frame one the scanner leaves to protobuf (here with an unknown field):
   * such a payload holds the parsed message and a copy of its values beside the frame, and weighs
   * them.
   */
  @Test
  void aFrameLeftToProtobufWeighsItsMessageAndValuesToo() throws Exception {
    Dnstap d =
        KnotCapture.parse(FRAME).toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();
    byte[] frame = d.toByteArray();
    assertNull(WireScanner.scan(frame));
    Message m = d.getMessage();
    int values =
        m.getQueryAddress().size() + m.getQueryMessage().size() + m.getResponseMessage().size();
    assertEquals(2 * frame.length + values, Payload.decode(frame).weight());
  }

  @Test
  void aBuiltMessageWeighsItselfBesideItsFrame() {
    Dnstap d = KnotCapture.parse(FRAME);
    Payload p = Payload.of(d);
    assertEquals(2 * d.getSerializedSize(), p.weight());
  }
}
