// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the policy against its definition on seeded random histories: matching is on exactly when
 * the files have been identical without interruption for at least the delay.
 */
class MatchStatusPolicyPropertyTest {
  private static final int HISTORIES = 1000;
  private static final int MAX_STEPS = 60;

  @Test
  void onExactlyWhenIdenticalWithoutBreakForTheDelay() {
    Random random = new Random(20261123);
    for (int h = 0; h < HISTORIES; h++) {
      long delay = random.nextInt(1001);
      long start = random.nextLong();
      MatchStatusPolicy policy = new MatchStatusPolicy(delay, 0);
      long now = start;
      boolean identical = false;
      long identicalSince = 0;
      int steps = random.nextInt(MAX_STEPS + 1);
      for (int i = 0; i < steps; i++) {
        now += random.nextInt(601);
        boolean on;
        if (random.nextBoolean()) {
          boolean observed = random.nextBoolean();
          if (observed && !identical) {
            identicalSince = now;
          }
          identical = observed;
          on = policy.observe(observed, now);
        } else {
          on = policy.tick(now);
        }
        String where = "history " + h + " step " + i + " delay " + delay;
        boolean expected = identical && now - identicalSince >= delay;
        assertEquals(expected, on, where);
        long expectedWait =
            expected || !identical
                ? MatchStatusPolicy.NO_DECISION_PENDING
                : identicalSince + delay - now;
        assertEquals(expectedWait, policy.nanosUntilDecision(now), where);
      }
    }
  }
}
