// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The window against a simulated target: a FIFO server with a fixed service time and a receive
 * queue that drops what does not fit, the way Knot's UDP socket buffer does. Time is simulated, so
 * the results are exact and the tests take no real time.
 */
class CongestionWindowTest {
  private static final long US = TimeUnit.MICROSECONDS.toNanos(1);
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

  /** A target that serves one query per {@code serviceNanos} and holds {@code buffer} at most. */
  private static final class Simulation {
    private record Event(long time, int kind, long sentAt, long id) {
      Event(long time, int kind, long sentAt) {
        this(time, kind, sentAt, -1);
      }
    }

    private static final int ARRIVE = 0;
    private static final int DONE = 1;
    private static final int RESPONSE = 2;
    private static final int LOST = 3;
    private static final int PRESUMED_LOST = 4;
    private static final long PRESUME_LOST_NANOS = InFlightLimit.PRESUME_LOST_FLOOR_NANOS;

    final int max;
    final CongestionWindow window;
    final long serviceNanos;
    final int buffer;
    final Random jitter;
    final long maxJitterNanos;
    long oneWayNanos;
    int offeredInFlight = Integer.MAX_VALUE;
    int fixedWindow;
    int dropEvery;
    boolean halfWindowBursts;
    long arrived;
    int maxWindow;
    long now;
    int inFlight;
    int live;
    long nextId;
    final Set<Long> presumed = new HashSet<>();
    final Set<Long> pending = new HashSet<>();
    long answered;
    long dropped;

    private final PriorityQueue<Event> events =
        new PriorityQueue<>((a, b) -> Long.compare(a.time, b.time));
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private boolean serving;

    Simulation(int max, long serviceNanos, int buffer, long oneWayNanos, long maxJitterNanos) {
      this.max = max;
      this.window = new CongestionWindow(max);
      this.serviceNanos = serviceNanos;
      this.buffer = buffer;
      this.oneWayNanos = oneWayNanos;
      this.maxJitterNanos = maxJitterNanos;
      this.jitter = new Random(42);
    }

    /** Runs until {@code end}, sending whenever the window (and the offered load) allows. */
    void runUntil(long end) {
      send();
      while (!events.isEmpty() && events.peek().time <= end) {
        Event e = events.poll();
        now = e.time;
        switch (e.kind) {
          case ARRIVE -> arrive(e);
          case DONE -> done();
          case RESPONSE -> {
            window.onResponse(now - e.sentAt, live, now);
            complete(e.id);
            answered++;
          }
          case LOST -> {
            window.onLoss(e.sentAt);
            complete(e.id);
          }
          case PRESUMED_LOST -> {
            if (pending.contains(e.id) && presumed.add(e.id)) {
              live--;
            }
          }
          default -> throw new IllegalStateException();
        }
        send();
      }
      now = end;
    }

    private void send() {
      int size = fixedWindow > 0 ? fixedWindow : window.size();
      maxWindow = Math.max(maxWindow, size);
      if (halfWindowBursts && size - live < Math.max(1, size / 2)) {
        return; // as a sender that wakes up only once half the window is free
      }
      while (inFlight < offeredInFlight && inFlight < max && live < size) {
        inFlight++;
        live++;
        long id = nextId++;
        pending.add(id);
        events.add(new Event(now + oneWayNanos, ARRIVE, now, id));
        events.add(new Event(now + PRESUME_LOST_NANOS, PRESUMED_LOST, now, id));
      }
    }

    private void complete(long id) {
      inFlight--;
      pending.remove(id);
      if (!presumed.remove(id)) {
        live--;
      }
    }

    private void arrive(Event a) {
      long sentAt = a.sentAt;
      if (queue.size() >= buffer || (dropEvery > 0 && ++arrived % dropEvery == 0)) {
        dropped++;
        events.add(new Event(sentAt + TIMEOUT, LOST, sentAt, a.id));
        return;
      }
      queue.add(a);
      if (!serving) {
        serving = true;
        events.add(new Event(now + serviceNanos, DONE, 0));
      }
    }

