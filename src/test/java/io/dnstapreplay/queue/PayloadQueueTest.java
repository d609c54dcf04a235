// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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

  @Test
  void capacityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new PayloadQueue<>(0));
    assertEquals(3, new PayloadQueue<Integer>(3).capacity());
  }
}
