// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

/**
 * MatchStatusPolicy decides whether matching is on from observations of whether the status files
 * are identical. It is pure, with time passed in, so that the delay rules are tested without
 * sleeping.
 *
 * <p>Matching turns off when the files differ: answers from servers holding different zone versions
 * are expected to differ. It turns on only once the files have stayed identical for the delay, so
 * that payloads queued under the old state drain as suppressed. Times are {@link System#nanoTime()}
 * values, compared by difference so that wrap-around is harmless.
 *
 * <p>Once the files were identical, a difference counts only when it lasts the settle time. The
 * original reads the files when a writer closes them or renames one into place; Java cannot see a
 * close, and a file rewritten in place is empty or half-written for a moment, so without this a
 * rewrite with the same contents would suspend matching for the whole delay. A difference seen at
 * start-up, before the files were ever identical, counts at once.
 */
final class MatchStatusPolicy {
  /** What {@link #nanosUntilDecision} returns when only a new observation can change the state. */
  static final long NO_DECISION_PENDING = -1;

  private final long delayNanos;
  private final long settleNanos;
  private boolean identical;
  private boolean on;
  private long enableAtNanos;
  private boolean differencePending;
  private long differenceCountsAtNanos;

  MatchStatusPolicy(long delayNanos, long settleNanos) {
    if (delayNanos < 0 || settleNanos < 0) {
      throw new IllegalArgumentException(
          "delay and settle time must not be negative: " + delayNanos + ", " + settleNanos + " ns");
    }
    this.delayNanos = delayNanos;
    this.settleNanos = settleNanos;
  }

  /**
   * Records whether the files are identical at {@code nowNanos}. Only a change from different to
   * identical starts the delay; identical observations in a row, or around a difference that did
   * not last the settle time, do not restart it.
   *
   * @return whether matching is on
   */
  boolean observe(boolean identicalNow, long nowNanos) {
    if (identicalNow) {
      if (!identical) {
        enableAtNanos = nowNanos + delayNanos;
      }
      identical = true;
      differencePending = false;
    } else if (identical && settleNanos > 0) {
      if (!differencePending) {
        differencePending = true;
        differenceCountsAtNanos = nowNanos + settleNanos;
      }
    } else {
      differ();
    }
    return tick(nowNanos);
  }

  /**
   * Lets time pass without a new observation: a difference that lasted the settle time turns
   * matching off; the end of the delay turns it on.
   *
   * @return whether matching is on
   */
  boolean tick(long nowNanos) {
    if (differencePending && nowNanos - differenceCountsAtNanos >= 0) {
      differ();
    }
    if (isWaiting() && !differencePending && nowNanos - enableAtNanos >= 0) {
      on = true;
    }
    return on;
  }

  private void differ() {
    identical = false;
    on = false;
    differencePending = false;
  }

  boolean isOn() {
    return on;
  }

  /** Returns whether the files are identical and the delay is still running. */
  boolean isWaiting() {
    return identical && !on;
  }

  /**
   * Returns how long until {@link #tick} would decide (0 if it is overdue): a pending difference
   * counting, or the delay ending; {@link #NO_DECISION_PENDING} if neither is running.
   */
  long nanosUntilDecision(long nowNanos) {
    if (differencePending) {
      return Math.max(0, differenceCountsAtNanos - nowNanos);
    }
    if (!isWaiting()) {
      return NO_DECISION_PENDING;
    }
    return Math.max(0, enableAtNanos - nowNanos);
  }
}