    private void done() {
      Event a = queue.poll();
      boolean delayed = maxJitterNanos > 0 && jitter.nextInt(10) == 0;
      long back = oneWayNanos + (delayed ? jitter.nextLong(maxJitterNanos) : 0);
      events.add(new Event(now + back, RESPONSE, a.sentAt, a.id));
      if (queue.isEmpty()) {
        serving = false;
      } else {
        events.add(new Event(now + serviceNanos, DONE, 0));
      }
    }

    /** Answers per second between two moments of the run. */
    double rate(long answeredBefore, long from, long to) {
      return (answered - answeredBefore) * 1e9 / (to - from);
    }
  }

  @Test
  void fillsTheTargetWithoutOverflowingItsQueue() {
    // Knot on loopback: about 10 µs per query, ~200 datagrams of receive buffer, 25 µs each way.
    Simulation s = new Simulation(1000, 10 * US, 200, 25 * US, 0);
    s.runUntil(TimeUnit.SECONDS.toNanos(1));
    long before = s.answered;
    s.runUntil(TimeUnit.SECONDS.toNanos(3));
    assertEquals(0, s.dropped, "queries the target dropped");
    double capacity = 1e9 / s.serviceNanos;
    double rate = s.rate(before, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(3));
    assertTrue(rate >= 0.95 * capacity, rate + " answers/s of " + capacity);
    assertTrue(s.maxWindow < 200, "largest window " + s.maxWindow);
    assertEquals(50 * US, s.window.baseRttNanos() - 10 * US);
  }

  @Test
  void noisyRoundTripTimesStillNeitherOverflowNorStarve() {
    // One response in ten waits up to 2 ms more on the way back, as on a busy shared machine.
    Simulation s = new Simulation(1000, 10 * US, 200, 25 * US, 2000 * US);
    s.runUntil(TimeUnit.SECONDS.toNanos(1));
    long before = s.answered;
    s.runUntil(TimeUnit.SECONDS.toNanos(3));
    assertEquals(0, s.dropped, "queries the target dropped");
    double rate = s.rate(before, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(3));
    assertTrue(rate >= 0.9 * 1e9 / s.serviceNanos, rate + " answers/s");
  }

  @Test
  void burstsOfHalfAWindowDoNotOverflowAShortQueue() {
    // The first query of each burst finds the queue empty: only the later ones show it.
    Simulation s = new Simulation(1000, 10 * US, 100, 25 * US, 0);
    s.halfWindowBursts = true;
    s.runUntil(TimeUnit.SECONDS.toNanos(1));
    long before = s.answered;
    s.runUntil(TimeUnit.SECONDS.toNanos(3));
    assertEquals(0, s.dropped, "queries the target dropped");
    assertTrue(s.maxWindow < 200, "largest window " + s.maxWindow);
    double rate = s.rate(before, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(3));
    assertTrue(rate >= 0.9 * 1e9 / s.serviceNanos, rate + " answers/s");
  }

  @Test
  void aFixedWindowAsLargeAsTheDefaultOverflowsTheSameTarget() {
    // The reason for the adaptive window: 1000 in flight overruns a 200-query receive queue.
    Simulation s = new Simulation(1000, 10 * US, 200, 25 * US, 0);
    s.fixedWindow = 1000;
    s.runUntil(TimeUnit.SECONDS.toNanos(1));
    assertTrue(s.dropped >= 800, "dropped " + s.dropped);
  }

  @Test
  void aLowOfferedLoadDoesNotGrowTheWindow() {
    Simulation s = new Simulation(1000, 10 * US, 200, 25 * US, 0);
    s.offeredInFlight = 3;
    s.runUntil(TimeUnit.SECONDS.toNanos(1));
    assertEquals(CongestionWindow.INITIAL_WINDOW, s.window.size());
  }

  @Test
  void aTargetThatBecameSlowerForGoodIsRelearned() {
    Simulation s = new Simulation(1000, 10 * US, 200, 25 * US, 0);
    s.runUntil(TimeUnit.SECONDS.toNanos(1));
    s.oneWayNanos = 500 * US; // a longer path: the same throughput needs a larger window
    s.runUntil(TimeUnit.SECONDS.toNanos(25));
    long before = s.answered;
    s.runUntil(TimeUnit.SECONDS.toNanos(27));
    assertEquals(0, s.dropped);
    assertEquals(1010 * US, s.window.baseRttNanos());
    double rate = s.rate(before, TimeUnit.SECONDS.toNanos(25), TimeUnit.SECONDS.toNanos(27));
    assertTrue(rate >= 0.9 * 1e9 / s.serviceNanos, rate + " answers/s");
  }

