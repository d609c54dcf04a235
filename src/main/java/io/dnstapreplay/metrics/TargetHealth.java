// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * TargetHealth decides whether the target answers: it is healthy while it answered within the
 * {@link #WINDOW}, or while nothing went unanswered in that time (no traffic is no evidence of a
 * problem). So a target that stops answering turns unhealthy with the first timeout or ICMP error
 * after a {@link #WINDOW} without responses, and healthy again with its next response.
 */
final class TargetHealth implements HealthChecks.Check {
  /** How far back a response or an unanswered query counts. */
  static final Duration WINDOW = Duration.ofSeconds(60);

  private final String target;
  private final StampedCounter responses;
  private final StampedCounter timeouts;
  private final StampedCounter errors;
  private final Clock clock;

  /**
   * @param target how the problem names the target: "the target", or its address
   */
  TargetHealth(
      String target,
      StampedCounter responses,
      StampedCounter timeouts,
      StampedCounter errors,
      Clock clock) {
    this.target = target;
    this.responses = responses;
    this.timeouts = timeouts;
    this.errors = errors;
    this.clock = clock;
  }

  @Override
  public Optional<String> problem() {
    long now = clock.monotonicTime();
    long lastFailure = Math.max(timeouts.lastIncrementNanos(), errors.lastIncrementNanos());
    if (!within(lastFailure, now) || within(responses.lastIncrementNanos(), now)) {
      return Optional.empty();
    }
    return Optional.of(
        "no response from "
            + target
            + " in the last "
            + WINDOW.toSeconds()
            + " s while queries timed out or failed");
  }

  private static boolean within(long stamp, long now) {
    return stamp != StampedCounter.NEVER && now - stamp <= WINDOW.toNanos();
  }
}
