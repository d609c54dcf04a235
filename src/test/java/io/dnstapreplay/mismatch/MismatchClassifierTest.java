// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.mismatch;

import static io.dnstapreplay.mismatch.MismatchClass.ADDITIONAL;
import static io.dnstapreplay.mismatch.MismatchClass.ANSWER;
import static io.dnstapreplay.mismatch.MismatchClass.AUTHORITY;
import static io.dnstapreplay.mismatch.MismatchClass.COMPRESSION;
import static io.dnstapreplay.mismatch.MismatchClass.EDNS;
import static io.dnstapreplay.mismatch.MismatchClass.FLAGS;
import static io.dnstapreplay.mismatch.MismatchClass.MALFORMED;
import static io.dnstapreplay.mismatch.MismatchClass.OPCODE;
import static io.dnstapreplay.mismatch.MismatchClass.ORDER;
import static io.dnstapreplay.mismatch.MismatchClass.QUESTION;
import static io.dnstapreplay.mismatch.MismatchClass.RCODE;
import static io.dnstapreplay.mismatch.MismatchClass.TRUNCATED;
import static io.dnstapreplay.mismatch.MismatchClass.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.TestMessage;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MismatchClassifierTest {
  private static final byte[] LOGGED = TestMessage.www().wire();

  /** The classes of the www response against itself changed by {@code change}. */
  private static Mismatch changed(Consumer<TestMessage> change) {
    TestMessage m = TestMessage.www();
    change.accept(m);
    byte[] received = m.wire();
    assertFalse(Arrays.equals(LOGGED, received), "the change must change the bytes");
    return MismatchClassifier.classify(LOGGED, received);
  }

  private static void assertClasses(Mismatch m, MismatchClass... expected) {
    Set<MismatchClass> want = EnumSet.noneOf(MismatchClass.class);
    want.addAll(List.of(expected));
    assertEquals(want, m.classes(), m.differences().toString());
  }

  @Test
  void equalBytesHaveNoDifference() {
    assertTrue(MismatchClassifier.classify(LOGGED, LOGGED.clone()).differences().isEmpty());
  }

  @Test
  void rcode() {
    Mismatch m = changed(x -> x.flags |= 3);
    assertClasses(m, RCODE);
    assertEquals("rcode: rcode NOERROR -> NXDOMAIN", m.differences().get(0).toString());
  }

  @Test
  void extendedRcodeIsRcode() {
    assertClasses(changed(x -> x.opt[1] = 1), RCODE);
  }

  @Test
  void opcode() {
    assertClasses(changed(x -> x.flags |= 4 << 11), OPCODE);
  }

  @Test
  void flagsNameTheFlag() {
    Mismatch m = changed(x -> x.flags &= ~0x0400);
    assertClasses(m, FLAGS);
    assertEquals("flags: aa set -> clear", m.differences().get(0).toString());
    assertClasses(changed(x -> x.flags |= 0x0020), FLAGS);
  }

  @Test
  void truncatedIsNotFlags() {
    Mismatch m = changed(x -> x.flags |= 0x0200);
    assertClasses(m, TRUNCATED);
    assertEquals("truncated: tc clear -> set", m.differences().get(0).toString());
  }

  @Test
  void truncatedWithoutItsAnswer() {
    assertClasses(
        changed(
            x -> {
              x.flags |= 0x0200;
              x.answer.clear();
              x.authority.clear();
            }),
        TRUNCATED,
        ANSWER,
        AUTHORITY);
  }

  @Test
  void question() {
    assertClasses(changed(x -> x.qtype = 28), QUESTION);
    assertClasses(changed(x -> x.id = 1), QUESTION);
  }

  @Test
  void answerChangedAddedRemoved() {
    Mismatch m =
        changed(x -> x.answer.set(0, TestMessage.a("www.example.test", 3600, 192, 0, 2, 82)));
    assertClasses(m, ANSWER);
    assertEquals(
        "answer: changed www.example.test. IN A [192.0.2.81] -> [192.0.2.82]",
        m.differences().get(0).toString());
    assertClasses(
        changed(x -> x.answer.add(TestMessage.a("www.example.test", 3600, 192, 0, 2, 83))), ANSWER);
    Mismatch removed = changed(x -> x.answer.clear());
    assertClasses(removed, ANSWER);
    assertTrue(removed.differences().get(0).detail().startsWith("removed www.example.test. IN A"));
  }

  @Test
  void authorityAndAdditional() {
    assertClasses(
        changed(x -> x.authority.set(0, TestMessage.ns("example.test", 3600, "ns2.example.test"))),
        AUTHORITY);
    assertClasses(
        changed(x -> x.additional.add(TestMessage.a("ns1.example.test", 3600, 192, 0, 2, 53))),
        ADDITIONAL);
  }

  @Test
  void ttlOnly() {
    Mismatch m =
        changed(x -> x.answer.set(0, TestMessage.a("www.example.test", 300, 192, 0, 2, 81)));
    assertClasses(m, TTL);
    assertEquals(
        "ttl: answer www.example.test. IN A [3600] -> [300]", m.differences().get(0).toString());
  }

  @Test
  void orderOnly() {
    TestMessage two = TestMessage.www();
    two.answer.add(TestMessage.a("www.example.test", 3600, 192, 0, 2, 82));
    TestMessage swapped = TestMessage.www();
    swapped.answer.add(0, TestMessage.a("www.example.test", 3600, 192, 0, 2, 82));
    assertClasses(MismatchClassifier.classify(two.wire(), swapped.wire()), ORDER);
  }

  @Test
  void orderIsNotReportedBesideChangedContent() {
    TestMessage two = TestMessage.www();
    two.answer.add(TestMessage.a("www.example.test", 3600, 192, 0, 2, 82));
    TestMessage other = TestMessage.www();
    other.answer.add(0, TestMessage.a("www.example.test", 3600, 192, 0, 2, 83));
    assertClasses(MismatchClassifier.classify(two.wire(), other.wire()), ANSWER);
  }

  @Test
  void edns() {
    assertClasses(changed(x -> x.opt = null), EDNS);
    assertClasses(changed(x -> x.opt[0] = 4096), EDNS);
    assertClasses(changed(x -> x.opt[2] = 1), EDNS);
    Mismatch noDo = changed(x -> x.opt[3] = 0);
    assertClasses(noDo, EDNS);
    assertEquals(
        List.of("edns: do true -> false"),
        noDo.differences().stream().map(Object::toString).toList());
    assertClasses(changed(x -> x.opt[4] = new byte[] {0, 3, 0, 2, 'n', 's'}), EDNS);
  }

  @Test
  void compressionOnly() {
    Mismatch m = changed(x -> x.compress = false);
    assertClasses(m, COMPRESSION);
    assertTrue(m.differences().get(0).detail().startsWith("equal when parsed"));
  }

  @Test
  void aResponseThatDoesNotParseIsMalformed() {
    byte[] cut = Arrays.copyOf(LOGGED, LOGGED.length - 5);
    Mismatch m = MismatchClassifier.classify(LOGGED, cut);
    assertClasses(m, MALFORMED);
    assertTrue(m.differences().get(0).detail().startsWith("received response does not parse"));
    assertClasses(MismatchClassifier.classify(new byte[3], LOGGED), MALFORMED);
    assertEquals(2, MismatchClassifier.classify(new byte[3], new byte[4]).differences().size());
  }

  @Test
  void severalClassesAtOnce() {
    assertClasses(
        changed(
            x -> {
              x.flags = x.flags & ~0x0400 | 2;
              x.answer.set(0, TestMessage.a("www.example.test", 60, 192, 0, 2, 81));
              x.authority.clear();
              x.opt = null;
            }),
        RCODE,
        FLAGS,
        TTL,
        AUTHORITY,
        EDNS);
  }

  @Test
  void equivalenceNeedsEveryClassListed() {
    Mismatch ttlAndOrder =
        MismatchClassifier.classify(
            twoAnswers(3600, 81, 82).wire(), twoAnswers(300, 82, 81).wire());
    assertClasses(ttlAndOrder, TTL, ORDER);
    assertTrue(ttlAndOrder.onlyIn(EnumSet.of(TTL, ORDER, COMPRESSION)));
    assertFalse(ttlAndOrder.onlyIn(EnumSet.of(TTL)));
    assertFalse(
        MismatchClassifier.classify(LOGGED, LOGGED).onlyIn(EnumSet.allOf(MismatchClass.class)));
  }

  private static TestMessage twoAnswers(long ttl, int first, int second) {
    TestMessage m = TestMessage.www();
    m.answer.clear();
    m.answer.add(TestMessage.a("www.example.test", ttl, 192, 0, 2, first));
    m.answer.add(TestMessage.a("www.example.test", ttl, 192, 0, 2, second));
    return m;
  }

  @Test
  void parseListTakesLabelsAndRejectsOthers() {
    assertEquals(EnumSet.of(TTL, ORDER), MismatchClass.parseList("ttl, order"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MismatchClass.parseList("ttl,size"));
    assertTrue(e.getMessage().startsWith("unknown mismatch class 'size' (known: rcode, opcode"));
  }
}
