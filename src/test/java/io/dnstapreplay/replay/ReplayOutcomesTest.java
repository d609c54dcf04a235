// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.TestMessage;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mismatch classes and {@code --equivalent} in the accounting of each response. */
class ReplayOutcomesTest {
  private static final String CLASSES = "dnstap_replay_dns_mismatch_classes_total";
  private static final String COMPARISONS = "dnstap_replay_dns_comparisons_total";
  private static final String PAYLOADS = "dnstap_replay_dnstap_payloads_total";
  private static final byte[] QUERY = TestMessage.name("www.example.test");

  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(10);

  private ReplayOutcomes outcomes(Set<MismatchClass> equivalent) {
    return new ReplayOutcomes(
        metrics,
        new MatchSwitch(metrics::setMatchStatus),
        false,
        equivalent,
        errors::offer,
        new RecordBuffer(10)::offer,
        metrics.targetQueries(List.of(new InetSocketAddress("192.0.2.53", 53))));
  }

  private static byte[] withTtl(long ttl) {
    TestMessage m = TestMessage.www();
    m.answer.set(0, TestMessage.a("www.example.test", ttl, 192, 0, 2, 81));
    return m.wire();
  }

  private double classCount(MismatchClass c) {
    Scrape s = new Scrape(metrics.scrape());
    return s.value(CLASSES + "{class=\"" + c.label() + "\"}");
  }

  @Test
  void everyClassAndEquivalentAreScrapedAtZero() {
    outcomes(Set.of());
    for (MismatchClass c : MismatchClass.values()) {
      assertEquals(0, classCount(c), c.label());
    }
    assertEquals(0, new Scrape(metrics.scrape()).result(COMPARISONS, "equivalent"));
  }

  @Test
  void aMismatchCountsEachOfItsClassesAndKeepsTheOriginalRecordBytes() throws Exception {
    ReplayQuery q = ReplaySocketHandlerTest.replayQuery(QUERY, withTtl(3600));
    TestMessage other = TestMessage.www();
    other.answer.set(0, TestMessage.a("www.example.test", 60, 192, 0, 2, 81));
    other.flags |= 0x0200;
    byte[] received = other.wire();
    outcomes(Set.of()).response(q, received, 1);
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(1, s.result(COMPARISONS, "mismatched"));
    assertEquals(1, s.result(PAYLOADS, "error"));
    assertEquals(1, classCount(MismatchClass.TTL));
    assertEquals(1, classCount(MismatchClass.TRUNCATED));
    assertEquals(0, classCount(MismatchClass.ANSWER));
    byte[] extra = Dnstap.parseFrom(errors.take(1).get(0)).getExtra().toByteArray();
    assertArrayEquals(FailureRecord.encode(FailureRecord.Kind.MISMATCH, received), extra);
  }

  @Test
  void aPairDifferingOnlyInEquivalentClassesIsEquivalentAndKeepsNoRecord() {
    ReplayQuery q = ReplaySocketHandlerTest.replayQuery(QUERY, withTtl(3600));
    outcomes(EnumSet.of(MismatchClass.TTL, MismatchClass.ORDER)).response(q, withTtl(300), 1);
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(1, s.result(COMPARISONS, "equivalent"));
    assertEquals(0, s.result(COMPARISONS, "mismatched"));
    assertEquals(1, s.result(PAYLOADS, "success"));
    assertEquals(1, classCount(MismatchClass.TTL));
    assertEquals(0, errors.size());
  }

  @Test
  void oneClassOutsideTheEquivalentOnesKeepsItAMismatch() {
    ReplayQuery q = ReplaySocketHandlerTest.replayQuery(QUERY, withTtl(3600));
    TestMessage other = TestMessage.www();
    other.answer.set(0, TestMessage.a("www.example.test", 300, 192, 0, 2, 82));
    outcomes(EnumSet.of(MismatchClass.TTL)).response(q, other.wire(), 1);
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(0, s.result(COMPARISONS, "equivalent"));
    assertEquals(1, s.result(COMPARISONS, "mismatched"));
    assertEquals(1, errors.size());
  }

  @Test
  void equalResponsesAreNotClassified() {
    ReplayQuery q = ReplaySocketHandlerTest.replayQuery(QUERY, withTtl(3600));
    outcomes(EnumSet.allOf(MismatchClass.class)).response(q, withTtl(3600), 1);
    Scrape s = new Scrape(metrics.scrape());
    assertEquals(1, s.result(COMPARISONS, "matched"));
    for (MismatchClass c : MismatchClass.values()) {
      assertEquals(0, classCount(c), c.label());
    }
  }
}
