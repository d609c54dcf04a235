// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamDecoder;
import io.dnstapreplay.framestream.FrameStreamEncoder;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.testing.Scrape;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connections that never finish the handshake hold a descriptor and a little memory each; the
 * handshake timeout bounds how long. Frozen time: no test waits 30 s.
 */
class HandshakeTimeoutTest {
  private final Metrics metrics = new Metrics();

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline()
        .addLast(
            FrameStreamEncoder.INSTANCE,
            new FrameStreamDecoder(1024),
            new ReceiverHandshakeHandler(metrics, Transport.UNIX));
    ch.pipeline().fireChannelActive();
    return ch;
  }

  private double timeouts() {
    return new Scrape(metrics.scrape())
        .value("dnstap_replay_connection_errors_total{reason=\"handshake_timeout\"}");
  }

  private static void advance(EmbeddedChannel ch, long seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void silentConnectionIsClosedAfterTheTimeoutAndCountedOnce() {
    EmbeddedChannel ch = channel();
    advance(ch, ReceiverHandshakeHandler.HANDSHAKE_TIMEOUT_SECONDS - 1);
    assertTrue(ch.isOpen());
    advance(ch, 1);
    assertFalse(ch.isOpen());
    advance(ch, 10 * ReceiverHandshakeHandler.HANDSHAKE_TIMEOUT_SECONDS);
    assertEquals(1, timeouts());
    assertFalse(ch.finishAndReleaseAll());
  }

  /** Half a READY: the bytes wait in the decoder, which the timeout then frees. */
  @Test
  void connectionStuckInsideAFrameTimesOut() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        ByteBufAllocator.DEFAULT
            .buffer()
            .writeBytes(HexFormat.of().parseHex("00000000000000220000000400000001")));
    advance(ch, ReceiverHandshakeHandler.HANDSHAKE_TIMEOUT_SECONDS);
    assertFalse(ch.isOpen());
    assertEquals(1, timeouts());
    ch.finishAndReleaseAll();
  }

  @Test
  void senderThatLeavesFirstIsNotCountedAsATimeout() {
    EmbeddedChannel ch = channel();
    ch.close();
    advance(ch, 2 * ReceiverHandshakeHandler.HANDSHAKE_TIMEOUT_SECONDS);
    assertEquals(0, timeouts());
    ch.finishAndReleaseAll();
  }
}
