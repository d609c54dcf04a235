// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.queue;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * PayloadQueue is the bounded hand-off between the socket readers (Netty event loops) and the
 * replay stage, which either waits for items ({@link #drainTo} with a timeout) or takes what there
 * is and asks to be woken when more arrives ({@link #wakeWhenNotEmpty}).
 *
 * <p>Producers never block: {@link #offer} and {@link #offerAll} take what fits, and a producer
 * left holding items parks itself with {@link #onSpace}, typically by switching its channel's
 * autoRead off. The consumer wakes parked producers once a quarter of the queue is free again, so a
 * burst resumes reading in large steps instead of toggling autoRead for every slot. Memory is
 * bounded by the capacity plus what each parked producer had already decoded.
 *
 * <p>Items move in batches under one lock: a producer hands over everything one socket read
 * decoded, and the waiting consumer is woken once per batch rather than once per item, which at
 * 100k payloads a second is the difference between a few and a hundred thousand context switches.
 *
 * @param <T> the item type
 */
public final class PayloadQueue<T> {
  private final int capacity;
  private final ArrayDeque<T> items;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ConcurrentLinkedQueue<Runnable> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger heldByProducers = new AtomicInteger();
  private final int resumeThreshold;
  private Runnable consumerWake;
  private volatile int size;

  public PayloadQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    items = new ArrayDeque<>(Math.min(capacity, 1 << 16));
    resumeThreshold = Math.max(1, capacity / 4);
  }

  /** Adds an item if there is room; never blocks. */
  public boolean offer(T item) {
    ArrayDeque<T> one = new ArrayDeque<>(1);
    one.add(item);
    return offerAll(one) == 1;
  }

  /**
   * Moves items from the head of {@code batch} into the queue, as many as fit, in order; never
   * blocks.
   *
   * @return how many were moved; the rest stay in {@code batch}
   */
  public int offerAll(Deque<T> batch) {
    int n;
    Runnable wake = null;
    lock.lock();
    try {
      n = Math.min(batch.size(), capacity - items.size());
      for (int i = 0; i < n; i++) {
        items.add(batch.poll());
      }
      size = items.size();
      if (n > 0) {
        notEmpty.signal();
        wake = consumerWake;
        consumerWake = null;
      }
    } finally {
      lock.unlock();
    }
    if (wake != null) {
      wake.run();
    }
    return n;
  }

  /**
   * For a consumer that never blocks: unless items are queued already, has the next {@link
   * #offerAll} run {@code wake} once, on the producer's thread (it must not block). The check and
   * the registration are atomic, so no item goes unnoticed.
   *
   * @return false, registering nothing, if items are queued
   */
  public boolean wakeWhenNotEmpty(Runnable wake) {
    lock.lock();
    try {
      if (!items.isEmpty()) {
        return false;
      }
      consumerWake = wake;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code resume} once, on the consumer's thread or the caller's, when there is room again.
   * The callback must not block; it usually schedules work on the producer's event loop.
   */
  public void onSpace(Runnable resume) {
    parked.add(resume);
    if (capacity - size >= resumeThreshold) {
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
    lock.lock();
    try {
      long nanos = unit.toNanos(timeout);
      while (items.isEmpty()) {
        if (nanos <= 0) {
          return 0;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
    return drainTo(sink, max);
  }

  /**
   * Moves up to {@code max} items into {@code sink}, as many as are queued; never waits.
   *
   * @return the number of items moved
   */
  public int drainTo(Collection<? super T> sink, int max) {
    int n = 0;
    lock.lock();
    try {
      while (n < max && !items.isEmpty()) {
        sink.add(items.poll());
        n++;
      }
      size = items.size();
    } finally {
      lock.unlock();
    }
    if (!parked.isEmpty() && capacity - size >= resumeThreshold) {
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
   * Producers report items they hold for the queue (+1 each) and hand over (-1 each), so that the
   * consumer can tell when everything received has been taken.
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
    return size == 0 && heldByProducers.get() == 0;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  /** Number of producers waiting for room. */
  public int parkedProducers() {
    return parked.size();
  }
}
