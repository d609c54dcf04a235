// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

/**
 * MatchStatusPolicy decides whether matching is on from observations of whether the status files
 * are identical. It is pure, with time passed in, so that the delay rules are tested without
 * sleeping.
 *
 * <p>Matching turns off at once when the files differ: answers from servers holding different zone
 * versions are expected to differ. It turns on only once the files have stayed identical for the
 * delay, so that payloads queued under the old state drain as suppressed. Times are {@link
 * System#nanoTime()} values, compared by difference so that wrap-around is harmless.
 */
final class MatchStatusPolicy {
  /** What {@link #nanosUntilDecision} returns when only a new observation can change the state. */
  static final long NO_DECISION_PENDING = -1;

  private final long delayNanos;
  private boolean identical;
  private boolean on;
  private long enableAtNanos;

  MatchStatusPolicy(long delayNanos) {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("delay must not be negative: " + delayNanos + " ns");
    }
    this.delayNanos = delayNanos;
  }

  /**
   * Records whether the files are identical at {@code nowNanos}. Only a change from different to
   * identical starts the delay; identical observations in a row do not restart it.
   *
   * @return whether matching is on
   */
  boolean observe(boolean identicalNow, long nowNanos) {
    if (!identicalNow) {
      on = false;
    } else if (!identical) {
      enableAtNanos = nowNanos + delayNanos;
    }
    identical = identicalNow;
    return tick(nowNanos);
  }

  /**
   * Lets time pass without a new observation; turns matching on if the delay is over.
   *
   * @return whether matching is on
   */
  boolean tick(long nowNanos) {
    if (isWaiting() && nowNanos - enableAtNanos >= 0) {
      on = true;
    }
    return on;
  }

  boolean isOn() {
    return on;
  }

  /** Returns whether the files are identical and the delay is still running. */
  boolean isWaiting() {
    return identical && !on;
  }

  /**
   * Returns how long until {@link #tick} would turn matching on (0 if it is overdue), or {@link
   * #NO_DECISION_PENDING} if no delay is running.
   */
  long nanosUntilDecision(long nowNanos) {
    if (!isWaiting()) {
      return NO_DECISION_PENDING;
    }
    return Math.max(0, enableAtNanos - nowNanos);
  }
}