  @Test
  void aLossEndsSlowStartAndNothingMore() {
    CongestionWindow w = new CongestionWindow(1000);
    round(w, 100 * US);
    round(w, 100 * US);
    assertEquals(64, w.size(), "slow start doubles each round");
    w.onLoss(-1);
    assertEquals(64, w.size());
    round(w, 100 * US);
    assertEquals(72, w.size(), "no more slow start after a loss: growth by an eighth");
  }

  @Test
  void aTargetDroppingOneQueryInTwentyIsReplayedAsFastAsWithAFixedWindow() {
    // Every lost query holds its place for the whole 5 s timeout, whatever the window.
    long from = TimeUnit.SECONDS.toNanos(10);
    long to = TimeUnit.SECONDS.toNanos(20);
    Simulation fixed = new Simulation(1000, 10 * US, 200, 25 * US, 0);
    fixed.fixedWindow = 1000;
    Simulation adaptive = new Simulation(1000, 10 * US, 200, 25 * US, 0);
    for (Simulation s : List.of(fixed, adaptive)) {
      s.dropEvery = 20;
      for (int t = 1; t <= 10; t++) {
        s.runUntil(TimeUnit.SECONDS.toNanos(t));
        System.out.println(
            "DBG t="
                + t
                + " w="
                + s.window.size()
                + " inflight="
                + s.inFlight
                + " answered="
                + s.answered
                + " base="
                + s.window.baseRttNanos());
      }
    }
    long fixedBefore = fixed.answered;
    long adaptiveBefore = adaptive.answered;
    fixed.runUntil(to);
    adaptive.runUntil(to);
    double fixedRate = fixed.rate(fixedBefore, from, to);
    double rate = adaptive.rate(adaptiveBefore, from, to);
    assertTrue(fixedRate > 0);
    assertTrue(rate >= 0.9 * fixedRate, rate + " answers/s, fixed window " + fixedRate);
  }

  @Test
  void aQueueShrinksTheWindowToWhatKeepsTheDelayAtTheTolerance() {
    CongestionWindow w = new CongestionWindow(1000);
    round(w, 100 * US);
    round(w, 100 * US);
    assertEquals(64, w.size());
    // 100 µs base, 200 µs tolerance: 550 µs is a queue of 450 µs; 300/550 of 64 keeps 200 µs
    round(w, 550 * US);
    assertEquals(64, w.size(), "one round of queue is a burst");
    round(w, 550 * US);
    assertEquals(34, w.size());
    round(w, 400 * US); // within twice the tolerance: hold
    assertEquals(34, w.size());
    round(w, 2000 * US);
    round(w, 2000 * US); // at most halved
    assertEquals(17, w.size());
  }

  /** One round of responses that all took {@code rtt}, with the window full. */
  private static void round(CongestionWindow w, long rtt) {
    for (int i = Math.max(w.size(), CongestionWindow.MIN_ROUND); i > 0; i--) {
      w.onResponse(rtt, w.size(), 0);
    }
  }

  @Test
  void lossesWhileTheTargetAnswersNothingOpenTheWindow() {
    CongestionWindow w = new CongestionWindow(1000);
    w.onLoss(0);
    assertEquals(1000, w.size(), "no response ever: an outage");
    CongestionWindow answering = new CongestionWindow(1000);
    round(answering, 100 * US); // responses at time 0
    answering.onLoss(-1);
    assertEquals(32, answering.size(), "answered after it was sent: not an outage");
    answering.onLoss(1);
    assertEquals(1000, answering.size(), "nothing answered since it was sent: an outage");
  }

  @Test
  void staysWithinItsBounds() {
    CongestionWindow w = new CongestionWindow(20);
    for (int i = 0; i < 5; i++) {
      round(w, 100 * US);
    }
    assertEquals(20, w.size());
    for (int i = 0; i < 5; i++) {
      round(w, 100_000 * US); // a long queue: halved each round, down to the minimum
    }
    assertEquals(CongestionWindow.MIN_WINDOW, w.size());
    assertEquals(2, new CongestionWindow(2).size(), "a bound under the minimum wins");
  }
}
