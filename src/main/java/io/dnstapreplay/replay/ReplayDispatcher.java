// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.pairing.Intake;
import io.dnstapreplay.queue.PayloadQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReplayDispatcher runs on its own thread so that it may block, on the queue and on in-flight
 * permits, without ever blocking an event loop. It hands queries to the sockets in batches, one
 * task per socket per batch, so the sockets can flush many datagrams with one system call.
 */
final class ReplayDispatcher implements Runnable {
  /** Payloads taken off the queue at once; also how many free permits wake the dispatcher. */
  static final int BATCH = 256;

  private static final long POLL_MILLIS = 100;

  /**
   * At shutdown, how long to wait for payloads that paused connections still hold for the queue;
   * only an event loop that stopped early could keep them longer.
   */
  private static final long FINISH_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final Logger log = LoggerFactory.getLogger(ReplayDispatcher.class);

  private final PayloadQueue<Dnstap> queue;
  private final ReplayConfig config;
  private final Intake intake;
  private final PayloadFilter.Options filter;
  private final ReplayOutcomes outcomes;
  private final List<ReplaySocketHandler> sockets;
  private final InFlightLimit permits;
  private final List<ReplayQuery> toSend = new ArrayList<>(BATCH);
  private final List<List<ReplayQuery>> perSocket;
  private volatile boolean finishing;

  /** For each target, the next of its sockets, counted from the first. */
  private final int[] nextSocket;

  /**
   * @param sockets {@code numSockets} to each of {@code config.targets()}, in that order
   */
  ReplayDispatcher(
      PayloadQueue<Dnstap> queue,
      ReplayConfig config,
      ReplayOutcomes outcomes,
      List<ReplaySocketHandler> sockets,
      InFlightLimit permits) {
    this.queue = queue;
    this.config = config;
    this.filter = config.filterOptions();
    this.intake = new Intake(config.pairing(), outcomes);
    this.outcomes = outcomes;
    this.sockets = sockets;
    this.permits = permits;
    this.nextSocket = new int[config.targets().size()];
    this.perSocket = new ArrayList<>(sockets.size());
    for (int i = 0; i < sockets.size(); i++) {
      perSocket.add(new ArrayList<>());
    }
  }

  /** Asks the dispatcher to stop once everything received has been taken off the queue. */
  void finish() {
    finishing = true;
  }

  @Override
  public void run() {
    List<Dnstap> batch = new ArrayList<>(BATCH);
    try {
      long emptySince = 0;
      boolean empty = false;
      while (!finishing || !queue.isDrained()) {
        batch.clear();
        int n = queue.drainTo(batch, BATCH, POLL_MILLIS, TimeUnit.MILLISECONDS);
        for (Dnstap d : batch) {
          classify(intake.accept(d));
        }
        send();
        if (!finishing || n > 0) {
          empty = false;
        } else if (!empty) {
          empty = true;
          emptySince = System.nanoTime();
        } else if (System.nanoTime() - emptySince > FINISH_GRACE_NANOS) {
          log.warn(
              "{} payloads held by paused connections did not arrive before shutdown",
              queue.heldByProducers());
          break;
        }
      }
      intake.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends, or accounts for, {@code d}; null is a message the intake holds back. */
  private void classify(Dnstap d) {
    if (d == null) {
      return;
    }
    PayloadFilter.Decision decision = PayloadFilter.classify(d, filter);
    if (!(decision instanceof PayloadFilter.Decision.Replay r)) {
      outcomes.notSent(d, decision);
      return;
    }
    QueryKey key = QueryKey.of(r.query());
    if (key == null) {
      // Shorter than a DNS header: no response could ever be matched to it.
      outcomes.sendError();
      return;
    }
    toSend.add(new ReplayQuery(d, r, key));
  }

  /**
   * Spreads the batch over the sockets of each query's target as permits allow, one task per socket
   * per step.
   */
  private void send() throws InterruptedException {
    int numSockets = config.numSockets();
    int i = 0;
    while (i < toSend.size()) {
      int n = permits.acquireUpTo(toSend.size() - i);
      for (int end = i + n; i < end; i++) {
        ReplayQuery q = toSend.get(i);
        int target = config.targetOf(q.replay);
        perSocket.get(target * numSockets + nextSocket[target]).add(q);
        nextSocket[target] = (nextSocket[target] + 1) % numSockets;
      }
      flush();
    }
    toSend.clear();
  }

  private void flush() {
    for (int i = 0; i < sockets.size(); i++) {
      List<ReplayQuery> b = perSocket.get(i);
      if (!b.isEmpty()) {
        sockets.get(i).submit(b);
        perSocket.set(i, new ArrayList<>());
      }
    }
  }
}
