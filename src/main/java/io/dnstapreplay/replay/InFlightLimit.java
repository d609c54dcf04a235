// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * InFlightLimit bounds the queries in flight over all sockets. Three bounds: all queries not yet
 * answered or timed out stay under {@code --max-in-flight}, and their weight (about the bytes of
 * the dnstap frame each holds) under {@code --max-in-flight-bytes}, which bound memory; the live
 * ones stay under the {@link CongestionWindow}, which keeps the target's queue short. A query
 * unanswered for many round-trip times is presumed lost and is no longer live: it keeps its place
 * under the first two bounds until its timeout, but a target that drops some queries by policy must
 * not shrink the window for seconds per dropped query.
 *
 * <p>One query is always allowed when nothing is in flight, however heavy: a payload larger than
 * the byte bound is replayed alone rather than never.
 *
 * <p>Permits are taken without waiting ({@link #tryAcquire}), by one thread at a time (the {@link
 * ReplayPump}), and returned by the sockets' event loops, which then ask the pump to run: a full
 * window leaves payloads in the queue, and no thread waits on it.
 */
final class InFlightLimit {
  /** A query unanswered for this long, or 8 base round-trip times if more, is presumed lost. */
  static final long PRESUME_LOST_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final int max;
  private final long maxBytes;
  private final boolean adaptive;
  private final CongestionWindow window;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final Object lock = new Object();
  private volatile int limit;
  private volatile long presumeLostAfter = PRESUME_LOST_FLOOR_NANOS;
  private volatile boolean waiting;

  /** Queries taken alone because they weigh more than {@code maxBytes}; written by one thread. */
  private volatile long oversized;

  /**
   * @param max permits in all
   * @param maxBytes the weight of the queries in flight, at most (but for a single query)
   * @param adaptive whether the {@link CongestionWindow} limits the live queries below {@code max};
   *     it measures round-trip times either way
   */
  InFlightLimit(int max, long maxBytes, boolean adaptive) {
    if (max < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("max " + max + ", maxBytes " + maxBytes);
    }
    this.max = max;
    this.maxBytes = maxBytes;
    this.adaptive = adaptive;
    this.window = new CongestionWindow(max);
    this.limit = adaptive ? window.size() : max;
  }

  /** A fixed limit of {@code max}, whatever the queries weigh. */
  InFlightLimit(int max) {
    this(max, Long.MAX_VALUE, false);
  }

  /**
   * Takes permits for the first queries of {@code queries}, as many as the bounds allow (maybe
   * none); never waits. Each must be released with its {@code weight}.
   *
   * @return how many were taken
   */
  <Q> int tryAcquire(List<Q> queries, ToIntFunction<? super Q> weight) {
    // Only this thread adds to the bytes and the count, so what it sees free stays free.
    boolean none = inFlight.get() == 0;
    long free = maxBytes - bytes.get();
    int fit = 0;
    long taken = 0;
    for (; fit < queries.size(); fit++) {
      int w = weight.applyAsInt(queries.get(fit));
      if (w > free - taken && !(none && fit == 0)) {
        break;
      }
      taken += w;
    }
    int k = tryAcquire(fit);
    if (k < fit) {
      taken = 0;
      for (int i = 0; i < k; i++) {
        taken += weight.applyAsInt(queries.get(i));
      }
    }
    if (k > 0 && taken > maxBytes) {
      oversized++;
    }
    bytes.addAndGet(taken);
    return k;
  }

  /** Takes up to {@code n} count permits, as many as are free (maybe none). */
  private int tryAcquire(int n) {
    for (; ; ) {
      int used = inFlight.get();
      int k = Math.min(n, Math.min(max - used, limit - live.get()));
      if (k <= 0) {
        return 0;
      }
      if (inFlight.compareAndSet(used, used + k)) {
        live.addAndGet(k);
        return k;
      }
    }
  }

  /** Permits free now. */
  int free() {
    return Math.max(0, Math.min(max - inFlight.get(), limit - live.get()));
  }

  /**
   * Bytes free now. Nothing in flight leaves room for one query however heavy, which this does not
   * show: see {@link #tryAcquire}.
   */
  long freeBytes() {
    return Math.max(0, maxBytes - bytes.get());
  }

  /**
   * Returns the permit of a query of {@code weight} that was answered after {@code rttNanos}.
   *
   * @param wasLive false if it had been {@link #presumeLost presumed lost}
   */
  void answered(long rttNanos, long now, boolean wasLive, int weight) {
    synchronized (window) {
      window.onResponse(rttNanos, live.get(), now);
      updateLimit();
    }
    release(wasLive, weight);
  }

  /** Returns the permit of a query of {@code weight} sent at {@code sentAt} that timed out. */
  void lost(long sentAt, boolean wasLive, int weight) {
    synchronized (window) {
      window.onLoss(sentAt);
      updateLimit();
    }
    release(wasLive, weight);
  }

  private void updateLimit() {
    if (adaptive) {
      limit = window.size();
    }
    presumeLostAfter = Math.max(PRESUME_LOST_FLOOR_NANOS, 8 * window.baseRttNanos());
  }

  /** Takes a query that is still unanswered after {@link #presumeLostAfterNanos} off the window. */
  void presumeLost() {
    live.decrementAndGet();
  }

  /** How long a query may go unanswered before it is {@link #presumeLost presumed lost}. */
  long presumeLostAfterNanos() {
    return presumeLostAfter;
  }

  /**
   * Returns the permit of a query of {@code weight} that ended without telling anything about the
   * target.
   *
   * @param wasLive false if it had been {@link #presumeLost presumed lost}
   */
  void release(boolean wasLive, int weight) {
    if (wasLive) {
      live.decrementAndGet();
    }
    // Before the count: nothing in flight means no bytes in flight to the next tryAcquire.
    bytes.addAndGet(-weight);
    if (inFlight.decrementAndGet() == 0 && waiting) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Waits until no query is in flight.
   *
   * @return false if some still were after {@code timeout}
   */
  boolean awaitNone(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      waiting = true;
      try {
        while (inFlight.get() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        return true;
      } finally {
        waiting = false;
      }
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  /** The weight of the queries in flight. */
  long inFlightBytes() {
    return bytes.get();
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Queries taken alone so far because they weigh more than the whole byte bound. */
  long oversized() {
    return oversized;
  }

  /** The current limit of live queries: the congestion window, or {@code max} when fixed. */
  int limit() {
    return limit;
  }

  /** The smallest recent round-trip time in nanoseconds, or -1 before the first response. */
  long baseRttNanos() {
    synchronized (window) {
      return window.baseRttNanos();
    }
  }
}
