// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * LogThrottle lets one log line through per interval and counts the ones it held back, so that
 * whoever can reach a listener cannot fill the disk with warnings about themselves. The metrics
 * keep the exact counts; the log only has to say that it happens. Thread-safe.
 */
final class LogThrottle {
  /** Returned by {@link #admit} for a line to drop. */
  static final long HOLD = -1;

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private boolean started;
  private long lastNanos;
  private long held;

  /**
   * @param nanoClock a monotonic clock, {@code System::nanoTime} outside tests
   */
  LogThrottle(Duration interval, LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Decides about one line.
   *
   * @return {@link #HOLD} to drop it, else how many lines were held back since the last one let
   *     through (to be said in this one)
   */
  synchronized long admit() {
    long now = nanoClock.getAsLong();
    if (started && now - lastNanos < intervalNanos) {
      held++;
      return HOLD;
    }
    started = true;
    lastNanos = now;
    long n = held;
    held = 0;
    return n;
  }
}
