// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightTableTest {
  private static final long TIMEOUT = 5_000;

  /** A DNS header with ID {@code id}, one question for {@code name} type A class IN. */
  static byte[] query(int id, String name) {
    byte[] n = wireName(name);
    byte[] m = new byte[12 + n.length + 4];
    m[0] = (byte) (id >> 8);
    m[1] = (byte) id;
    m[5] = 1;
    System.arraycopy(n, 0, m, 12, n.length);
    m[12 + n.length + 1] = 1;
    m[12 + n.length + 3] = 1;
    return m;
  }

  /** A header-only message (FORMERR-like): ID and no question. */
  static byte[] headerOnly(int id) {
    byte[] m = new byte[12];
    m[0] = (byte) (id >> 8);
    m[1] = (byte) id;
    m[2] = (byte) 0x80;
    m[3] = 1;
    return m;
  }

  private static byte[] wireName(String name) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      out.write(label.length());
      out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    out.write(0);
    return out.toByteArray();
  }

  private static QueryKey key(int id, String name) {
    return QueryKey.of(query(id, name));
  }

  private final InFlightTable<String> table = new InFlightTable<>(TIMEOUT, 100);

  @Test
  void responseMatchesItsQueryByIdAndQuestion() {
    assertTrue(table.tryAdd(key(7, "a.example"), "a", 0));
    assertTrue(table.tryAdd(key(7, "b.example"), "b", 0));
    assertTrue(table.tryAdd(key(8, "a.example"), "c", 0));
    assertEquals("b", table.complete(key(7, "b.example")).value());
    assertEquals("c", table.complete(key(8, "a.example")).value());
    assertEquals("a", table.complete(key(7, "a.example")).value());
    assertEquals(0, table.size());
  }

  @Test
  void indistinguishableQueryIsRefused() {
    assertTrue(table.tryAdd(key(7, "a.example"), "first", 0));
    assertFalse(table.tryAdd(key(7, "a.example"), "second", 1));
    assertEquals(1, table.size());
    assertEquals("first", table.complete(key(7, "a.example")).value());
    assertTrue(table.tryAdd(key(7, "a.example"), "second", 2));
  }

  @Test
  void questionlessQueryConflictsWithEverySameId() {
    assertTrue(table.tryAdd(key(9, "a.example"), "a", 0));
    assertFalse(table.tryAdd(QueryKey.of(headerOnly(9)), "bare", 0));
    assertTrue(table.tryAdd(QueryKey.of(headerOnly(10)), "bare10", 0));
    assertFalse(table.tryAdd(key(10, "x.example"), "x", 0));
  }

  @Test
  void questionlessResponseMatchesByIdOnlyWhenUnambiguous() {
    table.tryAdd(key(5, "a.example"), "a", 0);
    assertEquals("a", table.complete(QueryKey.of(headerOnly(5))).value());

    table.tryAdd(key(6, "a.example"), "a6", 0);
    table.tryAdd(key(6, "b.example"), "b6", 0);
    assertNull(table.complete(QueryKey.of(headerOnly(6))));
    assertEquals(2, table.size());
  }

  @Test
  void wrongQuestionIsTheAnswerOfTheOnlyQueryWithItsId() {
    table.tryAdd(key(5, "a.example"), "a", 0);
    assertNull(table.complete(key(4, "a.example")), "another ID matches nothing");
    assertEquals("a", table.complete(key(5, "b.example")).value());
    assertEquals(0, table.size());
  }

  @Test
  void wrongQuestionMatchesNothingWhenTwoQueriesShareItsId() {
    table.tryAdd(key(6, "a.example"), "a6", 0);
    table.tryAdd(key(6, "b.example"), "b6", 0);
    assertNull(table.complete(key(6, "c.example")));
    assertEquals(2, table.size());
  }

  @Test
  void aLateAnswerIsNotTakenForTheWrongQuestionOfANewQuery() {
    table.tryAdd(key(7, "a.example"), "old", 0);
    table.expire(TIMEOUT);
    table.tryAdd(key(7, "b.example"), "new", TIMEOUT);
    assertNull(table.complete(key(7, "a.example")));
    assertEquals(InFlightTable.Miss.LATE, table.miss(key(7, "a.example"), TIMEOUT + 1));
    assertEquals(1, table.size());
  }

  @Test
  void expiryIsOldestFirstAtTheDeadline() {
    table.tryAdd(key(1, "a.example"), "a", 0);
    table.tryAdd(key(2, "a.example"), "b", 10);
    table.tryAdd(key(3, "a.example"), "c", 20);
    assertEquals(List.of(), table.expire(TIMEOUT - 1));
    assertEquals(
        List.of("a", "b"),
        table.expire(TIMEOUT + 10).stream().map(InFlightTable.Completed::value).toList());
    assertEquals(1, table.size());
  }

  @Test
  void lateResponseIsRecognisedThenForgotten() {
    table.tryAdd(key(1, "a.example"), "a", 0);
    table.expire(TIMEOUT);
    assertNull(table.complete(key(1, "a.example")));
    assertEquals(InFlightTable.Miss.LATE, table.miss(key(1, "a.example"), TIMEOUT + 1));
    assertEquals(InFlightTable.Miss.UNKNOWN, table.miss(key(2, "a.example"), TIMEOUT + 1));
    assertEquals(InFlightTable.Miss.UNKNOWN, table.miss(key(1, "a.example"), 2 * TIMEOUT + 1));
    assertEquals(InFlightTable.Miss.UNKNOWN, table.miss(null, 0));
  }

  @Test
  void rememberedTimeoutsAreBounded() {
    InFlightTable<Integer> small = new InFlightTable<>(TIMEOUT, 2);
    for (int id = 1; id <= 3; id++) {
      small.tryAdd(key(id, "a.example"), id, 0);
    }
    small.expire(TIMEOUT);
    assertEquals(InFlightTable.Miss.UNKNOWN, small.miss(key(1, "a.example"), TIMEOUT));
    assertEquals(InFlightTable.Miss.LATE, small.miss(key(3, "a.example"), TIMEOUT));
  }

  @Test
  void heldQueriesAreReleasedOneAtATimeInOrder() {
    QueryKey k = key(1, "a.example");
    table.tryAdd(k, "first", 0);
    table.hold(k, "second");
    table.hold(k, "third");
    assertEquals(2, table.heldCount());
    InFlightTable.Completed<String> done = table.complete(k);
    assertEquals("second", table.nextHeld(done.key()));
    assertEquals("third", table.nextHeld(done.key()));
    assertNull(table.nextHeld(done.key()));
    assertEquals(0, table.heldCount());
  }

  @Test
  void removeAllEmptiesTheTableAndFreesIds() {
    table.tryAdd(key(1, "a.example"), "a", 0);
    table.tryAdd(QueryKey.of(headerOnly(2)), "b", 0);
    assertEquals(2, table.removeAll().size());
    assertEquals(0, table.size());
    assertTrue(table.tryAdd(key(2, "a.example"), "again", 0));
  }

  @Test
  void drainTakesInFlightAndHeldQueriesAndLeavesNothing() {
    QueryKey k = key(1, "a.example");
    table.tryAdd(k, "a", 0);
    table.tryAdd(key(2, "a.example"), "b", 1);
    table.hold(k, "held");
    assertEquals(List.of("a", "b", "held"), table.drain());
    assertEquals(0, table.size());
    assertEquals(0, table.heldCount());
    assertNull(table.nextHeld(k));
    assertTrue(table.tryAdd(k, "again", 2));
  }

  @Test
  void deadlinesSurviveNanoTimeWrapAround() {
    long start = Long.MAX_VALUE - 10;
    table.tryAdd(key(1, "a.example"), "a", start);
    assertEquals(List.of(), table.expire(start + 5));
    assertEquals(1, table.expire(start + TIMEOUT).size());
  }
}
