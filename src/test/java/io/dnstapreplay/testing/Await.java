// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Await is the one way tests wait for something another thread or process does: poll a condition
 * until it holds, failing with a description once a generous limit has passed. The limit only
 * bounds a broken run; a passing test never waits for it, so nothing here measures speed.
 */
public final class Await {
  private static final long POLL_MILLIS = 20;

  private Await() {}

  /** A condition that may need I/O to evaluate. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** A value that may need I/O to read; null means "not yet". */
  @FunctionalInterface
  public interface Sample<T> {
    T get() throws Exception;
  }

  /**
   * Polls until {@code condition} holds; fails after {@code limit} with {@code what} (read at that
   * moment, so it can show the state that was waited on). An exception or assertion failure thrown
   * by the condition ends the wait at once.
   */
  public static void until(Condition condition, Duration limit, Sample<String> what)
      throws Exception {
    first(() -> condition.holds() ? Boolean.TRUE : null, limit, what);
  }

  /** Polls until {@code sample} gives a value and returns it; fails as {@link #until} does. */
  public static <T> T first(Sample<T> sample, Duration limit, Sample<String> what)
      throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      T value = sample.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("not within " + limit + ": " + what.get());
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Polls until two samples in a row are equal and {@code done} accepts them, and returns the last.
   * For readings that are not atomic, such as a metrics scrape: one event updates several counters,
   * and a single reading can catch some of them updated and not others. Two equal readings a poll
   * apart also show that nothing is still moving.
   */
  public static <T> T settled(Sample<T> sample, Predicate<T> done, Duration limit, String what)
      throws Exception {
    Object[] previous = {null};
    Object[] last = {null};
    return first(
        () -> {
          T now = sample.get();
          boolean settled = done.test(now) && Objects.equals(previous[0], now);
          previous[0] = done.test(now) ? now : null;
          last[0] = now;
          return settled ? now : null;
        },
        limit,
        () -> what + " did not settle; last reading:\n" + last[0]);
  }
}
