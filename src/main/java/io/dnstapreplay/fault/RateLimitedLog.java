// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.fault;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * RateLimitedLog writes warnings that a sender or a target can provoke at will (bad frames, broken
 * handshakes, refused queries) without letting them fill the disk: of each kind, the first is
 * logged, then at most one per {@link #INTERVAL}. The line before the next one logged says how many
 * of that kind were left out since the last. The metrics count every occurrence; the log only has
 * to show that it happens and an example.
 *
 * <p>A burst that ends inside an interval is summed up when its kind next occurs. Thread-safe.
 */
public final class RateLimitedLog {
  /** At most one warning of a kind per interval. */
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier clock;
  // Kinds are a fixed set of strings in the code, never input, so the map stays small.
  private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

  /** What is known of one kind: when one was last logged, and how many were left out since. */
  private static final class Kind {
    long lastLoggedNanos;
    boolean logged;
    long suppressed;
  }

  /** Limits warnings to {@code log} per {@link #INTERVAL} of {@link System#nanoTime}. */
  public RateLimitedLog(Logger log) {
    this(log, INTERVAL, System::nanoTime);
  }

  /** As {@link #RateLimitedLog(Logger)}, with another interval and clock (tests freeze it). */
  public RateLimitedLog(Logger log, Duration interval, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
  }

  /**
   * Logs at WARN, as {@link Logger#warn(String, Object...)} does, unless a warning of {@code kind}
   * was logged less than an interval ago.
   *
   * @param kind a few words naming the kind, used in the line that counts the left-out ones
   */
  public void warn(String kind, String format, Object... args) {
    if (!log.isWarnEnabled()) {
      return;
    }
    Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
    long suppressed;
    long seconds;
    synchronized (k) {
      long now = clock.getAsLong();
      if (k.logged && now - k.lastLoggedNanos < intervalNanos) {
        k.suppressed++;
        return;
      }
      suppressed = k.suppressed;
      seconds = (now - k.lastLoggedNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
      k.logged = true;
      k.lastLoggedNanos = now;
      k.suppressed = 0;
    }
    if (suppressed > 0) {
      log.warn(
          "{} more warnings of {} in the last {} s were not logged (the metrics count each)",
          suppressed,
          kind,
          seconds);
    }
    log.warn(format, args);
  }
}
