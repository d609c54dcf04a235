// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  @Test
  void takesWhatIsFreeUpToTheRequestAndNeverWaits() {
    InFlightLimit limit = new InFlightLimit(10);
    assertEquals(6, limit.tryAcquire(6));
    assertEquals(4, limit.free());
    assertEquals(4, limit.tryAcquire(6));
    assertEquals(0, limit.tryAcquire(1), "a full limit gives nothing rather than waiting");
    assertEquals(10, limit.inFlight());
    limit.release(true);
    assertEquals(1, limit.free());
    assertEquals(1, limit.tryAcquire(5));
  }

  @Test
  void aQueryPresumedLostFreesItsPlaceInTheWindowNotItsPermit() {
    InFlightLimit limit = new InFlightLimit(CongestionWindow.INITIAL_WINDOW + 1, true);
    assertEquals(CongestionWindow.INITIAL_WINDOW, limit.tryAcquire(100));
    limit.presumeLost();
    assertEquals(1, limit.free(), "the window has a place again");
    assertEquals(1, limit.tryAcquire(100));
    assertEquals(0, limit.free(), "--max-in-flight still counts the lost query");
    limit.release(false);
    assertEquals(CongestionWindow.INITIAL_WINDOW, limit.inFlight());
    assertEquals(0, limit.free(), "the lost query's end frees no place in the window twice");
  }

  @Test
  void awaitNoneReturnsWhenTheLastPermitComesBack() throws Exception {
    InFlightLimit limit = new InFlightLimit(3);
    limit.tryAcquire(2);
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
    InFlightLimit limit = new InFlightLimit(64);
    int total = 200_000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      BlockingQueue<Integer> taken = new LinkedBlockingQueue<>();
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
        int n = limit.tryAcquire(Math.min(32, total - sent));
        if (n == 0) {
          Thread.onSpinWait();
          continue;
        }
        sent += n;
        taken.add(n);
      }
      releasers.get(30, TimeUnit.SECONDS);
      assertEquals(0, limit.inFlight());
      assertEquals(64, limit.free());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLimitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit(0));
  }
}
