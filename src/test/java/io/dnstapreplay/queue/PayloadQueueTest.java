// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PayloadQueueTest {
  @Test
  void refusesWhenFullAndWakesParkedProducersOnceAQuarterIsFree() throws Exception {
    PayloadQueue<Integer> q = new PayloadQueue<>(8);
    for (int i = 0; i < 8; i++) {
      assertTrue(q.offer(i));
    }
    assertFalse(q.offer(99));
    AtomicInteger woken = new AtomicInteger();
    q.onSpace(woken::incrementAndGet);
    assertEquals(0, woken.get());
    assertEquals(1, q.parkedProducers());

    List<Integer> out = new ArrayList<>();
    q.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    assertEquals(0, woken.get(), "one free slot is less than a quarter");
    q.drainTo(out, 1, 0, TimeUnit.MILLISECONDS);
    assertEquals(1, woken.get());
    assertEquals(0, q.parkedProducers());
    assertEquals(List.of(0, 1), out);
  }

  @Test
  void parkingWhenThereIsAlreadyRoomWakesAtOnce() {
    PayloadQueue<Integer> q = new PayloadQueue<>(8);
    AtomicInteger woken = new AtomicInteger();
    q.onSpace(woken::incrementAndGet);
    assertEquals(1, woken.get());
  }

  @Test
  void drainWaitsForTheFirstItemAndKeepsOrder() throws Exception {
    PayloadQueue<Integer> q = new PayloadQueue<>(100);
    List<Integer> out = new ArrayList<>();
    assertEquals(0, q.drainTo(out, 10, 1, TimeUnit.MILLISECONDS));
    for (int i = 0; i < 15; i++) {
      q.offer(i);
    }
    assertEquals(10, q.drainTo(out, 10, 1, TimeUnit.MILLISECONDS));
    assertEquals(5, q.drainTo(out, 10, 1, TimeUnit.MILLISECONDS));
    assertEquals(15, out.size());
    for (int i = 0; i < 15; i++) {
      assertEquals(i, out.get(i));
    }
  }

  @Test
  void aConsumerThatFoundNothingIsWokenOnceByTheNextItems() {
    PayloadQueue<Integer> q = new PayloadQueue<>(8);
    AtomicInteger woken = new AtomicInteger();
    assertTrue(q.wakeWhenNotEmpty(woken::incrementAndGet));
    assertEquals(0, woken.get());
    q.offer(1);
    assertEquals(1, woken.get());
    q.offer(2);
    assertEquals(1, woken.get(), "once per registration");
    assertFalse(q.wakeWhenNotEmpty(woken::incrementAndGet), "items are there: take them");
    List<Integer> out = new ArrayList<>();
    assertEquals(2, q.drainTo(out, 10));
    assertEquals(List.of(1, 2), out);
  }

  /** A queue of items that weigh their value in bytes. */
  private static PayloadQueue<Integer> weighing(int capacity, long maxBytes) {
    return new PayloadQueue<>(capacity, maxBytes, Integer::intValue);
  }

  @Test
  void aBatchMovesInOrderWhileBothBoundsHold() {
    PayloadQueue<Integer> q = weighing(10, 100);
    Deque<Integer> batch = new ArrayDeque<>(List.of(30, 40, 50, 5));
    assertEquals(2, q.offerAll(batch), "50 more would make 120 bytes");
    assertEquals(List.of(50, 5), List.copyOf(batch), "5 would fit, but order is kept");
    assertEquals(70, q.bytes());
    assertEquals(2, q.size());

    PayloadQueue<Integer> byCount = weighing(2, 1000);
    assertEquals(2, byCount.offerAll(new ArrayDeque<>(List.of(1, 2, 3))));
    assertEquals(3, byCount.bytes());
  }

  @Test
  void theConsumerTakesOnlyWhatFitsItsOwnByteLimit() {
    PayloadQueue<Integer> q = weighing(10, 100);
    q.offerAll(new ArrayDeque<>(List.of(30, 40, 20)));
    List<Integer> out = new ArrayList<>();
    assertEquals(0, q.drainTo(out, 10, 29), "the head alone is heavier");
    assertEquals(1, q.drainTo(out, 10, 69));
    assertEquals(2, q.drainTo(out, 10, 60));
    assertEquals(List.of(30, 40, 20), out);
    assertEquals(0, q.bytes());
    assertEquals(0, q.size());
  }

  @Test
  void anItemHeavierThanTheWholeByteBoundGoesAloneIntoAnEmptyQueue() {
    PayloadQueue<Integer> q = weighing(10, 100);
    assertTrue(q.offer(500), "the queue is empty: it goes in rather than never");
    assertFalse(q.offer(1), "nothing goes with it");
    assertEquals(500, q.bytes());
    assertEquals(1, q.oversized());
    List<Integer> out = new ArrayList<>();
    assertEquals(1, q.drainTo(out, 10));
    assertTrue(q.offer(1));
    assertFalse(q.offer(500), "only into an empty queue");
    assertEquals(1, q.oversized());
  }

  @Test
  void aProducerParkedOnBytesIsWokenOnceAQuarterIsFreeAndItsItemFits() {
    PayloadQueue<Integer> q = weighing(100, 100);
    for (int i = 0; i < 10; i++) {
      assertTrue(q.offer(10));
    }
    Deque<Integer> held = new ArrayDeque<>(List.of(40));
    assertEquals(0, q.offerAll(held), "full by bytes, with 90 places left");
    AtomicInteger woken = new AtomicInteger();
    q.onSpace(woken::incrementAndGet);
    assertEquals(0, woken.get());
    List<Integer> out = new ArrayList<>();
    q.drainTo(out, 3);
    assertEquals(0, woken.get(), "30 bytes free: a quarter, but not room for 40");
    q.drainTo(out, 1);
    assertEquals(1, woken.get());
    assertEquals(1, q.offerAll(held));
    assertEquals(100, q.bytes());
  }

  @Test
  void aProducerHoldingAnOversizedItemIsWokenWhenTheQueueIsEmpty() {
    PayloadQueue<Integer> q = weighing(100, 100);
    assertTrue(q.offer(60));
    Deque<Integer> held = new ArrayDeque<>(List.of(500));
    assertEquals(0, q.offerAll(held));
    AtomicInteger woken = new AtomicInteger();
    q.onSpace(woken::incrementAndGet);
    assertEquals(0, woken.get(), "the whole bound free would not be room for it");
    q.drainTo(new ArrayList<>(), 10);
    assertEquals(1, woken.get());
    assertEquals(1, q.offerAll(held));
  }

  @Test
  void boundsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new PayloadQueue<>(0));
    assertThrows(IllegalArgumentException.class, () -> weighing(1, 0));
    assertEquals(3, new PayloadQueue<Integer>(3).capacity());
    assertEquals(7, weighing(1, 7).maxBytes());
  }
}
