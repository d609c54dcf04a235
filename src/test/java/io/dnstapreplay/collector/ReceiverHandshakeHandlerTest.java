// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamDecoder;
import io.dnstapreplay.framestream.FrameStreamEncoder;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UncaughtCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The receiving side of the bidirectional handshake, driven by the bytes Knot really sends. */
class ReceiverHandshakeHandlerTest {
  private static final String CT = hex("protobuf:dnstap.Dnstap");

  /** READY as Knot 3.2 sends it (lab/README.md). */
  static final String KNOT_READY = "00000000 00000022 00000004 00000001 00000016" + CT;

  static final String ACCEPT = "00000000 00000022 00000001 00000001 00000016" + CT;
  static final String START = "00000000 00000022 00000002 00000001 00000016" + CT;
  static final String STOP = "00000000 00000004 00000003";
  static final String FINISH = "00000000 00000004 00000005";

  private final Metrics metrics = new Metrics();

  private static String hex(String ascii) {
    return HexFormat.of().formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static ByteBuf bytes(String hex) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(
        FrameStreamEncoder.INSTANCE,
        new FrameStreamDecoder(1024),
        new ReceiverHandshakeHandler(metrics, Transport.UNIX));
  }

  private static String written(EmbeddedChannel ch) {
    ByteBuf out = Unpooled.buffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.writeBytes(b);
      b.release();
    }
    String hex = ByteBufUtil.hexDump(out);
    out.release();
    return hex;
  }

  private double connectionErrors(String reason) {
    return new Scrape(metrics.scrape())
        .value("dnstap_replay_connection_errors_total{reason=\"" + reason + "\"}");
  }

  @Test
  void fullKnotSessionAnswersAcceptAndFinishAndPassesDataOn() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(KNOT_READY));
    assertEquals(ACCEPT.replace(" ", ""), written(ch));
    ch.writeInbound(bytes(START));
    ch.writeInbound(bytes("00000003 aabbcc 00000001 dd"));
    ByteBuf first = ch.readInbound();
    assertEquals("aabbcc", ByteBufUtil.hexDump(first));
    first.release();
    ByteBuf second = ch.readInbound();
    assertEquals("dd", ByteBufUtil.hexDump(second));
    second.release();
    assertTrue(ch.isOpen());
    ch.writeInbound(bytes(STOP));
    assertEquals(FINISH.replace(" ", ""), written(ch));
    assertFalse(ch.isOpen());
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(2, s.result("dnstap_replay_data_frames_total", null));
    assertEquals(4, s.result("dnstap_replay_data_bytes_total", null));
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void emptyReadyIsTakenAsDnstapAndStartWithoutTypeIsAccepted() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes("00000000 00000004 00000004"));
    assertEquals(ACCEPT.replace(" ", ""), written(ch));
    ch.writeInbound(bytes("00000000 00000004 00000002"));
    ch.writeInbound(bytes("00000001 ee"));
    ByteBuf f = ch.readInbound();
    f.release();
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void readyOfferingSeveralTypesGetsDnstapChosen() {
    String other = hex("protobuf:other");
    String ready =
        "00000000 00000038 00000004 00000001 0000000e" + other + " 00000001 00000016" + CT;
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(ready));
    assertEquals(ACCEPT.replace(" ", ""), written(ch));
    ch.finishAndReleaseAll();
  }

  @Test
  void readyWithoutDnstapIsRejected() {
    String other = hex("protobuf:other");
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes("00000000 0000001a 00000004 00000001 0000000e" + other));
    assertEquals("", written(ch));
    assertFalse(ch.isOpen());
    assertEquals(1, connectionErrors("content_type_rejected"));
    ch.finishAndReleaseAll();
  }

  @Test
  void startWithAnotherTypeIsRejected() {
    String other = hex("protobuf:other");
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(KNOT_READY));
    written(ch);
    ch.writeInbound(bytes("00000000 0000001a 00000002 00000001 0000000e" + other));
    assertFalse(ch.isOpen());
    assertEquals(1, connectionErrors("content_type_rejected"));
    ch.finishAndReleaseAll();
  }

  @Test
  void dataBeforeStartClosesTheConnection() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(KNOT_READY));
    written(ch);
    ch.writeInbound(bytes("00000002 abcd"));
    assertNull(ch.readInbound());
    assertFalse(ch.isOpen());
    assertEquals(1, connectionErrors("data_before_start"));
    ch.finishAndReleaseAll();
  }

  @Test
  void senderSendingAcceptOrFinishOrStartTwiceIsRejected() {
    for (String bad : new String[] {ACCEPT, FINISH, START}) {
      EmbeddedChannel ch = channel();
      ch.writeInbound(bytes(KNOT_READY));
      written(ch);
      ch.writeInbound(bytes(START));
      ch.writeInbound(bytes(bad));
      assertFalse(ch.isOpen(), bad);
      ch.finishAndReleaseAll();
    }
    assertEquals(3, connectionErrors("unexpected_control_frame"));
  }

  @Test
  void framingErrorsCloseWithTheirReason() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(KNOT_READY));
    written(ch);
    ch.writeInbound(bytes(START));
    ch.writeInbound(bytes("fffffff0"));
    assertFalse(ch.isOpen());
    assertEquals(1, connectionErrors("data_frame_too_large"));
    ch.finishAndReleaseAll();

    EmbeddedChannel unknown = channel();
    unknown.writeInbound(bytes("00000000 00000004 00000009"));
    assertFalse(unknown.isOpen());
    assertEquals(1, connectionErrors("unknown_control_type"));
    unknown.finishAndReleaseAll();
  }

  @Test
  void senderVanishingMidFrameIsCountedAsTruncated() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(KNOT_READY));
    written(ch);
    ch.writeInbound(bytes(START));
    ch.writeInbound(bytes("00000010 0102"));
    ch.close();
    assertEquals(1, connectionErrors("truncated"));
    ch.finishAndReleaseAll();
  }

  @Test
  void handshakeThatNeverCompletesTimesOut() {
    EmbeddedChannel ch = channel();
    ch.freezeTime();
    ch.writeInbound(bytes(KNOT_READY));
    written(ch);
    ch.advanceTimeBy(ReceiverHandshakeHandler.HANDSHAKE_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertFalse(ch.isOpen());
    assertEquals(1, connectionErrors("handshake_timeout"));
    ch.finishAndReleaseAll();
  }

  @Test
  void streamingConnectionNeverTimesOut() {
    EmbeddedChannel ch = channel();
    ch.freezeTime();
    ch.writeInbound(bytes(KNOT_READY));
    ch.writeInbound(bytes(START));
    ch.advanceTimeBy(ReceiverHandshakeHandler.HANDSHAKE_TIMEOUT_SECONDS * 10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  /**
   * An Error thrown in the connection's pipeline (a decoder out of memory, say) goes to the handler
   * that ends the process; the connection is closed all the same.
   */
  @Test
  void anErrorBeforeTheHandshakeHandlerIsFatal() {
    EmbeddedChannel ch = new EmbeddedChannel(new ReceiverHandshakeHandler(metrics, Transport.UNIX));
    try (UncaughtCapture uncaught = UncaughtCapture.onThisThread()) {
      OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
      ch.pipeline().fireExceptionCaught(oom);
      assertEquals(List.of(oom), uncaught.errors());
    }
    assertFalse(ch.isOpen());
    assertEquals(1, connectionErrors("io_error"));
    ch.finishAndReleaseAll();
  }
}
