// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender far faster than a slow target, with tiny capacities: reading pauses instead of memory
 * growing, queries in flight never exceed {@code --max-in-flight}, the failure buffers stay at
 * their capacity and count what they drop, and every payload still gets its outcome.
 */
class OverloadTest {
  private static final int QUEUE = 16;
  private static final int MAX_IN_FLIGHT = 8;
  private static final int BUFFER = 10;
  private static final int COPIES = 5;

  @TempDir Path dir;

  /** Samples gauges while the load runs and keeps the highest value of each. */
  private static final class GaugeSampler implements AutoCloseable {
    private final DaemonRunner daemon;
    private final List<String> series;
    private final Map<String, Double> max = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    GaugeSampler(DaemonRunner daemon, String... series) {
      this.daemon = daemon;
      this.series = List.of(series);
      this.thread = new Thread(this::sample, "gauge-sampler");
      thread.start();
    }

    private void sample() {
      while (running.get()) {
        Scrape s = daemon.scrape();
        for (String name : series) {
          max.merge(name, s.result(name, null), Math::max);
        }
        Thread.onSpinWait();
      }
    }

    double max(String name) {
      return max.getOrDefault(name, -1.0);
    }

    @Override
    public void close() {
      stop();
    }

    /** Stops sampling and waits for the last sample. */
    void stop() {
      running.set(false);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<byte[]> copies(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.addAll(KnotCapture.frames());
    }
    return out;
  }

  @Test
  void slowMismatchingTargetPausesTheSenderAndBoundsEverything() throws Exception {
    Map<String, byte[]> logged = KnotCapture.responses();
    UdpResponder.Policy slowAndWrong =
        (q, reply) -> {
          byte[] r = logged.get(KnotCapture.key(q.client(), q.message()));
          reply.sendAfter(UdpResponder.mismatching(r), 5);
        };
    List<byte[]> frames = copies(COPIES);
    int udp = COPIES * KnotCapture.UDP;
    try (DaemonRunner daemon =
        DaemonRunner.start(
            dir,
            slowAndWrong,
            s -> {
              s.proxy = true;
              s.channelCapacity = QUEUE;
              s.maxInFlight = MAX_IN_FLIGHT;
              s.numSockets = 2;
              s.errorCapacity = BUFFER;
              s.timeout = Duration.ofSeconds(2);
            })) {
      Scrape m;
      try (GaugeSampler g =
          new GaugeSampler(
              daemon,
              "dnstap_replay_queue_paused_connections",
              "dnstap_replay_queue_depth",
              Accounting.IN_FLIGHT,
              "dnstap_replay_errors_buffered")) {
        m = daemon.replay(frames, frames.size());
        g.stop();
        assertEquals(1, g.max("dnstap_replay_queue_paused_connections"), "reading paused");
        assertTrue(g.max("dnstap_replay_queue_depth") <= QUEUE);
        assertTrue(g.max(Accounting.IN_FLIGHT) <= MAX_IN_FLIGHT);
        assertTrue(g.max("dnstap_replay_errors_buffered") <= BUFFER);
      }
      assertTrue(
          daemon.target().maxOutstanding() <= MAX_IN_FLIGHT,
          "the target saw " + daemon.target().maxOutstanding() + " queries at once");
      assertEquals(0, m.result("dnstap_replay_queue_paused_connections", null));
      Accounting.assertQueriesBalance(m, udp);
      assertEquals(udp, m.result(COMPARISONS, "mismatched"));
      assertEquals(BUFFER, m.result("dnstap_replay_channel_error_tx_total", "success"));
      assertEquals(udp - BUFFER, m.result("dnstap_replay_channel_error_tx_total", "error"));
      assertEquals(BUFFER, daemon.drain("/errors").size());
    }
  }

  @Test
  void timeoutsBeyondTheBufferAreCountedAsDropped() throws Exception {
    try (DaemonRunner daemon =
        DaemonRunner.start(
            dir,
            UdpResponder.silent(),
            s -> {
              s.timeout = Duration.ofMillis(100);
              s.maxInFlight = 64;
              s.timeoutCapacity = BUFFER;
            })) {
      Scrape m = daemon.replay(KnotCapture.frames(), KnotCapture.FRAMES);
      Accounting.assertQueriesBalance(m, KnotCapture.UDP);
      assertEquals(KnotCapture.UDP, m.result(QUERIES, "timeout"));
      assertEquals(BUFFER, m.result("dnstap_replay_channel_timeout_tx_total", "success"));
      assertEquals(
          KnotCapture.UDP - BUFFER, m.result("dnstap_replay_channel_timeout_tx_total", "error"));
      assertEquals(BUFFER, daemon.drain("/timeouts").size());
      assertEquals(
          BUFFER, daemon.scrape().result("dnstap_replay_channel_timeout_rx_total", "success"));
    }
  }

  /**
   * Mismatches whose records each hold a 60 KB response fill the byte bound long before the record
   * bound; the rest are dropped and counted as for a full buffer.
   */
  @Test
  void largeRecordsStopAtTheByteBound() throws Exception {
    int padding = 60_000;
    int fit = 5;
    try (DaemonRunner daemon =
        DaemonRunner.start(
            dir,
            UdpResponder.echo(padding),
            s -> {
              s.errorBytes = (long) fit * (padding + 2_000);
              s.errorCapacity = 100_000;
              // 16 responses of 60 KB fit the socket's receive buffer whatever the machine's
              // load: none is dropped and becomes a timeout instead of a mismatch
              s.fixedWindow = true;
              s.maxInFlight = 16;
            })) {
      Scrape m = daemon.replay(KnotCapture.frames(), KnotCapture.FRAMES);
      Accounting.assertQueriesBalance(m, KnotCapture.UDP);
      assertEquals(KnotCapture.UDP, m.result(COMPARISONS, "mismatched"));
      assertEquals(fit, m.result("dnstap_replay_channel_error_tx_total", "success"));
      assertEquals(
          KnotCapture.UDP - fit, m.result("dnstap_replay_channel_error_tx_total", "error"));
      assertEquals(
          fit * (padding + 2_000), m.result("dnstap_replay_errors_buffer_max_bytes", null));
      double bytes = m.result("dnstap_replay_errors_buffered_bytes", null);
      assertTrue(bytes > fit * padding && bytes <= fit * (padding + 2_000), bytes + " bytes");
      assertEquals(fit, daemon.drain("/errors").size());
      assertEquals(0, daemon.scrape().result("dnstap_replay_errors_buffered_bytes", null));
    }
  }
}
