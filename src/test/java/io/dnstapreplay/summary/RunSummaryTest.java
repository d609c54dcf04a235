// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.collector.FileCollector;
import io.dnstapreplay.daemon.FileReplay;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.pairing.PairOutcome;
import io.dnstapreplay.pairing.Unusable;
import io.dnstapreplay.report.RecordFileWriter;
import io.dnstapreplay.tools.MiniJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The verdict from the daemon's counters: each payload in one outcome (the original's counters and
 * the identities between them give the two it has none for), and diff(1)'s exit statuses.
 */
class RunSummaryTest {
  private static final Path ERRORS = Path.of("errors.tap");

  private final Metrics m = new Metrics();

  private RunSummary summary(FileCollector.Result read) {
    return summary(read, null);
  }

  private RunSummary summary(FileCollector.Result read, String ipv6Target) {
    return RunSummary.of(
        m,
        List.of("a.tap"),
        "127.0.0.1:53",
        ipv6Target,
        new FileReplay.Outcome(
            read, new RecordFileWriter.Result(ERRORS, 3, null), null, Duration.ofSeconds(2)));
  }

  private static FileCollector.Result complete(long frames) {
    return new FileCollector.Result(frames, null, false);
  }

  /**
   * 10 matched, 1 equivalent, 2 mismatched, 1 missing field, 3 over TCP, 1 incomplete, 4 not
   * AUTH_RESPONSE.
   */
  private void countAMixedRun() {
    m.queriesSuccess.increment(13);
    m.matched.increment(10);
    m.equivalent.increment(1);
    m.mismatched.increment(2);
    m.discardNonUdp.increment(3);
    m.payloadsSuccess.increment(10 + 1 + 1);
    m.payloadsError.increment(2 + 1 + 3);
    m.errorTxSuccess.increment(3);
    m.dnstapIgnored.increment(4);
    m.responseLatency.record(300, TimeUnit.MICROSECONDS);
  }

  @Test
  void pairingAndUnusableResponsesAreShownWhenThereAreAny() {
    countAMixedRun();
    RunSummary plain = summary(complete(21));
    assertEquals(0L, plain.pairing().get("paired"));
    assertTrue(!SummaryFormat.text(plain).contains("pairing"), SummaryFormat.text(plain));
    m.pairing(PairOutcome.PAIRED);
    m.pairing(PairOutcome.PAIRED);
    m.pairing(PairOutcome.QUERY_WITHOUT_RESPONSE);
    m.unusable(Unusable.NON_UDP);
    RunSummary s = summary(complete(23));
    assertEquals(
        Map.of(
            "paired", 2L,
            "passed_through", 0L,
            "query_without_response", 1L,
            "response_without_query", 0L,
            "evicted", 0L),
        s.pairing());
    String text = SummaryFormat.text(s);
    assertTrue(text.contains("  pairing              paired 2, query_without_response 1\n"), text);
    assertTrue(text.contains("  unusable responses   non_udp 1\n"), text);
    Map<String, Object> json = MiniJson.object(SummaryFormat.json(s));
    assertEquals(2L, ((Map<?, ?>) json.get("pairing")).get("paired"));
    assertEquals(1L, ((Map<?, ?>) json.get("unusable_responses")).get("non_udp"));
    assertEquals(0L, ((Map<?, ?>) json.get("unusable_responses")).get("client_response"));
  }

  @Test
  void responsesThatCouldNotBeReplayedWithNothingReplayedAreTrouble() {
    m.unusable(Unusable.RESPONSE_WITHOUT_QUERY);
    m.unusable(Unusable.CLIENT_RESPONSE);
    m.pairing(PairOutcome.RESPONSE_WITHOUT_QUERY);
    m.payloadsSuccess.increment(3);

    RunSummary s = summary(complete(3));

    assertEquals(RunSummary.TROUBLE, s.exitStatus());
    assertEquals(
        List.of(
            "no query was replayed, but responses these options cannot use arrived"
                + " (client_response 1, response_without_query 2); see the hints above"),
        s.troubles());
  }

  @Test
  void unusableResponsesBesideReplayedOnesAreNotTrouble() {
    countAMixedRun();
    m.unusable(Unusable.NON_UDP);

    assertEquals(RunSummary.DIFFERENT, summary(complete(21)).exitStatus());
  }

  @Test
  void everyPayloadIsInOneOutcome() {
    countAMixedRun();
    RunSummary s = summary(complete(21));
    assertEquals(
        Map.of(
            "matched", 10L,
            "mismatched", 2L,
            "udp_tc_ignored", 0L,
            "equivalent", 1L,
            "timeout", 0L,
            "error", 0L,
            "missing_field", 1L,
            "discard_non_udp", 3L,
            "query_net_ignored", 0L,
            "incomplete", 1L),
        s.outcomes());
    assertEquals(18, s.payloads());
    assertEquals(4, s.notReplayed());
    assertEquals(13, s.queries());
    assertEquals(3, s.failures());
    assertEquals(6, s.rate(12), 1e-9);
  }

