// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;

/**
 * StampedCounter is a registered counter that also remembers when it last moved, so a health check
 * can ask "when did the target last answer?" without the replay stage knowing about health.
 */
final class StampedCounter implements Counter {
  /** {@link #lastIncrementNanos()} before the first increment. */
  static final long NEVER = Long.MIN_VALUE;

  private final Counter counter;
  private final Clock clock;
  private volatile long lastIncrementNanos = NEVER;

  StampedCounter(Counter counter, Clock clock) {
    this.counter = counter;
    this.clock = clock;
  }

  @Override
  public void increment(double amount) {
    counter.increment(amount);
    lastIncrementNanos = clock.monotonicTime();
  }

  @Override
  public double count() {
    return counter.count();
  }

  @Override
  public Id getId() {
    return counter.getId();
  }

  /** {@link Clock#monotonicTime()} of the last increment, or {@link #NEVER}. */
  long lastIncrementNanos() {
    return lastIncrementNanos;
  }
}
