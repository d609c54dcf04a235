// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.concurrent.TimeUnit;

/**
 * CongestionWindow decides how many queries may be in flight, so that a replay runs as fast as the
 * target answers without overrunning it. A target's receive queue grows long before it overflows,
 * so a rising round-trip time is the early signal and a lost query the late one; a replay that
 * waits for losses has already caused timeouts that are its own fault.
 *
 * <p>Delay-based, as TCP Vegas and BBR: once per round (a window's worth of responses, at least
 * {@value #MIN_ROUND}), the queueing delay is the round's smallest round-trip time minus the base,
 * the smallest of the last 10 to 20 s (so a target that became slower for good is relearned). The
 * round's minimum, not its mean, because scheduling noise on a busy host delays single responses
 * while a queue at the target delays all of them. A delay up to the tolerance, half the base or
 * {@value #DELAY_FLOOR_MICROS} µs whichever is more (less is noise on a busy host, and a few dozen
 * queries at most in the queue of a fast target), grows the window: by an eighth per round, or in
 * slow start by doubling, but never by more than the queries that would fill the rest of the
 * tolerance at the round's rate (the delay seen is that of an older, smaller window). A delay over
 * twice the tolerance in two rounds in a row (one is a burst, such as the places that a sweep of
 * timeouts frees at once) shrinks it to what would bring the delay back to the tolerance at the
 * same rate (Little's law), at most by half.
 *
 * <p>The minimum misses one kind of queue: bursts (a batch of queries sent at once) that fill the
 * target's receive queue and drain before the next, so the first of each burst still sees none.
 * Those show as the share of responses delayed by more than {@value #BURST_TOLERANCES} tolerances:
 * over {@value #BURST_SHARE_GROW} of a round, the window stops growing; over {@value
 * #BURST_SHARE_SHRINK} in two rounds in a row, it shrinks by {@value #BURST_SHRINK}.
 *
 * <p>A timeout only ends slow start: the queue shows long before it overflows, and a lost query
 * holds its place in the window for the whole timeout, so a window that shrank for the losses of a
 * target that drops some queries by policy (rate limiting) would starve. A timeout while the target
 * answers nothing at all is an outage and opens the window to its bound, so the outage is measured
 * at full speed rather than one window per timeout. ICMP errors change nothing. A round in which
 * fewer than half the window were in flight says nothing about the target (the offered load is the
 * limit) and changes nothing.
 *
 * <p>Pure: time comes from the caller, in nanoseconds. Not thread-safe.
 */
final class CongestionWindow {
  static final int MIN_WINDOW = 4;
  static final int INITIAL_WINDOW = 16;
  static final long BASE_RTT_EPOCH_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final int MIN_ROUND = 64;
  static final long DELAY_FLOOR_MICROS = 200;
  static final int BURST_TOLERANCES = 4;
  static final double BURST_SHARE_GROW = 0.1;
  static final double BURST_SHARE_SHRINK = 0.25;
  static final double BURST_SHRINK = 0.7;
  private static final long DELAY_FLOOR_NANOS = TimeUnit.MICROSECONDS.toNanos(DELAY_FLOOR_MICROS);

  private final int max;
  private double window;
  private boolean slowStart = true;
  private long lastResponse = Long.MIN_VALUE;
  private long epochStart = Long.MIN_VALUE;
  private long epochMinRtt = Long.MAX_VALUE;
  private long previousEpochMinRtt = Long.MAX_VALUE;
  private int roundResponses;
  private long roundStart;
  private long roundMinRtt = Long.MAX_VALUE;
  private int roundMaxInFlight;
  private int roundSlow;
  private boolean queuedLastRound;

  /**
   * @param max the largest window ({@code --max-in-flight})
   */
  CongestionWindow(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    this.max = max;
    this.window = Math.min(max, INITIAL_WINDOW);
  }

