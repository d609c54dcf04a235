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
import java.util.function.ToIntFunction;

/**
 * PayloadQueue is the bounded hand-off between the socket readers (Netty event loops) and the
 * replay stage, which either waits for items ({@link #drainTo} with a timeout) or takes what there
 * is and asks to be woken when more arrives ({@link #wakeWhenNotEmpty}).
 *
 * <p>Two bounds: items, and bytes, as a weigher given at construction tells them (a dnstap
 * payload's weight, about its frame's length): a payload may be up to a mebibyte, so a count alone
 * would let the queue hold gigabytes. An item heavier than the whole byte bound still goes in when
 * the queue is empty, alone, so that no item waits forever.
 *
 * <p>Producers never block: {@link #offer} and {@link #offerAll} take what fits, and a producer
 * left holding items parks itself with {@link #onSpace}, typically by switching its channel's
 * autoRead off. The consumer wakes parked producers once a quarter of the queue is free again, in
 * items and in bytes (and at least the weight of the heaviest item refused since), so a burst
 * resumes reading in large steps instead of toggling autoRead for every slot, and a producer is
 * never woken for an item that cannot go in yet. Memory is bounded by the bounds plus what each
 * parked producer had already decoded.
 *
 * <p>Items move in batches under one lock: a producer hands over everything one socket read
 * decoded, and the waiting consumer is woken once per batch rather than once per item, which at
 * 100k payloads a second is the difference between a few and a hundred thousand context switches.
 * The weights are added up under that lock, with no per-item atomic: the weigher must be as cheap
 * as a field read.
 *
 * @param <T> the item type
 */
public final class PayloadQueue<T> {
  private final int capacity;
  private final long maxBytes;
  private final ToIntFunction<? super T> weigher;
  private final ArrayDeque<T> items;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ConcurrentLinkedQueue<Runnable> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger heldByProducers = new AtomicInteger();
  private final int resumeThreshold;
  private final long resumeBytes;
  private Runnable consumerWake;
  private volatile int size;
  private volatile long bytes;

  /** The heaviest item refused for its bytes since parked producers were last woken. */
  private volatile long refusedWeight;

  /** Items heavier than the byte bound, let in alone. */
  private volatile long oversized;

  /** A queue bounded by its number of items only. */
  public PayloadQueue(int capacity) {
    this(capacity, Long.MAX_VALUE, item -> 0);
  }

  /**
   * A queue bounded by its number of items and by their weight.
   *
   * @param weigher an item's weight in bytes, the same every time it is asked; called under the
   *     lock, so it must be cheap
   */
  public PayloadQueue(int capacity, long maxBytes, ToIntFunction<? super T> weigher) {
    if (capacity < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "bounds must be at least 1: " + capacity + " items, " + maxBytes + " bytes");
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.weigher = weigher;
    items = new ArrayDeque<>(Math.min(capacity, 1 << 16));
    resumeThreshold = Math.max(1, capacity / 4);
    resumeBytes = Math.max(1, maxBytes / 4);
  }

  /** Adds an item if there is room; never blocks. */
  public boolean offer(T item) {
    ArrayDeque<T> one = new ArrayDeque<>(1);
    one.add(item);
    return offerAll(one) == 1;
  }

  /**
   * Moves items from the head of {@code batch} into the queue, in order, while both bounds hold (an
   * item heavier than the byte bound goes in alone when the queue is empty); never blocks.
   *
   * @return how many were moved; the rest stay in {@code batch}
   */
  public int offerAll(Deque<T> batch) {
    int n = 0;
    Runnable wake = null;
    lock.lock();
    try {
      long b = bytes;
      for (T head; items.size() < capacity && (head = batch.peek()) != null; n++) {
        int w = weigher.applyAsInt(head);
        if (w > maxBytes - b && !items.isEmpty()) {
          refusedWeight = Math.max(refusedWeight, w);
          break;
        }
        if (w > maxBytes) {
          oversized++;
        }
        items.add(batch.poll());
        b += w;
      }
      bytes = b;
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
    if (hasRoom()) {
      wakeParked();
    }
  }

  /**
   * Whether parked producers may go on: the queue is empty, or a quarter of it is free in items and
   * in bytes, and enough bytes for the heaviest item refused since they were last woken.
   */
  private boolean hasRoom() {
    int s = size;
    return s == 0
        || capacity - s >= resumeThreshold
            && maxBytes - bytes >= Math.max(resumeBytes, refusedWeight);
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
    return drainTo(sink, max, Long.MAX_VALUE);
  }

  /**
   * Moves items from the head into {@code sink} while fewer than {@code max} have moved and their
   * weights add up to at most {@code maxBytes}; never waits.
   *
   * @return the number of items moved: 0 when the queue is empty or its head weighs more than
   *     {@code maxBytes}
   */
  public int drainTo(Collection<? super T> sink, int max, long maxBytes) {
    int n = 0;
    lock.lock();
    try {
      long taken = 0;
      for (T head; n < max && (head = items.peek()) != null; n++) {
        int w = weigher.applyAsInt(head);
        if (w > maxBytes - taken) {
          break;
        }
        sink.add(items.poll());
        taken += w;
      }
      bytes -= taken;
      size = items.size();
    } finally {
      lock.unlock();
    }
    if (!parked.isEmpty() && hasRoom()) {
      wakeParked();
    }
    return n;
  }

  private void wakeParked() {
    refusedWeight = 0;
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

  /** The weight of the items queued now. */
  public long bytes() {
    return bytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Items heavier than the whole byte bound, so far: each went in alone, into an empty queue. */
  public long oversized() {
    return oversized;
  }

  /** Number of producers waiting for room. */
  public int parkedProducers() {
    return parked.size();
  }
}
