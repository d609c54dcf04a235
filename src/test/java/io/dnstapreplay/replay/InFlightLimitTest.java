// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  /** Takes {@code n} permits for queries that weigh nothing. */
  private static int take(InFlightLimit limit, int n) {
    return limit.tryAcquire(Collections.nCopies(n, 0), w -> w);
  }

  /** Takes permits for queries of these weights. */
  private static int weighing(InFlightLimit limit, Integer... weights) {
    return limit.tryAcquire(List.of(weights), w -> w);
  }

  @Test
  void takesQueriesWhileTheirBytesFitAndReleasingGivesTheBytesBack() {
    InFlightLimit limit = new InFlightLimit(10, 1000, false);
    assertEquals(2, weighing(limit, 400, 500, 200), "the third would make 1100 bytes");
    assertEquals(900, limit.inFlightBytes());
    assertEquals(100, limit.freeBytes());
    assertEquals(0, weighing(limit, 200), "does not fit: nothing is taken, none waits");
    assertEquals(1, weighing(limit, 100, 1));
    assertEquals(0, limit.freeBytes());
    limit.release(true, 400);
    assertEquals(1, weighing(limit, 300, 200, 1), "the count allowed more; the bytes did not");
    assertEquals(900, limit.inFlightBytes());
    assertEquals(0, limit.oversized());
  }

  @Test
  void aQueryHeavierThanTheWholeBoundGoesAloneWhenNothingIsInFlight() {
    InFlightLimit limit = new InFlightLimit(10, 1000, false);
    assertEquals(1, weighing(limit, 10));
    assertEquals(0, weighing(limit, 5000), "something is in flight: it waits");
    limit.release(true, 10);
    assertEquals(1, weighing(limit, 5000, 1), "alone, and nothing after it");
    assertEquals(5000, limit.inFlightBytes());
    assertEquals(0, limit.freeBytes());
    assertEquals(0, weighing(limit, 1));
    assertEquals(1, limit.oversized());
    limit.release(true, 5000);
    assertEquals(0, limit.inFlightBytes());
    assertEquals(1, limit.oversized());
  }

  @Test
  void theCountBoundTakesFewerThanTheBytesWouldAndChargesOnlyThose() {
    InFlightLimit limit = new InFlightLimit(2, 1000, false);
    assertEquals(2, weighing(limit, 100, 200, 300));
    assertEquals(300, limit.inFlightBytes());
  }

  @Test
  void takesWhatIsFreeUpToTheRequestAndNeverWaits() {
    InFlightLimit limit = new InFlightLimit(10);
    assertEquals(6, take(limit, 6));
    assertEquals(4, limit.free());
    assertEquals(4, take(limit, 6));
    assertEquals(0, take(limit, 1), "a full limit gives nothing rather than waiting");
    assertEquals(10, limit.inFlight());
    limit.release(true, 0);
    assertEquals(1, limit.free());
    assertEquals(1, take(limit, 5));
  }

  @Test
  void aQueryPresumedLostFreesItsPlaceInTheWindowNotItsPermit() {
    InFlightLimit limit =
        new InFlightLimit(CongestionWindow.INITIAL_WINDOW + 1, Long.MAX_VALUE, true);
    assertEquals(CongestionWindow.INITIAL_WINDOW, take(limit, 100));
    limit.presumeLost();
    assertEquals(1, limit.free(), "the window has a place again");
    assertEquals(1, take(limit, 100));
    assertEquals(0, limit.free(), "--max-in-flight still counts the lost query");
    limit.release(false, 0);
    assertEquals(CongestionWindow.INITIAL_WINDOW, limit.inFlight());
    assertEquals(0, limit.free(), "the lost query's end frees no place in the window twice");
  }

  @Test
  void awaitNoneReturnsWhenTheLastPermitComesBack() throws Exception {
    InFlightLimit limit = new InFlightLimit(3);
    take(limit, 2);
    assertFalse(limit.awaitNone(10, TimeUnit.MILLISECONDS));
    CompletableFuture.runAsync(
        () -> {
          limit.release(true, 0);
          limit.release(true, 0);
        });
    assertTrue(limit.awaitNone(5, TimeUnit.SECONDS));
  }

  @Test
  void manyReleasersNeverLoseAPermitOrAByte() throws Exception {
    int weight = 7;
    InFlightLimit limit = new InFlightLimit(64, 40 * weight, false);
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
                      limit.release(true, weight);
                    }
                    done += n;
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                }
              },
              pool);
      for (int sent = 0; sent < total; ) {
        int n = limit.tryAcquire(Collections.nCopies(Math.min(32, total - sent), weight), w -> w);
        if (n == 0) {
          Thread.onSpinWait();
          continue;
        }
        sent += n;
        taken.add(n);
      }
      releasers.get(30, TimeUnit.SECONDS);
      assertEquals(0, limit.inFlight());
      assertEquals(0, limit.inFlightBytes());
      assertEquals(64, limit.free());
      assertEquals(40 * weight, limit.freeBytes());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLimitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit(0));
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit(1, 0, false));
  }
}
