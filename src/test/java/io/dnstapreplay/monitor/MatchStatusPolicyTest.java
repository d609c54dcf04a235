// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import static io.dnstapreplay.monitor.MatchStatusPolicy.NO_DECISION_PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MatchStatusPolicyTest {
  private static final long DELAY = 5_000_000_000L;

  private final MatchStatusPolicy policy = new MatchStatusPolicy(DELAY);

  @Test
  void offBeforeAnyObservation() {
    assertFalse(policy.isOn());
    assertFalse(policy.tick(Long.MAX_VALUE));
    assertEquals(NO_DECISION_PENDING, policy.nanosUntilDecision(0));
  }

  @Test
  void identicalFilesTurnMatchingOnOnlyOnceTheDelayHasPassed() {
    long t0 = 1_000;
    assertFalse(policy.observe(true, t0));
    assertEquals(DELAY, policy.nanosUntilDecision(t0));
    assertEquals(1, policy.nanosUntilDecision(t0 + DELAY - 1));
    assertFalse(policy.tick(t0 + DELAY - 1));
    assertTrue(policy.tick(t0 + DELAY));
    assertTrue(policy.isOn());
    assertEquals(NO_DECISION_PENDING, policy.nanosUntilDecision(t0 + DELAY));
  }

  @Test
  void aLateTickStillTurnsMatchingOnAndTheOverdueWaitIsZero() {
    policy.observe(true, 0);
    assertEquals(0, policy.nanosUntilDecision(3 * DELAY));
    assertTrue(policy.tick(3 * DELAY));
  }

  @Test
  void differentFilesTurnMatchingOffAtOnce() {
    policy.observe(true, 0);
    policy.tick(DELAY);
    assertFalse(policy.observe(false, DELAY + 1));
    assertFalse(policy.isOn());
    assertEquals(NO_DECISION_PENDING, policy.nanosUntilDecision(DELAY + 1));
  }

  @Test
  void aDifferenceDuringTheDelayKeepsMatchingOff() {
    policy.observe(true, 0);
    assertFalse(policy.observe(false, DELAY / 2));
    assertFalse(policy.tick(DELAY));
    assertFalse(policy.tick(100 * DELAY));
  }

  @Test
  void becomingIdenticalAgainRestartsTheDelay() {
    policy.observe(true, 0);
    policy.observe(false, 100);
    assertFalse(policy.observe(true, 200));
    assertEquals(DELAY, policy.nanosUntilDecision(200));
    assertFalse(policy.tick(DELAY));
    assertFalse(policy.tick(200 + DELAY - 1));
    assertTrue(policy.tick(200 + DELAY));
  }

  @Test
  void repeatedIdenticalObservationsDoNotRestartTheDelay() {
    policy.observe(true, 0);
    assertFalse(policy.observe(true, DELAY - 1));
    assertTrue(policy.observe(true, DELAY));
  }

  @Test
  void identicalObservationsKeepMatchingOn() {
    policy.observe(true, 0);
    policy.tick(DELAY);
    assertTrue(policy.observe(true, DELAY + 1));
    assertTrue(policy.observe(true, 50 * DELAY));
  }

  @Test
  void offAgainAfterBeingOnNeedsTheFullDelay() {
    policy.observe(true, 0);
    policy.tick(DELAY);
    policy.observe(false, 2 * DELAY);
    assertFalse(policy.observe(true, 3 * DELAY));
    assertFalse(policy.tick(4 * DELAY - 1));
    assertTrue(policy.tick(4 * DELAY));
  }

  @Test
  void zeroDelayTurnsMatchingOnAtOnce() {
    MatchStatusPolicy immediate = new MatchStatusPolicy(0);
    assertTrue(immediate.observe(true, 42));
    assertFalse(immediate.observe(false, 43));
    assertTrue(immediate.observe(true, 43));
  }

  @Test
  void nanoTimeWrapAroundIsHarmless() {
    long start = Long.MAX_VALUE - DELAY / 2;
    policy.observe(true, start);
    assertEquals(DELAY, policy.nanosUntilDecision(start));
    assertFalse(policy.tick(start + DELAY - 1));
    assertTrue(policy.tick(start + DELAY));
  }

  @Test
  void negativeDelayIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new MatchStatusPolicy(-1));
  }
}
