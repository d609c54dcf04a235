// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

  @Test
  void oneLinePerIntervalSayingHowManyWereHeld() {
    assertEquals(0, throttle.admit(), "the first line goes through");
    assertEquals(LogThrottle.HOLD, throttle.admit());
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertEquals(LogThrottle.HOLD, throttle.admit());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(2, throttle.admit(), "ten seconds after the last line, with the two held");
    assertEquals(LogThrottle.HOLD, throttle.admit());
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertEquals(1, throttle.admit());
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertEquals(0, throttle.admit(), "nothing held since");
  }

  @Test
  void aClockNearItsWrapIsNoProblem() {
    now.set(Long.MAX_VALUE - 5);
    assertEquals(0, throttle.admit());
    now.set(Long.MIN_VALUE + 5);
    assertEquals(LogThrottle.HOLD, throttle.admit());
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(1, throttle.admit());
  }
}
