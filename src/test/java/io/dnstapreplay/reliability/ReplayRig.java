// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.metrics.Metrics.ConnectionError;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * ReplayRig is the real daemon, in the test JVM, replaying to an {@link UdpResponder}, with the
 * checks every reliability test makes: has every payload been accounted for, and exactly once.
 */
final class ReplayRig implements AutoCloseable {
  static final String PAYLOADS = "dnstap_replay_dnstap_payloads_total";
  static final String QUERIES = "dnstap_replay_dns_queries_total";
  static final String COMPARISONS = "dnstap_replay_dns_comparisons_total";
  static final String IN_FLIGHT = "dnstap_replay_dns_queries_in_flight";
  static final Duration SETTLE = Duration.ofSeconds(20);

  /** Short, so that tests with timeouts are quick. */
  static final Duration TIMEOUT = Duration.ofMillis(300);

  final UdpResponder target;
  final DaemonRunner daemon;

  private ReplayRig(UdpResponder target, DaemonRunner daemon) {
    this.target = target;
    this.daemon = daemon;
  }

  /**
   * The source's twin as target, replayed to with {@code --proxy} (so that every answer matches,
   * see {@link KnotCapture#responses}), a short timeout, otherwise the CLI's defaults.
   */
  static ReplayRig start(Path dir) throws IOException {
    return start(dir, UdpResponder.logged(KnotCapture.responses()), s -> s.proxy = true);
  }

  static ReplayRig start(Path dir, UdpResponder.Policy policy, Consumer<DaemonRunner.Settings> c)
      throws IOException {
    UdpResponder target = UdpResponder.start(policy);
    try {
      DaemonRunner.Settings s = new DaemonRunner.Settings();
      s.dns = target.address();
      s.timeout = TIMEOUT;
      c.accept(s);
      return new ReplayRig(target, DaemonRunner.start(dir, s));
    } catch (IOException | RuntimeException e) {
      target.close();
      throw e;
    }
  }

  Path socket() {
    return daemon.socket();
  }

  Scrape scrape() {
    return daemon.scrape();
  }

  /**
   * Waits until {@code payloads} AUTH_RESPONSE payloads have an outcome and none is in flight, and
   * returns a scrape taken after that. A scrape is not atomic: the one that saw the last payload
   * counted may have read another counter before the same response updated it.
   */
  Scrape awaitPayloads(long payloads) throws InterruptedException {
    daemon.awaitMetrics(m -> payloads(m) == payloads && m.result(IN_FLIGHT, null) == 0, SETTLE);
    return scrape();
  }

  /**
   * Largest failure record a reader must accept: a whole data frame plus an {@code extra} holding a
   * whole UDP response, which exceeds the default data frame limit.
   */
  static final int MAX_RECORD = FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH + (1 << 17);

  /** GETs {@code /errors} or {@code /timeouts} and parses the records it hands out. */
  List<Dnstap> drain(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = daemon.get(path);
    assertEquals(200, r.statusCode(), path);
    List<Dnstap> out = new ArrayList<>();
    try (FrameStreamReader in =
        new FrameStreamReader(new ByteArrayInputStream(r.body()), MAX_RECORD)) {
      for (byte[] f; (f = in.next()) != null; ) {
        out.add(Dnstap.parseFrom(f));
      }
    }
    return out;
  }

  static double payloads(Scrape m) {
    return m.result(PAYLOADS, "success") + m.result(PAYLOADS, "error");
  }

  static double connectionErrors(Scrape m, ConnectionError reason) {
    return m.value(
        "dnstap_replay_connection_errors_total{reason=\""
            + reason.name().toLowerCase(Locale.ROOT)
            + "\"}");
  }

  /** Asserts that only {@code reason} (null: nothing) closed connections, {@code count} of them. */
  static void assertConnectionErrors(Scrape m, ConnectionError reason, int count) {
    for (ConnectionError e : ConnectionError.values()) {
      assertEquals(e == reason ? count : 0, connectionErrors(m, e), e.name());
    }
  }

  static void assertNoConnectionErrors(Scrape m) {
    assertConnectionErrors(m, null, 0);
  }

  /**
   * The accounting identities operators rely on: each of {@code sent} queries ended in exactly one
   * of response, error, timeout; each response in exactly one comparison outcome.
   */
  static void assertQueriesBalance(Scrape m, long sent) {
    double responses = m.result(QUERIES, "success");
    assertEquals(
        sent, responses + m.result(QUERIES, "error") + m.result(QUERIES, "timeout"), "queries");
    assertEquals(
        responses,
        m.result(COMPARISONS, "matched")
            + m.result(COMPARISONS, "mismatched")
            + m.result(COMPARISONS, "suppressed")
            + m.result(COMPARISONS, "udp_tc_ignored"),
        "comparisons");
    assertEquals(0, m.result(IN_FLIGHT, null), "in flight");
  }

  @Override
  public void close() {
    try {
      daemon.close();
    } finally {
      target.close();
    }
  }
}