  /**
   * Takes one response.
   *
   * @param rttNanos the time from sending its query to receiving it
   * @param inFlight queries in flight when it arrived, itself included
   */
  void onResponse(long rttNanos, int inFlight, long now) {
    lastResponse = now;
    trackBaseRtt(rttNanos, now);
    roundMinRtt = Math.min(roundMinRtt, rttNanos);
    roundMaxInFlight = Math.max(roundMaxInFlight, inFlight);
    if (rttNanos - baseRttNanos() > BURST_TOLERANCES * tolerance()) {
      roundSlow++;
    }
    if (roundResponses++ == 0) {
      roundStart = now;
    }
    if (roundResponses >= Math.max(size(), MIN_ROUND)) {
      endRound(now);
    }
  }

  /**
   * Takes a query that got no response in time. It ends slow start and nothing more: the target's
   * queue would have shown before it overflowed, so a loss without a queue is the target's own
   * policy (rate limiting, a bug), and a smaller window would only starve the replay, since every
   * lost query holds its place for the whole timeout.
   *
   * @param sentAt when it was sent: if the target answered nothing since, it is an outage (target
   *     down, or dropping everything), and the window opens to its bound so that the outage is
   *     measured at full speed rather than one window per timeout
   */
  void onLoss(long sentAt) {
    slowStart = false;
    if (lastResponse == Long.MIN_VALUE || lastResponse - sentAt < 0) {
      window = max;
    }
  }

  /** The number of queries that may be in flight now. */
  int size() {
    return (int) window;
  }

  /** The smallest round-trip time of the last 10 to 20 s, or -1 before the first response. */
  long baseRttNanos() {
    long base = Math.min(epochMinRtt, previousEpochMinRtt);
    return base == Long.MAX_VALUE ? -1 : base;
  }

  private void trackBaseRtt(long rttNanos, long now) {
    if (epochStart == Long.MIN_VALUE || now - epochStart >= BASE_RTT_EPOCH_NANOS) {
      previousEpochMinRtt = epochStart == Long.MIN_VALUE ? Long.MAX_VALUE : epochMinRtt;
      epochMinRtt = Long.MAX_VALUE;
      epochStart = now;
    }
    epochMinRtt = Math.min(epochMinRtt, rttNanos);
  }

  /** Queueing delay that is noise, not a queue: half the base, or the floor if more. */
  private long tolerance() {
    return Math.max(baseRttNanos() / 2, DELAY_FLOOR_NANOS);
  }

  private void endRound(long now) {
    if (2 * roundMaxInFlight >= size()) {
      long base = baseRttNanos();
      long tolerance = tolerance();
      long delay = roundMinRtt - base;
      double slowShare = (double) roundSlow / roundResponses;
      boolean standingQueue = delay > 2 * tolerance;
      boolean bursts = slowShare > BURST_SHARE_SHRINK;
      boolean queued = standingQueue || bursts;
      if (delay <= tolerance && slowShare <= BURST_SHARE_GROW) {
        // Slow start never adds more than the queries that would fill the rest of the tolerance at
        // this round's rate: the delay seen now is that of a smaller window, so doubling blindly
        // overshoots.
        double rate = (double) roundResponses / Math.max(1, now - roundStart);
        double headroom = Math.max(1, (tolerance - delay) * rate);
        window = clamp(window + (slowStart ? Math.min(window, headroom) : Math.max(1, window / 8)));
      } else if (queued && queuedLastRound) {
        slowStart = false;
        double factor = bursts ? BURST_SHRINK : 1;
        if (standingQueue) {
          factor = Math.min(factor, (double) (base + tolerance) / roundMinRtt);
        }
        window = clamp(window * Math.max(0.5, factor));
      }
      queuedLastRound = queued;
    }
    roundResponses = 0;
    roundMinRtt = Long.MAX_VALUE;
    roundMaxInFlight = 0;
    roundSlow = 0;
  }

  private double clamp(double w) {
    return Math.max(Math.min(MIN_WINDOW, max), Math.min(max, w));
  }
}