  @Test
  void exitStatusIsDiffs() {
    m.matched.increment();
    m.payloadsSuccess.increment();
    assertEquals(RunSummary.SAME, summary(complete(1)).exitStatus());
    m.queriesTimeout.increment();
    m.payloadsError.increment();
    assertEquals(RunSummary.DIFFERENT, summary(complete(2)).exitStatus());
    RunSummary damaged =
        summary(new FileCollector.Result(2, "a.tap: frame at byte offset 9: ...", false));
    assertEquals(RunSummary.TROUBLE, damaged.exitStatus());
    assertEquals(List.of("a.tap: frame at byte offset 9: ..."), damaged.troubles());
  }

  @Test
  void anInterruptedRunOrAnUnreachableTargetIsTrouble() {
    RunSummary stopped = summary(new FileCollector.Result(5, null, true));
    assertEquals(RunSummary.TROUBLE, stopped.exitStatus());
    assertTrue(stopped.troubles().get(0).startsWith("interrupted"), stopped.troubles().toString());
    m.queriesError.increment();
    m.payloadsError.increment();
    RunSummary unreachable = summary(complete(1));
    assertEquals(RunSummary.TROUBLE, unreachable.exitStatus());
    assertEquals(1, unreachable.outcomes().get("error"));
  }

  @Test
  void recordsThatDidNotFitTheBufferAreTrouble() {
    m.mismatched.increment(2);
    m.payloadsError.increment(2);
    m.errorTxError.increment();
    RunSummary s = summary(complete(2));
    assertEquals(RunSummary.TROUBLE, s.exitStatus());
    assertEquals(
        List.of("1 records did not fit in the buffer and are not in errors.tap"), s.troubles());
  }

  @Test
  void theTextHasTheTableTheFilesAndTheVerdict() {
    countAMixedRun();
    String text = SummaryFormat.text(summary(complete(21)));
    assertTrue(text.startsWith("Replayed 21 frames of a.tap to 127.0.0.1:53 in 2.00 s"), text);
    assertTrue(text.contains("  mismatched                    2\n"), text);
    assertTrue(text.contains("  total                        18\n"), text);
    assertTrue(text.contains("  written  errors.tap: 3 records\n"), text);
    assertTrue(text.contains("  latency  mean 300 µs, p50 "), text);
    assertTrue(text.endsWith("different: 2 mismatched, 1 missing_field (exit status 1)\n"), text);
  }

  @Test
  void theJsonHasTheSameFacts() {
    countAMixedRun();
    Map<String, Object> json = MiniJson.object(SummaryFormat.json(summary(complete(21))));
    assertEquals(List.of("a.tap"), json.get("inputs"));
    assertEquals(21L, json.get("frames"));
    assertEquals(18L, json.get("payloads"));
    assertEquals(2L, ((Map<?, ?>) json.get("outcomes")).get("mismatched"));
    assertEquals(2.0, json.get("seconds"));
    assertEquals(6.5, ((Map<?, ?>) json.get("rates")).get("queries_per_second"));
    assertEquals(3e-4, (Double) ((Map<?, ?>) json.get("latency_seconds")).get("mean"), 1e-12);
    assertEquals(List.of(Map.of("file", "errors.tap", "records", 3L)), json.get("outputs"));
    assertEquals("different", json.get("verdict"));
    assertEquals(1L, json.get("exit_status"));
  }

  @Test
  void aTargetPerFamilyIsNamedInTextAndJson() {
    RunSummary one = summary(complete(0));
    RunSummary two = summary(complete(0), "[::1]:53");
    assertTrue(
        SummaryFormat.text(two)
            .startsWith("Replayed 0 frames of a.tap to 127.0.0.1:53 and" + " IPv6 to [::1]:53 in "),
        SummaryFormat.text(two));
    Map<String, Object> json = MiniJson.object(SummaryFormat.json(two));
    assertEquals("127.0.0.1:53", json.get("target"));
    assertEquals("[::1]:53", json.get("ipv6_target"));
    json = MiniJson.object(SummaryFormat.json(one));
    assertEquals("127.0.0.1:53", json.get("target"));
    assertTrue(json.containsKey("ipv6_target"));
    assertNull(json.get("ipv6_target"));
  }

  @Test
  void aRunWithoutResponsesHasNoLatencyInJson() {
    Map<String, Object> json = MiniJson.object(SummaryFormat.json(summary(complete(0))));
    Map<?, ?> latency = (Map<?, ?>) json.get("latency_seconds");
    assertTrue(latency.containsKey("p99"));
    assertNull(latency.get("p99"));
    assertEquals("same", json.get("verdict"));
  }
}
