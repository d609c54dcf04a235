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
  private static final long SETTLE = 100_000_000L;

  private final MatchStatusPolicy policy = new MatchStatusPolicy(DELAY, 0);

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
    MatchStatusPolicy immediate = new MatchStatusPolicy(0, 0);
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
  void negativeDelayOrSettleTimeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new MatchStatusPolicy(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new MatchStatusPolicy(0, -1));
  }

  /** On, with the files identical since 0. */
  private static MatchStatusPolicy settledAndOn() {
    MatchStatusPolicy p = new MatchStatusPolicy(DELAY, SETTLE);
    p.observe(true, 0);
    assertTrue(p.tick(DELAY));
    return p;
  }

  /** A file rewritten in place is empty or half-written for a moment: that must not count. */
  @Test
  void aDifferenceShorterThanTheSettleTimeNeverTurnsMatchingOff() {
    MatchStatusPolicy p = settledAndOn();
    long t = DELAY + 1_000;
    assertTrue(p.observe(false, t));
    assertEquals(SETTLE, p.nanosUntilDecision(t));
    assertTrue(p.observe(false, t + SETTLE / 2));
    assertTrue(p.tick(t + SETTLE - 1));
    assertTrue(p.observe(true, t + SETTLE - 1));
    assertEquals(NO_DECISION_PENDING, p.nanosUntilDecision(t + SETTLE));
    assertTrue(p.tick(t + 10 * SETTLE));
  }

  @Test
  void aDifferenceThatLastsTheSettleTimeTurnsMatchingOffFromWhenItWasFirstSeen() {
    MatchStatusPolicy p = settledAndOn();
    long t = DELAY + 1_000;
    assertTrue(p.observe(false, t));
    assertTrue(p.observe(false, t + SETTLE - 1));
    assertFalse(p.tick(t + SETTLE));
    assertFalse(p.observe(true, t + SETTLE + 1));
    assertEquals(DELAY, p.nanosUntilDecision(t + SETTLE + 1));
  }

  @Test
  void whileADifferenceIsPendingTheDelayDoesNotEndAndIsNotRestartedByIt() {
    MatchStatusPolicy p = new MatchStatusPolicy(DELAY, SETTLE);
    assertFalse(p.observe(true, 0));
    assertFalse(p.observe(false, DELAY - 1));
    assertEquals(SETTLE, p.nanosUntilDecision(DELAY - 1));
    assertFalse(p.tick(DELAY + 1));
    assertTrue(p.observe(true, DELAY + 2));
  }

  @Test
  void aDifferenceBeforeTheFilesWereEverIdenticalCountsAtOnce() {
    MatchStatusPolicy p = new MatchStatusPolicy(0, SETTLE);
    assertFalse(p.observe(false, 0));
    assertEquals(NO_DECISION_PENDING, p.nanosUntilDecision(0));
  }
}
