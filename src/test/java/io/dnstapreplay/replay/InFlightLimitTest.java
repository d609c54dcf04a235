// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  @Test
  void takesWhatIsFreeUpToTheRequest() throws Exception {
    InFlightLimit limit = new InFlightLimit(10, 4);
    assertEquals(6, limit.acquireUpTo(6));
    assertEquals(4, limit.acquireUpTo(6));
    assertEquals(10, limit.inFlight());
  }

  @Test
  void aFullLimitWakesTheWaiterOnlyOnceEnoughIsFree() throws Exception {
    InFlightLimit limit = new InFlightLimit(10, 4);
    limit.acquireUpTo(10);
    CompletableFuture<Integer> got = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                got.complete(limit.acquireUpTo(100));
              } catch (InterruptedException e) {
                got.completeExceptionally(e);
              }
            });
    waiter.start();
    awaitWaiting(waiter);
    for (int i = 0; i < 3; i++) {
      limit.release(true);
    }
    assertThrows(
        TimeoutException.class,
        () -> got.get(100, TimeUnit.MILLISECONDS),
        "three free permits are fewer than the wake-up mark");
    assertEquals(Thread.State.WAITING, waiter.getState());
    limit.release(true);
    assertEquals(4, got.get(5, TimeUnit.SECONDS));
    assertEquals(10, limit.inFlight());
  }

  private static void awaitWaiting(Thread t) throws Exception {
    Await.until(
        () -> t.getState() == Thread.State.WAITING,
        Duration.ofSeconds(5),
        () -> "the waiter is " + t.getState());
  }

  @Test
  void awaitNoneReturnsWhenTheLastPermitComesBack() throws Exception {
    InFlightLimit limit = new InFlightLimit(3, 3);
    limit.acquireUpTo(2);
    assertFalse(limit.awaitNone(10, TimeUnit.MILLISECONDS));
    CompletableFuture.runAsync(
        () -> {
          limit.release(true);
          limit.release(true);
        });
    assertTrue(limit.awaitNone(5, TimeUnit.SECONDS));
  }

  @Test
  void manyReleasersNeverLoseAPermit() throws Exception {
    InFlightLimit limit = new InFlightLimit(64, 16);
    int total = 200_000;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.BlockingQueue<Integer> taken =
          new java.util.concurrent.LinkedBlockingQueue<>();
      CompletableFuture<Void> releasers =
          CompletableFuture.runAsync(
              () -> {
                for (int done = 0; done < total; ) {
                  try {
                    int n = taken.take();
                    for (int i = 0; i < n; i++) {
                      limit.release(true);
                    }
                    done += n;
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                }
              },
              pool);
      for (int sent = 0; sent < total; ) {
        int n = limit.acquireUpTo(Math.min(32, total - sent));
        sent += n;
        taken.add(n);
      }
      releasers.get(30, TimeUnit.SECONDS);
      assertEquals(0, limit.inFlight());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void wakeUpMarkMustFitTheLimit() {
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit(4, 5));
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit(0, 1));
  }
}
