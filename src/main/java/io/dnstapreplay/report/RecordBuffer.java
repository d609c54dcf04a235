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
 * <p>A record is in the buffer until it is {@link #delivered}: one that a draining request has
 * {@link #take taken} but not yet written is invisible to other requests yet still counts against
 * both bounds. So a request that fails can always {@link #putBack} what it did not write, in front
 * of newer records, and no record is lost or delivered twice. Thread-safe.
 */
public final class RecordBuffer {
  private final int maxRecords;
  private final long maxBytes;
  private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
  private int records;
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
    if (records >= maxRecords || record.length > maxBytes - bytes) {
      return false;
    }
    waiting.addLast(record);
    records++;
    bytes += record.length;
    return true;
  }

  /** Takes up to {@code max} of the oldest records. */
  public List<byte[]> take(int max) {
    return take(max, Long.MAX_VALUE);
  }

  /**
   * Takes the oldest waiting records, up to {@code maxRecords} and until they hold {@code maxBytes}
   * or more. Each stays in the buffer's bounds until it is {@link #delivered} or {@link #putBack
   * put back}.
   */
  public synchronized List<byte[]> take(int maxRecords, long maxBytes) {
    List<byte[]> out = new ArrayList<>(Math.min(maxRecords, Math.min(waiting.size(), 64)));
    long taken = 0;
    byte[] r;
    while (out.size() < maxRecords && taken < maxBytes && (r = waiting.pollFirst()) != null) {
      out.add(r);
      taken += r.length;
    }
    return out;
  }

  /** Removes a taken record for good: its bytes were written to a reader. */
  public synchronized void delivered(byte[] record) {
    records--;
    bytes -= record.length;
  }

  /**
   * Returns taken records that were not delivered, in their order, ahead of the waiting ones. They
   * never stopped counting against the bounds, so they always fit.
   */
  public synchronized void putBack(List<byte[]> taken) {
    for (int i = taken.size() - 1; i >= 0; i--) {
      waiting.addFirst(taken.get(i));
    }
  }

  /** Records in the buffer: waiting, or taken and not yet delivered. */
  public synchronized int size() {
    return records;
  }

  /** The bytes of those records. */
  public synchronized long bytes() {
    return bytes;
  }

  /** The byte bound. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Records waiting to be taken. */
  public synchronized int waiting() {
    return waiting.size();
  }
}
