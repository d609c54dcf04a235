// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * RecordBuffer holds failure records until an operator fetches them over HTTP. It is bounded by
 * records and by bytes, so a target that fails everything cannot exhaust memory: a record can hold
 * a whole dnstap message plus a whole UDP response (over 128 KiB), so a count alone would allow
 * gigabytes. When full, new records are refused (and counted by the caller), as in the original.
 *
 * <p>Records are taken in small batches by a draining request and put back at the front if that
 * request fails before they were written, so each record reaches exactly one reader and none is
 * lost to a client that hangs up.
 */
public final class RecordBuffer {
  private final int maxRecords;
  private final long maxBytes;
  private final ArrayDeque<byte[]> records = new ArrayDeque<>();
  private long bytes;

  /** A buffer bounded by its number of records only. */
  public RecordBuffer(int maxRecords) {
    this(maxRecords, Long.MAX_VALUE);
  }

  public RecordBuffer(int maxRecords, long maxBytes) {
    if (maxRecords < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "bounds must be at least 1: " + maxRecords + " records, " + maxBytes + " bytes");
    }
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  /** Adds a record unless it would exceed either bound; never blocks. */
  public synchronized boolean offer(byte[] record) {
    if (!fits(record)) {
      return false;
    }
    records.addLast(record);
    bytes += record.length;
    return true;
  }

  private boolean fits(byte[] record) {
    return records.size() < maxRecords && record.length <= maxBytes - bytes;
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
  public synchronized List<byte[]> take(int maxRecords, long maxBytes) {
    List<byte[]> out = new ArrayList<>(Math.min(maxRecords, 64));
    long taken = 0;
    byte[] r;
    while (out.size() < maxRecords && taken < maxBytes && (r = records.pollFirst()) != null) {
      out.add(r);
      taken += r.length;
    }
    bytes -= taken;
    return out;
  }

  /**
   * Returns records that were taken but not delivered, in their original order, ahead of newer
   * ones. A record that no longer fits is dropped.
   *
   * @return how many records were dropped
   */
  public synchronized int putBack(List<byte[]> taken) {
    int dropped = 0;
    for (int i = taken.size() - 1; i >= 0; i--) {
      byte[] r = taken.get(i);
      if (fits(r)) {
        records.addFirst(r);
        bytes += r.length;
      } else {
        dropped++;
      }
    }
    return dropped;
  }

  public synchronized int size() {
    return records.size();
  }

  /** The bytes of the records waiting. */
  public synchronized long bytes() {
    return bytes;
  }
}
