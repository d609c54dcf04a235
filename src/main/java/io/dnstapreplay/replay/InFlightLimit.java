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
 * <p>It is a counting semaphore shaped for one waiter (the dispatcher) and many fast releasers (one
 * per response): a release wakes the waiter only once enough permits are free (half the limit, at
 * most {@code wakeAt}), so a saturated replay costs one wake-up per batch instead of one context
 * switch per response, and the dispatcher then takes permits for a whole batch at once. One thread
 * acquires and waits at a time: the dispatcher while it runs, then the shutdown.
 */
final class InFlightLimit {
  /** A query unanswered for this long, or 8 base round-trip times if more, is presumed lost. */
  static final long PRESUME_LOST_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final int max;
  private final int wakeAt;
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
   * @param wakeAt free permits that wake a waiter at most (at most {@code max})
   * @param adaptive whether the {@link CongestionWindow} limits the live queries below {@code max};
   *     it measures round-trip times either way
   */
  InFlightLimit(int max, int wakeAt, boolean adaptive) {
    if (max < 1 || wakeAt < 1 || wakeAt > max) {
      throw new IllegalArgumentException("max " + max + ", wakeAt " + wakeAt);
    }
    this.max = max;
    this.wakeAt = wakeAt;
    this.adaptive = adaptive;
    this.window = new CongestionWindow(max);
    this.limit = adaptive ? window.size() : max;
  }

  /** A fixed limit of {@code max}. */
  InFlightLimit(int max, int wakeAt) {
    this(max, wakeAt, false);
  }

  /** Takes between 1 and {@code n} permits, waiting while none (or too few to bother) are free. */
  int acquireUpTo(int n) throws InterruptedException {
    for (; ; ) {
      int used = inFlight.get();
      int free = Math.min(max - used, limit - live.get());
      if (free > 0) {
        int k = Math.min(n, free);
        if (inFlight.compareAndSet(used, used + k)) {
          live.addAndGet(k);
          return k;
        }
        continue;
      }
      synchronized (lock) {
        waiting = true;
        try {
          while (free() < wakeMark()) {
            lock.wait();
          }
        } finally {
          waiting = false;
        }
      }
    }
  }

  private int free() {
    return Math.min(max - inFlight.get(), limit - live.get());
  }

  private int wakeMark() {
    return Math.max(1, Math.min(wakeAt, limit / 2));
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
    wakeIfFree();
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
    inFlight.decrementAndGet();
    if (wasLive) {
      live.decrementAndGet();
    }
    wakeIfFree();
  }

  private void wakeIfFree() {
    if (waiting && free() >= wakeMark()) {
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
