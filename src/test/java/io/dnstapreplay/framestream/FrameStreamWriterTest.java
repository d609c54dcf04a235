// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.START_BARE;
import static io.dnstapreplay.framestream.FrameStreamFixtures.STOP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.bytes;
import static io.dnstapreplay.framestream.FrameStreamFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FrameStreamWriterTest {

  @Test
  void writesStartDataFramesAndStopThenClosesTheStreamOnce() throws IOException {
    ByteArrayOutputStreamCountingCloses out = new ByteArrayOutputStreamCountingCloses();
    FrameStreamWriter writer = new FrameStreamWriter(out, null);
    writer.write(bytes("aabb"));
    writer.flush();
    assertEquals(hex(bytes(START_BARE + "00000002 aabb")), hex(out.toByteArray()));

    writer.close();
    writer.close();

    assertEquals(hex(bytes(START_BARE + "00000002 aabb" + STOP)), hex(out.toByteArray()));
    assertEquals(1, out.closes);
  }

  @Test
  void rejectsEmptyPayloadsAndWritesAfterClose() throws IOException {
    FrameStreamWriter writer = new FrameStreamWriter(new ByteArrayOutputStream(), null);

    assertThrows(IllegalArgumentException.class, () -> writer.write(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> writer.write(bytes("aabb"), 1, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> writer.write(bytes("aabb"), 1, 2));
    writer.close();
    assertThrows(IllegalStateException.class, () -> writer.write(bytes("aa")));
  }

  @Test
  void writeDataFrameAppendsLengthWordAndPayload() {
    ByteBuf out = Unpooled.buffer();
    try {
      FrameStreamWriter.writeDataFrame(out, bytes("010203"));
      FrameStreamWriter.writeDataFrame(out, bytes("04"));

      assertEquals("00000003010203" + "0000000104", ByteBufUtil.hexDump(out));
    } finally {
      out.release();
    }
  }

  @Test
  void writeDataFrameRejectsAnEmptyPayload() {
    ByteBuf out = Unpooled.buffer();
    try {
      assertThrows(
          IllegalArgumentException.class, () -> FrameStreamWriter.writeDataFrame(out, new byte[0]));
      assertEquals(0, out.readableBytes());
    } finally {
      out.release();
    }
  }

  private static final class ByteArrayOutputStreamCountingCloses extends ByteArrayOutputStream {
    int closes;

    @Override
    public void close() {
      closes++;
    }
  }
}
