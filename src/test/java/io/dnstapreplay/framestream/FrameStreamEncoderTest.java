// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.ACCEPT_DNSTAP;
import static io.dnstapreplay.framestream.FrameStreamFixtures.FINISH;
import static io.dnstapreplay.framestream.FrameStreamFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FrameStreamEncoderTest {

  @Test
  void writesTheAcceptAndFinishAReceiverSends() {
    EmbeddedChannel channel = new EmbeddedChannel(FrameStreamEncoder.INSTANCE);

    channel.writeOutbound(ControlFrame.accept(FrameStreams.DNSTAP_CONTENT_TYPE));
    channel.writeOutbound(ControlFrame.finish());

    assertEquals(ByteBufUtil.hexDump(bytes(ACCEPT_DNSTAP)), readOutboundHex(channel));
    assertEquals(ByteBufUtil.hexDump(bytes(FINISH)), readOutboundHex(channel));
    assertNull(channel.readOutbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void oneInstanceServesEveryChannel() {
    assertTrue(FrameStreamEncoder.INSTANCE.isSharable());
  }

  private static String readOutboundHex(EmbeddedChannel channel) {
    ByteBuf out = channel.readOutbound();
    try {
      return ByteBufUtil.hexDump(out);
    } finally {
      out.release();
    }
  }
}
