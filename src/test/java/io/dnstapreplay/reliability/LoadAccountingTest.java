// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounting check of {@code scripts/load-test}, at a size that suits the test suite: a
 * synthetic capture (see {@link CaptureGenerator}) against a target that answers half of the
 * queries as logged, mismatches 45% and drops the rest, with an error buffer much smaller than the
 * failures. Every payload ends in exactly one outcome and the buffer stops at its capacity.
 */
class LoadAccountingTest {
  private static final int PAYLOADS = 20_000;
  private static final int ERROR_CAPACITY = 1_000;
  private static final int MATCHED_TWENTIETHS = 10;
  private static final int MISMATCHED_TWENTIETHS = 9;

  /**
   * Low enough, with the 2 s timeout, that this test's single-threaded target answers each burst in
   * time even on a busy machine; the daemon's own limits are exercised by OverloadTest.
   */
  private static final int MAX_IN_FLIGHT = 1_000;

  @TempDir Path dir;

  @Test
  void everyPayloadIsAccountedAndTheErrorBufferStopsAtCapacity() throws Exception {
    List<byte[]> frames = new ArrayList<>(PAYLOADS);
    for (int i = 0; i < PAYLOADS; i++) {
      frames.add(CaptureGenerator.payload(i));
    }
    UdpResponder.Policy mixed =
        (q, reply) -> {
          int n = CaptureGenerator.payloadNumber(q.message());
          byte[] logged = CaptureGenerator.loggedResponse(n);
          if (n % 20 < MATCHED_TWENTIETHS) {
            reply.send(logged);
          } else if (n % 20 < MATCHED_TWENTIETHS + MISMATCHED_TWENTIETHS) {
            reply.send(UdpResponder.mismatching(logged));
          }
        };
    try (DaemonRunner daemon =
        DaemonRunner.start(
            dir,
            mixed,
            s -> {
              s.errorCapacity = ERROR_CAPACITY;
              s.maxInFlight = MAX_IN_FLIGHT;
              s.timeout = Duration.ofSeconds(2);
            })) {
      Scrape m = daemon.replay(frames, PAYLOADS);
      Accounting.assertQueriesBalance(m, PAYLOADS);
      int matched = PAYLOADS / 20 * MATCHED_TWENTIETHS;
      int mismatched = PAYLOADS / 20 * MISMATCHED_TWENTIETHS;
      assertEquals(matched, m.result(COMPARISONS, "matched"), m.toString());
      assertEquals(mismatched, m.result(COMPARISONS, "mismatched"));
      assertEquals(PAYLOADS - matched - mismatched, m.result(QUERIES, "timeout"));
      assertEquals(ERROR_CAPACITY, m.result("dnstap_replay_channel_error_tx_total", "success"));
      assertEquals(
          mismatched - ERROR_CAPACITY, m.result("dnstap_replay_channel_error_tx_total", "error"));
      assertEquals(ERROR_CAPACITY, m.result("dnstap_replay_errors_buffered", null));
      assertEquals(ERROR_CAPACITY, daemon.drain("/errors").size());
    }
  }
}
