// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import static io.dnstapreplay.pairing.PairingMessages.knot;
import static io.dnstapreplay.pairing.PairingMessages.query;
import static io.dnstapreplay.pairing.PairingMessages.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.testing.RecordingLogger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntakeTest {
  private final Map<PairOutcome, Long> pairing = new EnumMap<>(PairOutcome.class);
  private final Map<Unusable, Long> unusable = new EnumMap<>(Unusable.class);
  private final List<Integer> pending = new ArrayList<>();
  private final List<Long> pendingBytes = new ArrayList<>();
  private int oversized;
  private final RecordingLogger log = new RecordingLogger();

  private final Intake.Counters counters =
      new Intake.Counters() {
        @Override
        public void pairing(PairOutcome outcome) {
          pairing.merge(outcome, 1L, Long::sum);
        }

        @Override
        public void unusable(Unusable reason) {
          unusable.merge(reason, 1L, Long::sum);
        }

        @Override
        public void pendingQueries(int n, long bytes) {
          pending.add(n);
          pendingBytes.add(bytes);
        }

        @Override
        public void oversizedQuery() {
          oversized++;
        }
      };

  private Intake intake(boolean pair) {
    return new Intake(
        pair ? new PairingConfig(Duration.ofSeconds(2), 2, 1 << 20) : null, counters, log);
  }

  private static Dnstap overTcp(Dnstap d) {
    return PairingMessages.wrap(d.getMessage().toBuilder().setSocketProtocol(SocketProtocol.TCP));
  }

  private static Dnstap clientResponse(int id) {
    return response(Message.Type.CLIENT_RESPONSE, 5300, id, "www.example.test", 1000);
  }

  /** What {@code intake} passes on for {@code d}, as a message, or null. */
  private static Dnstap accept(Intake intake, Dnstap d) {
    Payload out = intake.accept(Payload.of(d));
    return out == null ? null : out.dnstap();
  }

  /** The lines logged that contain {@code text}. */
  private long logged(String text) {
    return log.lines().stream().filter(l -> l.contains(text)).count();
  }

  @Test
  void withoutPairEveryMessagePassesAsItIs() {
    Intake intake = intake(false);
    for (Dnstap d : List.of(query(5300, 1, 1000), response(5300, 1, 1001), knot(5300, 2, 1002))) {
      Payload p = Payload.of(d);
      assertSame(p, intake.accept(p));
    }
    intake.finish();
    assertTrue(pairing.isEmpty());
    assertTrue(pending.isEmpty());
  }

  @Test
  void responsesWithoutQueryAreCountedAndHintedOnceWithoutPair() {
    Intake intake = intake(false);
    for (int id = 1; id <= 5; id++) {
      accept(intake, response(5300, id, 1000));
    }
    accept(intake, knot(5300, 9, 1000));
    assertEquals(Map.of(Unusable.RESPONSE_WITHOUT_QUERY, 5L), unusable);
    assertEquals(1, logged("run with --pair"));
    assertEquals(1, logged("responses-with-queries: on"));
    assertEquals(1, log.lines().size(), log.lines().toString());
    assertTrue(log.lines().get(0).startsWith("WARN "));
  }

  @Test
  void clientResponsesAreUnusableOnlyWithoutPair() {
    Intake intake = intake(false);
    for (int id = 1; id <= 3; id++) {
      accept(intake, clientResponse(id));
    }
    // over TCP too: the type comes first, once
    accept(intake, overTcp(clientResponse(4)));
    assertEquals(Map.of(Unusable.CLIENT_RESPONSE, 4L), unusable);
    assertEquals(1, logged("CLIENT_RESPONSE messages are not replayed without --pair"));

    unusable.clear();
    Intake paired = intake(true);
    accept(paired, query(Message.Type.CLIENT_QUERY, 5300, 1, "www.example.test", 1000));
    Message replayed = accept(paired, clientResponse(1)).getMessage();
    assertEquals(Message.Type.CLIENT_RESPONSE, replayed.getType());
    assertTrue(replayed.hasQueryMessage());
    assertTrue(unusable.isEmpty());
    assertEquals(Map.of(PairOutcome.PAIRED, 1L), pairing);
  }

  @Test
  void onlyTcpIsHintedAfterAHundredOrAtTheEnd() {
    Intake intake = intake(false);
    for (int id = 1; id < Guardrails.ONLY_NON_UDP_AFTER; id++) {
      accept(intake, overTcp(knot(5300, id, 1000)));
    }
    assertEquals(0, logged("none over UDP"));
    accept(intake, overTcp(knot(5300, 0, 1000)));
    assertEquals(1, logged("100 responses over TCP (or another transport) and none over UDP"));
    accept(intake, overTcp(knot(5300, 0, 1000)));
    intake.finish();
    assertEquals(1, logged("none over UDP"));
    assertEquals(Map.of(Unusable.NON_UDP, 101L), unusable);

    RecordingLogger shortLog = new RecordingLogger();
    Intake short_ = new Intake(null, counters, shortLog);
    accept(short_, overTcp(knot(5300, 1, 1000)));
    accept(short_, overTcp(knot(5300, 2, 1000)));
    assertTrue(shortLog.lines().isEmpty());
    short_.finish();
    assertEquals(
        List.of(
            "WARN 2 responses over TCP (or another transport) and none over UDP:"
                + " only UDP queries are replayed; send the queries to the source server over UDP"),
        shortLog.lines());
  }

  @Test
  void tcpBesideUdpIsCountedButNotHinted() {
    Intake intake = intake(false);
    accept(intake, knot(5300, 1, 1000));
    for (int id = 0; id < 2 * Guardrails.ONLY_NON_UDP_AFTER; id++) {
      accept(intake, overTcp(knot(5300, id, 1000)));
    }
    intake.finish();
    assertEquals(Map.of(Unusable.NON_UDP, 200L), unusable);
    assertTrue(log.lines().isEmpty(), log.lines().toString());
  }

  @Test
  void pairingOutcomesAreCountedAndTheFirstFailuresHinted() {
    Intake intake = intake(true);
    assertNull(accept(intake, query(5300, 1, 1000)));
    assertNull(accept(intake, query(5300, 2, 1000)));
    assertNull(accept(intake, query(5300, 3, 1000))); // max pending 2: the first goes
    assertNull(accept(intake, query(5300, 4, 1000)));
    accept(intake, response(5300, 3, 1001));
    accept(intake, response(5300, 1, 1001));
    accept(intake, response(5300, 7, 1001));
    accept(intake, knot(5300, 8, 1001));
    intake.finish();
    assertEquals(
        Map.of(
            PairOutcome.EVICTED, 2L,
            PairOutcome.PAIRED, 1L,
            PairOutcome.RESPONSE_WITHOUT_QUERY, 2L,
            PairOutcome.PASSED_THROUGH, 1L,
            PairOutcome.QUERY_WITHOUT_RESPONSE, 1L),
        pairing);
    assertEquals(List.of(1, 2, 1, 0), pending);
    long weight = pendingBytes.get(0);
    assertEquals(List.of(weight, 2 * weight, weight, 0L), pendingBytes);
    assertEquals(1, logged("pushed out by --pair-max-pending or --pair-max-pending-bytes"));
    assertEquals(1, logged("a response without a query waiting for it"));
    assertEquals(1, logged("a query without its response within --pair-window"));
    assertEquals(3, log.lines().size());
    assertTrue(unusable.isEmpty(), "responses without query are pairing's to count with --pair");
  }

  @Test
  void aQueryHeavierThanTheByteBoundIsCountedAsOversizedAndWaitsAlone() {
    Intake intake =
        new Intake(
            new PairingConfig(Duration.ofSeconds(2), 100, Pairer.PENDING_OVERHEAD), counters, log);
    assertNull(accept(intake, query(5300, 1, 1000)));
    assertNull(accept(intake, query(5300, 2, 1000)));
    assertEquals(2, oversized);
    assertEquals(Map.of(PairOutcome.EVICTED, 1L), pairing);
    // one query of the same weight for another: nothing to report
    assertEquals(List.of(1), pending);
    assertTrue(pendingBytes.get(0) > Pairer.PENDING_OVERHEAD);
    assertTrue(accept(intake, response(5300, 2, 1001)).getMessage().hasQueryMessage());
    assertEquals(List.of(1, 0), pending);
    assertEquals(List.of(pendingBytes.get(0), 0L), pendingBytes);
  }
}
