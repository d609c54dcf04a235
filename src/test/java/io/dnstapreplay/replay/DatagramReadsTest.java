// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.UncheckedBooleanSupplier;
import org.junit.jupiter.api.Test;

class DatagramReadsTest {
  private static final int SLOT = 65535;

  private static RecvByteBufAllocator.ExtendedHandle handle() {
    EmbeddedChannel ch = new EmbeddedChannel();
    RecvByteBufAllocator.ExtendedHandle h =
        (RecvByteBufAllocator.ExtendedHandle) new DatagramReads(8, SLOT).newHandle();
    h.reset(ch.config());
    ch.finishAndReleaseAll();
    return h;
  }

  /** As the epoll transport's recvmmsg read reports itself: slots offered, datagrams received. */
  private static void read(RecvByteBufAllocator.Handle h, int received) {
    h.attemptedBytesRead(8 * SLOT);
    h.lastBytesRead(received * SLOT);
    h.incMessagesRead(received);
  }

  @Test
  void aReadThatLeftSlotsEmptyEndsTheTurnOfTheSocket() {
    RecvByteBufAllocator.ExtendedHandle h = handle();
    assertEquals(8 * SLOT, h.guess());
    read(h, 8);
    assertTrue(h.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER), "maybe more");
    read(h, 3);
    assertFalse(h.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER), "the socket was empty");
  }

  @Test
  void fullReadsGiveOtherSocketsTheirTurnAfterAFew() {
    RecvByteBufAllocator.ExtendedHandle h = handle();
    for (int i = 1; i < DatagramReads.FULL_READS_PER_TURN; i++) {
      read(h, 8);
      assertTrue(h.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
    }
    read(h, 8);
    assertFalse(h.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
  }

  @Test
  void aReadOfNothingEndsItToo() {
    RecvByteBufAllocator.ExtendedHandle h = handle();
    h.attemptedBytesRead(8 * SLOT);
    h.lastBytesRead(-1);
    assertFalse(h.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
  }
}
