// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * InFlightLimit bounds the queries in flight over all sockets, which bounds memory and the load on
 * the target.
 *
 * <p>It is a counting semaphore shaped for one waiter (the dispatcher) and many fast releasers (one
 * per response): a release wakes the waiter only once {@code wakeAt} permits are free, so a
 * saturated replay costs one wake-up per batch instead of one context switch per response, and the
 * dispatcher then takes permits for a whole batch at once. One thread waits at a time: the
 * dispatcher while it runs, then the shutdown.
 */
final class InFlightLimit {
  private final int max;
  private final int wakeAt;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object lock = new Object();
  private volatile boolean waiting;

  /**
   * @param max permits in all
   * @param wakeAt free permits that wake a waiter (at most {@code max})
   */
  InFlightLimit(int max, int wakeAt) {
    if (max < 1 || wakeAt < 1 || wakeAt > max) {
      throw new IllegalArgumentException("max " + max + ", wakeAt " + wakeAt);
    }
    this.max = max;
    this.wakeAt = wakeAt;
  }

  /** Takes between 1 and {@code n} permits, waiting while none (or too few to bother) are free. */
  int acquireUpTo(int n) throws InterruptedException {
    for (; ; ) {
      int used = inFlight.get();
      int free = max - used;
      if (free > 0) {
        int k = Math.min(n, free);
        if (inFlight.compareAndSet(used, used + k)) {
          return k;
        }
        continue;
      }
      synchronized (lock) {
        waiting = true;
        try {
          while (max - inFlight.get() < wakeAt) {
            lock.wait();
          }
        } finally {
          waiting = false;
        }
      }
    }
  }

  /** Returns one permit. */
  void release() {
    int used = inFlight.decrementAndGet();
    if (waiting && max - used >= wakeAt) {
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
}
