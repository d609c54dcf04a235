// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Golden frames and helpers shared by the Frame Streams tests. */
final class FrameStreamFixtures {
  /** "protobuf:dnstap.Dnstap" (22 bytes). */
  static final String DNSTAP_HEX = "70726f746f6275663a646e737461702e446e73746170";

  /** Exactly what Knot 3.2 sends first on its Unix socket. */
  static final String READY_DNSTAP = "00000000 00000022 00000004 00000001 00000016" + DNSTAP_HEX;

  static final String ACCEPT_DNSTAP = "00000000 00000022 00000001 00000001 00000016" + DNSTAP_HEX;
  static final String START_DNSTAP = "00000000 00000022 00000002 00000001 00000016" + DNSTAP_HEX;
  static final String START_BARE = "00000000 00000004 00000002";
  static final String STOP = "00000000 00000004 00000003";
  static final String FINISH = "00000000 00000004 00000005";

  /** A bidirectional stream as Knot sends it, with three data frames. */
  static final String KNOT_STREAM =
      READY_DNSTAP + START_DNSTAP + "00000001 01" + "00000002 0203" + "00000005 0405060708" + STOP;

  /** What the decoder emits for {@link #KNOT_STREAM}; data frames as hex (see {@link #drain}). */
  static final List<Object> KNOT_STREAM_DECODED =
      List.of(
          ControlFrame.ready(List.of(FrameStreams.DNSTAP_CONTENT_TYPE)),
          ControlFrame.start(FrameStreams.DNSTAP_CONTENT_TYPE),
          "01",
          "0203",
          "0405060708",
          ControlFrame.stop());

  /** Lengths of the frames of {@link #KNOT_STREAM}, in order. */
  static final List<Integer> KNOT_STREAM_FRAME_LENGTHS = List.of(42, 42, 5, 6, 9, 12);

  private FrameStreamFixtures() {}

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Copies into a pooled buffer, which the leak detector tracks (unpooled heap ones are not). */
  static ByteBuf buffer(byte[] bytes, int offset, int length) {
    return ByteBufAllocator.DEFAULT.buffer(length).writeBytes(bytes, offset, length);
  }

  static ByteBuf buffer(byte[] bytes) {
    return buffer(bytes, 0, bytes.length);
  }

  /**
   * Reads every inbound message: control frames as they are, data frames as hex strings (each
   * released).
   */
  static List<Object> drain(EmbeddedChannel channel) {
    List<Object> messages = new ArrayList<>();
    for (Object message; (message = channel.readInbound()) != null; ) {
      if (message instanceof ByteBuf data) {
        messages.add(hex(ByteBufUtil.getBytes(data)));
        data.release();
      } else {
        messages.add(message);
      }
    }
    return messages;
  }
}
