// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBufferTest {
  private static byte[] r(int i) {
    return new byte[] {(byte) i};
  }

  @Test
  void boundedAndOldestFirst() {
    RecordBuffer b = new RecordBuffer(3);
    assertTrue(b.offer(r(1)));
    assertTrue(b.offer(r(2)));
    assertTrue(b.offer(r(3)));
    assertFalse(b.offer(r(4)));
    List<byte[]> taken = b.take(2);
    assertArrayEquals(r(1), taken.get(0));
    assertArrayEquals(r(2), taken.get(1));
    assertEquals(1, b.size());
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
    b.take(1);
    assertEquals(150, b.bytes());
    assertTrue(b.offer(new byte[100]));
  }

  @Test
  void aRecordLargerThanTheWholeBufferIsRefused() {
    RecordBuffer b = new RecordBuffer(100, 1000);
    assertFalse(b.offer(new byte[1001]));
    assertEquals(0, b.size());
  }

  @Test
  void putBackRestoresOrderAheadOfNewerRecords() {
    RecordBuffer b = new RecordBuffer(4);
    b.offer(r(1));
    b.offer(r(2));
    List<byte[]> taken = b.take(2);
    b.offer(r(3));
    assertEquals(0, b.putBack(taken));
    List<byte[]> all = b.take(10);
    assertEquals(3, all.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(r(i + 1), all.get(i));
    }
  }

  @Test
  void putBackDropsWhatNoLongerFits() {
    RecordBuffer b = new RecordBuffer(2);
    b.offer(r(1));
    b.offer(r(2));
    List<byte[]> taken = b.take(2);
    b.offer(r(3));
    assertEquals(1, b.putBack(taken));
    assertEquals(2, b.size());
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
    assertEquals(0, b.size());
  }
}
