// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.pairing.Intake;
import io.dnstapreplay.queue.PayloadQueue;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReplayPump takes payloads off the queue and sends their queries, on the UDP event loops
 * themselves: the event loop whose responses freed places in the window takes the next payloads and
 * sends them on its own sockets, flushed once per batch, so a saturated replay needs no thread of
 * its own and no hand-off between threads per batch. A loop is woken from outside only when the
 * queue was empty and a collector adds to it.
 *
 * <p>One consumer at a time: whichever loop runs the pump holds its lock, so the queue is taken in
 * order by one thread at a time, and the {@link Intake} (guardrails, {@code --pair}) and then
 * {@link #classify} see every payload in queue order, in one place ({@link #pump}). A loop that
 * finds the lock taken leaves a request that the holder serves before it lets go.
 *
 * <p>Backpressure: the pump takes only as many payloads as the window has free places, and only as
 * many bytes as {@code --max-in-flight-bytes} leaves free (or one payload, however large, when
 * nothing is in flight), so a full window leaves them in the queue, which fills and stops the
 * collectors' reads.
 */
final class ReplayPump {
  /** Payloads taken off the queue at once, at most. */
  static final int BATCH = 256;

  /** Payloads one run takes at most before it lets the loop read its sockets again. */
  static final int RUN_LIMIT = 4 * BATCH;

  /** How often shutdown looks whether everything queued has been sent. */
  private static final long FINISH_POLL_MILLIS = 10;

  /**
   * At shutdown, how long to wait for payloads that paused connections still hold for the queue;
   * only an event loop that stopped early could keep them longer.
   */
  private static final long FINISH_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final Logger log = LoggerFactory.getLogger(ReplayPump.class);

  private final PayloadQueue<Payload> queue;
  private final ReplayConfig config;
  private final Intake intake;
  private final PayloadFilter.Options filter;
  private final ReplayOutcomes outcomes;
  private final InFlightLimit permits;
  private volatile Sockets sockets;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final List<Payload> batch = new ArrayList<>(BATCH);
  private final List<ReplayQuery> toSend = new ArrayList<>(BATCH);
  private volatile boolean requested;
  private volatile int waitingToSend;
  private int nextLoop;

  ReplayPump(
      PayloadQueue<Payload> queue,
      ReplayConfig config,
      ReplayOutcomes outcomes,
      InFlightLimit permits) {
    this.queue = queue;
    this.config = config;
    this.intake = new Intake(config.pairing(), outcomes);
    this.filter = config.filterOptions();
    this.outcomes = outcomes;
    this.permits = permits;
  }

  /**
   * The sockets grouped by event loop and target, with the next socket of each to send on. A loop
   * without a socket to some target (fewer sockets than loops) sends that target's queries on the
   * sockets of the other loops, as a task for them.
   */
  private record Sockets(
      List<EventExecutor> loops, List<List<List<ReplaySocketHandler>>> perLoop, int[][] next) {
    static Sockets of(List<List<ReplaySocketHandler>> byTarget) {
      Map<EventExecutor, List<List<ReplaySocketHandler>>> byLoop = new LinkedHashMap<>();
      for (int t = 0; t < byTarget.size(); t++) {
        for (ReplaySocketHandler s : byTarget.get(t)) {
          List<List<ReplaySocketHandler>> lists =
              byLoop.computeIfAbsent(s.executor(), l -> new ArrayList<>());
          while (lists.size() < byTarget.size()) {
            lists.add(new ArrayList<>());
          }
          lists.get(t).add(s);
        }
      }
      for (List<List<ReplaySocketHandler>> lists : byLoop.values()) {
        for (int t = 0; t < byTarget.size(); t++) {
          if (lists.get(t).isEmpty()) {
            lists.set(t, byTarget.get(t));
          }
        }
      }
      return new Sockets(
          List.copyOf(byLoop.keySet()),
          List.copyOf(byLoop.values()),
          new int[byLoop.size()][byTarget.size()]);
    }

    /** The index of the loop this thread runs, or -1. */
    int current() {
      for (int i = 0; i < loops.size(); i++) {
        if (loops.get(i).inEventLoop()) {
          return i;
        }
      }
      return -1;
    }

    /** The socket of {@code loop} to send the next batch to {@code target} on, in turn. */
    ReplaySocketHandler next(int loop, int target) {
      List<ReplaySocketHandler> candidates = perLoop.get(loop).get(target);
      int i = next[loop][target];
      next[loop][target] = (i + 1) % candidates.size();
      return candidates.get(i);
    }
  }

  /**
   * Starts pumping into {@code sockets}, once they are connected: {@code numSockets} to each of the
   * config's targets, in that order. Until then a {@link #wake} does nothing.
   */
  void start(List<ReplaySocketHandler> sockets) {
    int n = config.numSockets();
    List<List<ReplaySocketHandler>> byTarget = new ArrayList<>();
    for (int t = 0; t < config.targets().size(); t++) {
      byTarget.add(List.copyOf(sockets.subList(t * n, (t + 1) * n)));
    }
    this.sockets = Sockets.of(byTarget);
    wake();
  }

  /**
   * Asks for a run: from a socket's event loop after its responses or timeouts freed places in the
   * window (the run then happens on that loop after its reads, without a wake-up), or from any
   * other thread (a collector that added to an empty queue), which wakes one of the loops.
   */
  void wake() {
    Sockets s = sockets;
    requested = true;
    if (s == null || scheduled.getAndSet(true)) {
      return;
    }
    int loop = s.current();
    if (loop < 0) {
      loop = Math.floorMod(nextLoop++, s.loops.size());
    }
    try {
      s.loops.get(loop).execute(this::run);
    } catch (RejectedExecutionException e) {
      // The event loops are shut down with the daemon, after the queue was drained.
      scheduled.set(false);
    }
  }

  /** Runs on a socket's event loop; serves every request made before it lets go of the lock. */
  private void run() {
    scheduled.set(false);
    while (requested && lock.tryLock()) {
      try {
        requested = false;
        pump();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Sends what the window allows, from what waits to be sent and then from the queue. */
  private void pump() {
    Sockets s = sockets;
    int loop = s.current();
    int taken = 0;
    for (; ; ) {
      if (toSend.isEmpty()) {
        if (taken >= RUN_LIMIT) {
          // Yield to the loop's reads: the next run comes after them.
          s.loops.get(loop).execute(this::wake);
          break;
        }
        int room = Math.min(permits.free(), BATCH);
        if (room <= 0) {
          break;
        }
        if (take(room) == 0) {
          if (queue.size() > 0 && permits.inFlight() > 0) {
            // The next payload would exceed the bytes allowed in flight: what frees them runs us.
            break;
          }
          if (queue.wakeWhenNotEmpty(this::wake)) {
            break;
          }
          continue;
        }
        taken += batch.size();
        for (Payload d : batch) {
          classify(intake.accept(d));
        }
        batch.clear();
        continue;
      }
      int n = permits.tryAcquire(toSend, ReplayQuery::weight);
      if (n == 0) {
        // The window shrank since (or --pair made a message heavier than the bytes left): what is
        // left waits for the next response.
        break;
      }
      List<ReplayQuery> sending = toSend.subList(0, n);
      for (int t = 0; t < config.targets().size(); t++) {
        List<ReplayQuery> batchToTarget = new ArrayList<>(n);
        for (ReplayQuery q : sending) {
          if (q.target == t) {
            batchToTarget.add(q);
          }
        }
        if (!batchToTarget.isEmpty()) {
          s.next(loop, t).submit(batchToTarget);
        }
      }
      sending.clear();
    }
    waitingToSend = toSend.size();
  }

  /**
   * Takes up to {@code room} payloads off the queue into the batch, as many as fit in the bytes
   * free in flight (the queue weighs a payload as {@link ReplayQuery#weight} does); when nothing is
   * in flight, at least the next one, however heavy, so that a payload larger than the byte bound
   * is replayed alone rather than never.
   */
  private int take(int room) {
    int n = queue.drainTo(batch, room, permits.freeBytes());
    return n == 0 && permits.inFlight() == 0 ? queue.drainTo(batch, 1) : n;
  }

  /** Sends, or accounts for, {@code d}; null is a message the intake holds back. */
  private void classify(Payload d) {
    if (d == null) {
      return;
    }
    PayloadFilter.Decision decision = PayloadFilter.classify(d, filter);
    if (!(decision instanceof PayloadFilter.Decision.Replay r)) {
      outcomes.notSent(d, decision);
      return;
    }
    int target = config.targetOf(r);
    QueryKey key = QueryKey.of(r.query());
    if (key == null) {
      // Shorter than a DNS header: no response could ever be matched to it.
      outcomes.sendError(target);
      return;
    }
    toSend.add(new ReplayQuery(d, r, key, target));
  }

  /**
   * Nothing queued, held for the queue, or taken and not yet sent. The order of the reads matters:
   * a run that takes the last payloads holds the lock until it has stored what it could not send.
   */
  private boolean idle() {
    return queue.isDrained() && !lock.isLocked() && waitingToSend == 0;
  }

  /**
   * Waits until everything received has been taken off the queue and sent, then tells the intake
   * that the input has ended; call after the collectors have stopped. Payloads that paused
   * connections hold are waited for up to a grace period.
   */
  void finish() throws InterruptedException {
    awaitIdle();
    lock.lock();
    try {
      intake.finish();
    } finally {
      lock.unlock();
    }
  }

  private void awaitIdle() throws InterruptedException {
    long emptySince = System.nanoTime();
    while (!idle()) {
      if (queue.size() > 0 || waitingToSend > 0) {
        emptySince = System.nanoTime();
      } else if (System.nanoTime() - emptySince > FINISH_GRACE_NANOS) {
        log.warn(
            "{} payloads held by paused connections did not arrive before shutdown",
            queue.heldByProducers());
        return;
      }
      wake();
      Thread.sleep(FINISH_POLL_MILLIS);
    }
  }
}
