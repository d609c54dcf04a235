// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.time.Duration;

/**
 * ReplaySettings are the knobs of the UDP stage that do not change while it runs.
 *
 * @param proxy prepend a PROXY v2 header carrying the original client address
 * @param proxyTimespec add the response-time TLV to that header
 * @param timeout how long a query waits for its response
 * @param maxInFlight queries sent and not yet answered or timed out, over all sockets
 */
public record ReplaySettings(
    boolean proxy, boolean proxyTimespec, Duration timeout, int maxInFlight) {
  public ReplaySettings {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    }
  }

  /** How often expired queries are looked for; the timeout is accurate to this. */
  long sweepNanos() {
    long n = timeout.toNanos() / 50;
    return Math.max(Duration.ofMillis(1).toNanos(), Math.min(n, Duration.ofMillis(100).toNanos()));
  }
}
