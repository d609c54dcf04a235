// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import java.time.Duration;
import java.util.Objects;

/**
 * PairingConfig bounds how long, how many and how many bytes of queries wait for their response
 * ({@code --pair}).
 *
 * @param window how far the dnstap clock (the latest timestamp seen so far) may move past a query's
 *     arrival before it is given up as a query without response
 * @param maxPending queries waiting at once; one more pushes the oldest out (evicted)
 * @param maxPendingBytes what the queries waiting hold, at most (see {@link Pairer}); a query that
 *     would take more pushes the oldest out, and one heavier than all of it waits alone
 */
public record PairingConfig(Duration window, int maxPending, long maxPendingBytes) {
  /**
   * Servers log a response a few frames and milliseconds after its query; two seconds is far beyond
   * that, and well under a client's retry interval.
   */
  public static final long DEFAULT_WINDOW_MILLIS = 2000;

  /**
   * A server answers in microseconds, so a few hundred queries wait at 100k queries/s; the rest of
   * the bound is for those that never get an answer, at a few hundred bytes each.
   */
  public static final int DEFAULT_MAX_PENDING = 10_000;

  public PairingConfig {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || maxPending < 1 || maxPendingBytes < 1) {
      throw new IllegalArgumentException(
          "window must not be negative, maxPending and maxPendingBytes at least 1");
    }
  }
}
