// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.queue;

import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PayloadQueue is the bounded hand-off between the socket readers (Netty event loops) and the
 * replay stage (a dedicated thread).
 *
 * <p>Producers never block: {@link #offer} fails when the queue is full, and the producer parks
 * itself with {@link #onSpace}, typically by switching its channel's autoRead off. The consumer
 * wakes parked producers once a quarter of the queue is free again, so a burst resumes reading in
 * large steps instead of toggling autoRead for every slot. Memory is bounded by the capacity plus
 * what each parked producer had already decoded.
 *
 * @param <T> the item type
 */
public final class PayloadQueue<T> {
  private final ArrayBlockingQueue<T> items;
  private final ConcurrentLinkedQueue<Runnable> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger heldByProducers = new AtomicInteger();
  private final int resumeThreshold;

  public PayloadQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    items = new ArrayBlockingQueue<>(capacity);
    resumeThreshold = Math.max(1, capacity / 4);
  }

  /** Adds an item if there is room; never blocks. */
  public boolean offer(T item) {
    return items.offer(item);
  }

  /**
   * Runs {@code resume} once, on the consumer's thread or the caller's, when there is room again.
   * The callback must not block; it usually schedules work on the producer's event loop.
   */
  public void onSpace(Runnable resume) {
    parked.add(resume);
    if (items.remainingCapacity() >= resumeThreshold) {
      wakeParked();
    }
  }

  /**
   * Waits up to {@code timeout} for at least one item, then moves up to {@code max} items into
   * {@code sink}.
   *
   * @return the number of items moved
   */
  public int drainTo(Collection<? super T> sink, int max, long timeout, TimeUnit unit)
      throws InterruptedException {
    T first = items.poll(timeout, unit);
    if (first == null) {
      return 0;
    }
    sink.add(first);
    int n = 1 + items.drainTo(sink, max - 1);
    if (!parked.isEmpty() && items.remainingCapacity() >= resumeThreshold) {
      wakeParked();
    }
    return n;
  }

  private void wakeParked() {
    Runnable r;
    while ((r = parked.poll()) != null) {
      r.run();
    }
  }

  /**
   * Producers report items they hold for the queue while it is full (+1 each) and hand over (-1
   * each), so that the consumer can tell when everything received has been taken.
   */
  public void heldByProducers(int delta) {
    heldByProducers.addAndGet(delta);
  }

  /** Items producers hold for the queue now. */
  public int heldByProducers() {
    return heldByProducers.get();
  }

  /** True when nothing is queued and no producer holds anything for the queue. */
  public boolean isDrained() {
    return items.isEmpty() && heldByProducers.get() == 0;
  }

  public int size() {
    return items.size();
  }

  public int capacity() {
    return items.size() + items.remainingCapacity();
  }

  /** Number of producers waiting for room. */
  public int parkedProducers() {
    return parked.size();
  }
}
