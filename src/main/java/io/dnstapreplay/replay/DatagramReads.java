// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * DatagramReads sizes each read of a UDP socket ({@code slots} datagrams of up to {@code
 * slotBytes}, one recvmmsg) and ends the socket's turn as soon as a read leaves slots empty. Netty
 * reads a datagram socket until a read finds nothing, which costs one more recvmmsg (and, in its
 * native code, one getsockopt) per wake-up; a read that returned fewer datagrams than it had slots
 * for has already seen the socket empty, and any datagram that arrives later wakes the loop again.
 */
final class DatagramReads extends DefaultMaxMessagesRecvByteBufAllocator {
  private final int bufferBytes;

  /** Full reads in a row that one wake-up of the socket may take before other sockets' turn. */
  static final int FULL_READS_PER_TURN = 4;

  DatagramReads(int slots, int slotBytes) {
    super(FULL_READS_PER_TURN * slots);
    this.bufferBytes = slots * slotBytes;
  }

  @Override
  public Handle newHandle() {
    return new ReadsHandle();
  }

  /** Reads again only after a read that filled every slot. */
  final class ReadsHandle extends MaxMessageHandle {
    @Override
    public int guess() {
      return bufferBytes;
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return lastBytesRead() == attemptedBytesRead()
          && super.continueReading(maybeMoreDataSupplier);
    }
  }
}
