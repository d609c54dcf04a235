// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * InFlightLimit bounds the queries in flight over all sockets. Two bounds: all queries not yet
 * answered or timed out stay under {@code --max-in-flight}, which bounds memory; the live ones stay
 * under the {@link CongestionWindow}, which keeps the target's queue short. A query unanswered for
 * many round-trip times is presumed lost and is no longer live: it keeps its place under the first
 * bound until its timeout, but a target that drops some queries by policy must not shrink the
 * window for seconds per dropped query.
 *
 * <p>Permits are taken without waiting ({@link #tryAcquire}), by one thread at a time (the {@link
 * ReplayPump}), and returned by the sockets' event loops, which then ask the pump to run: a full
 * window leaves payloads in the queue, and no thread waits on it.
 */
final class InFlightLimit {
  /** A query unanswered for this long, or 8 base round-trip times if more, is presumed lost. */
  static final long PRESUME_LOST_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final int max;
  private final boolean adaptive;
  private final CongestionWindow window;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger live = new AtomicInteger();
  private final Object lock = new Object();
  private volatile int limit;
  private volatile long presumeLostAfter = PRESUME_LOST_FLOOR_NANOS;
  private volatile boolean waiting;

  /**
   * @param max permits in all
   * @param adaptive whether the {@link CongestionWindow} limits the live queries below {@code max};
   *     it measures round-trip times either way
   */
  InFlightLimit(int max, boolean adaptive) {
    if (max < 1) {
      throw new IllegalArgumentException("max " + max);
    }
    this.max = max;
    this.adaptive = adaptive;
    this.window = new CongestionWindow(max);
    this.limit = adaptive ? window.size() : max;
  }

  /** A fixed limit of {@code max}. */
  InFlightLimit(int max) {
    this(max, false);
  }

  /** Takes up to {@code n} permits, as many as are free (maybe none); never waits. */
  int tryAcquire(int n) {
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
   * Returns the permit of a query that was answered after {@code rttNanos}.
   *
   * @param wasLive false if it had been {@link #presumeLost presumed lost}
   */
  void answered(long rttNanos, long now, boolean wasLive) {
    synchronized (window) {
      window.onResponse(rttNanos, live.get(), now);
      updateLimit();
    }
    release(wasLive);
  }

  /** Returns the permit of a query sent at {@code sentAt} that timed out. */
  void lost(long sentAt, boolean wasLive) {
    synchronized (window) {
      window.onLoss(sentAt);
      updateLimit();
    }
    release(wasLive);
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
   * Returns the permit of a query that ended without telling anything about the target.
   *
   * @param wasLive false if it had been {@link #presumeLost presumed lost}
   */
  void release(boolean wasLive) {
    if (wasLive) {
      live.decrementAndGet();
    }
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
