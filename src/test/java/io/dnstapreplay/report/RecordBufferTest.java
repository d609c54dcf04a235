// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecordBufferTest {
  private static byte[] r(int i) {
    return new byte[] {(byte) i};
  }

  @Test
  void boundedByRecordsAndOldestFirst() {
    RecordBuffer b = new RecordBuffer(3);
    assertTrue(b.offer(r(1)));
    assertTrue(b.offer(r(2)));
    assertTrue(b.offer(r(3)));
    assertFalse(b.offer(r(4)));
    List<byte[]> taken = b.take(2);
    assertArrayEquals(r(1), taken.get(0));
    assertArrayEquals(r(2), taken.get(1));
    assertEquals(1, b.waiting());
  }

  @Test
  void boundedByBytes() {
    RecordBuffer b = new RecordBuffer(100, 250);
    assertTrue(b.offer(new byte[100]));
    assertTrue(b.offer(new byte[100]));
    assertFalse(b.offer(new byte[51]), "one byte too many");
    assertTrue(b.offer(new byte[50]), "exactly full");
    assertEquals(250, b.bytes());
    assertEquals(3, b.size());
  }

  @Test
  void aRecordLargerThanTheWholeBufferIsRefused() {
    RecordBuffer b = new RecordBuffer(100, 1000);
    assertFalse(b.offer(new byte[1001]));
    assertEquals(0, b.size());
  }

  @Test
  void boundsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new RecordBuffer(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new RecordBuffer(1, 0));
  }

  /** A record being written is still in the buffer: so it always fits when it comes back. */
  @Test
  void takenRecordsCountAgainstTheBoundsUntilDelivered() {
    RecordBuffer b = new RecordBuffer(2, 1000);
    b.offer(new byte[300]);
    b.offer(new byte[300]);
    List<byte[]> taken = b.take(2);
    assertEquals(0, b.waiting());
    assertEquals(2, b.size());
    assertEquals(600, b.bytes());
    assertFalse(b.offer(r(3)), "still full while being written");

    b.delivered(taken.get(0));
    assertEquals(1, b.size());
    assertEquals(300, b.bytes());
    assertTrue(b.offer(r(3)));
    assertFalse(b.offer(r(4)));

    b.putBack(taken.subList(1, 2));
    assertEquals(2, b.waiting());
    assertEquals(300, b.take(1).get(0).length, "put back ahead of the newer record");
  }

  @Test
  void putBackRestoresOrderAheadOfNewerRecords() {
    RecordBuffer b = new RecordBuffer(4);
    b.offer(r(1));
    b.offer(r(2));
    List<byte[]> taken = b.take(2);
    b.offer(r(3));
    b.putBack(taken);
    List<byte[]> all = b.take(10);
    assertEquals(3, all.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(r(i + 1), all.get(i));
    }
  }

  @Test
  void takeStopsAtTheRecordThatReachesTheByteLimit() {
    RecordBuffer b = new RecordBuffer(10);
    for (int i = 0; i < 5; i++) {
      b.offer(new byte[100]);
    }
    assertEquals(3, b.take(10, 250).size());
    assertEquals(1, b.take(10, 1).size(), "at least one record");
    assertEquals(1, b.take(1, 1000).size(), "the count still bounds");
    assertEquals(0, b.waiting());
  }

  /**
   * Writers, and readers that deliver some of what they take and put the rest back, at once: every
   * record accepted is delivered exactly once or is still there, and the bounds hold throughout.
   */
  @Test
  void concurrentOffersTakesAndPutBacksLoseAndDuplicateNothing() throws Exception {
    int perWriter = 20_000;
    int writers = 2;
    RecordBuffer b = new RecordBuffer(500, 500 * 8);
    BitSet accepted = new BitSet();
    BitSet delivered = new BitSet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger overBound = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int first = w * perWriter;
        tasks.add(
            pool.submit(
                () -> {
                  for (int i = first; i < first + perWriter; i++) {
                    if (b.offer(ByteBuffer.allocate(8).putInt(i).array())) {
                      synchronized (accepted) {
                        accepted.set(i);
                      }
                    }
                    if (b.size() > 500 || b.bytes() > 500 * 8) {
                      overBound.incrementAndGet();
                    }
                  }
                }));
      }
      for (int reader = 0; reader < 2; reader++) {
        long seed = reader;
        tasks.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int round = 0; round < 20_000; round++) {
                    List<byte[]> taken = b.take(1 + random.nextInt(20), 64);
                    int keep = taken.isEmpty() ? 0 : random.nextInt(taken.size() + 1);
                    for (byte[] r : taken.subList(0, keep)) {
                      b.delivered(r);
                      synchronized (delivered) {
                        int id = ByteBuffer.wrap(r).getInt();
                        if (delivered.get(id)) {
                          duplicates.incrementAndGet();
                        }
                        delivered.set(id);
                      }
                    }
                    b.putBack(new ArrayList<>(taken.subList(keep, taken.size())));
                  }
                }));
      }
      for (Future<?> t : tasks) {
        t.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    BitSet left = new BitSet();
    for (byte[] r : b.take(Integer.MAX_VALUE)) {
      left.set(ByteBuffer.wrap(r).getInt());
    }
    assertEquals(0, duplicates.get());
    assertEquals(0, overBound.get());
    assertFalse(delivered.intersects(left));
    BitSet all = (BitSet) delivered.clone();
    all.or(left);
    assertEquals(accepted, all, "each accepted record delivered or still there");
    assertEquals(left.cardinality(), b.size());
  }
}
