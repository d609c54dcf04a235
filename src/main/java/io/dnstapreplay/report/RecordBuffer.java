// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.report;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * RecordBuffer holds failure records until an operator fetches them over HTTP. It is bounded, so a
 * target that fails everything cannot exhaust memory: when full, new records are refused (and
 * counted by the caller), as in the original.
 *
 * <p>Records are taken in small batches by a draining request and put back at the front if that
 * request fails before they were written, so each record reaches exactly one reader and none is
 * lost to a client that hangs up.
 */
public final class RecordBuffer {
  private final LinkedBlockingDeque<byte[]> records;

  public RecordBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    records = new LinkedBlockingDeque<>(capacity);
  }

  /** Adds a record unless the buffer is full; never blocks. */
  public boolean offer(byte[] record) {
    return records.offerLast(record);
  }

  /** Takes up to {@code max} of the oldest records. */
  public List<byte[]> take(int max) {
    return take(max, Long.MAX_VALUE);
  }

  /**
   * Takes the oldest records, up to {@code maxRecords} and until they hold {@code maxBytes} or
   * more: records vary from a few hundred bytes to over 128 KiB, so a count alone does not bound
   * memory.
   */
  public List<byte[]> take(int maxRecords, long maxBytes) {
    List<byte[]> out = new ArrayList<>(Math.min(maxRecords, 64));
    long bytes = 0;
    byte[] r;
    while (out.size() < maxRecords && bytes < maxBytes && (r = records.pollFirst()) != null) {
      out.add(r);
      bytes += r.length;
    }
    return out;
  }

  /**
   * Returns records that were taken but not delivered, in their original order, ahead of newer
   * ones. A record that no longer fits is dropped.
   *
   * @return how many records were dropped
   */
  public int putBack(List<byte[]> taken) {
    int dropped = 0;
    for (int i = taken.size() - 1; i >= 0; i--) {
      if (!records.offerFirst(taken.get(i))) {
        dropped++;
      }
    }
    return dropped;
  }

  public int size() {
    return records.size();
  }
}
