// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.KnotTargets;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.ServerLab;
import io.dnstapreplay.testing.ServerLab.Drive;
import io.dnstapreplay.testing.ServerLab.Server;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * BIND, NSD, Unbound and dnsdist as live dnstap sources: each answers the lab's query mix ({@code
 * drive.sh servers}) and logs queries and responses as separate messages to the daemon, which with
 * {@code --pair} pairs every one of them and replays every UDP query. Each source is replayed to a
 * Knot target serving the same zone, where the answers differ only in each server's style (see
 * lab/README.md), and to a server of its own kind, where every difference is one the server makes
 * itself: BIND's random record order ({@code --equivalent order}), NSD's glue order for IPv6
 * clients (a second {@code --dns} for them). Unbound sends its dnstap over TCP to {@code --tcp} and
 * is the PROXY v2 target of its own replay; dnsdist runs in front of NSD. Without {@code --pair},
 * the guardrails count what could not be replayed.
 */
@RequiresTools({"knotd", "kdig", "named", "nsd", "unbound", "dnsdist", "dnsperf", "ss"})
class ServerSourcesEndToEndTest {
  private static final String PAIRING = "dnstap_replay_pairing_total";
  private static final String PENDING = "dnstap_replay_pairing_pending";

  /** server.sh's readiness query, over TCP: logged and paired, not replayed. */
  private static final int PROBES = 1;

  /**
   * What a replay to a server that answers in another style can still never differ in: the same
   * question to the same zone data.
   */
  private static final Set<MismatchClass> NEVER =
      EnumSet.of(
          MismatchClass.OPCODE,
          MismatchClass.QUESTION,
          MismatchClass.TTL,
          MismatchClass.TRUNCATED,
          MismatchClass.MALFORMED);

  @RegisterExtension static final KnotTargets TARGETS = new KnotTargets();

  @TempDir Path dir;

  /** What the driver sent, the daemon's metrics once all of it was replayed, its /errors. */
  private record Run(Drive sent, Scrape m, List<Dnstap> errors) {
    double classCount(MismatchClass c) {
      return m.value("dnstap_replay_dns_mismatch_classes_total{class=\"" + c.label() + "\"}");
    }

    void assertOnlyClasses(Set<MismatchClass> allowed) {
      for (MismatchClass c : MismatchClass.values()) {
        if (!allowed.contains(c)) {
          assertEquals(0, classCount(c), c.label() + "\n" + m);
        }
      }
    }
  }

  /**
   * Starts the daemon with {@code --pair} replaying to {@code target}, then {@code source} logging
   * to it (to {@code --tcp} when {@code overTcp}, else to the Unix socket), drives the source and
   * waits until every query is paired and every UDP query has its outcome. Checks what holds for
   * every source: each message paired, nothing left over, every UDP query sent replayed once.
   */
  private Run replay(
      ServerLab.Builder source,
      InetSocketAddress target,
      boolean overTcp,
      Consumer<DaemonRunner.Settings> options)
      throws Exception {
    try (DaemonRunner d =
        DaemonRunner.start(
            dir,
            target,
            s -> {
              s.pair();
              s.tcp = overTcp ? new InetSocketAddress("127.0.0.1", 0) : null;
              options.accept(s);
            })) {
      Drive sent;
      Scrape m;
      try (ServerLab lab =
          (overTcp ? source.dnstapTcp(d.tcpAddress()) : source.dnstap(d.socket())).start()) {
        sent = lab.drive();
        long paired = sent.sent() + PROBES;
        m =
            d.awaitMetrics(
                x ->
                    x.result(PAIRING, "paired") == paired
                        && x.result(QUERIES, "success")
                                + x.result(QUERIES, "timeout")
                                + x.result(QUERIES, "error")
                            == sent.udp()
                        && x.result(Accounting.IN_FLIGHT, null) == 0);
      }
      assertEquals(0, sent.lost(), sent.toString());
      assertEquals(sent.sent() + PROBES, m.result(PAIRING, "paired"), m.toString());
      for (String never :
          List.of(
              "passed_through", "query_without_response", "response_without_query", "evicted")) {
        assertEquals(0, m.result(PAIRING, never), never);
      }
      assertEquals(0, m.result(PENDING, null));
      assertEquals(0, m.result(QUERIES, "timeout"), m.toString());
      Accounting.assertQueriesBalance(m, sent.udp());
      assertEquals(
          sent.tcp() + PROBES,
          m.result("dnstap_replay_dnstap_handler_internal_errors_total", "discard_non_udp"));
      Run run = new Run(sent, m, d.drain("/errors"));
      assertEquals(m.result(COMPARISONS, "mismatched"), run.errors().size());
      for (Dnstap e : run.errors()) {
        assertTrue(e.getMessage().hasQueryMessage(), "a record without its query: " + e);
        assertEquals(SocketProtocol.UDP, e.getMessage().getSocketProtocol());
      }
      return run;
    }
  }

  private Run replayToKnot(ServerLab.Builder source) throws Exception {
    Run run = replay(source, TARGETS.get(TargetZone.NORMAL).targetAddress(), false, s -> {});
    run.assertOnlyClasses(EnumSet.complementOf(EnumSet.copyOf(NEVER)));
    assertEquals(
        run.sent().udp(),
        run.m().result(COMPARISONS, "matched") + run.m().result(COMPARISONS, "mismatched"));
    return run;
  }

  @Test
  void bindToKnot() throws Exception {
    replayToKnot(ServerLab.builder(Server.BIND));
  }

  @Test
  void nsdToKnot() throws Exception {
    replayToKnot(ServerLab.builder(Server.NSD));
  }

  @Test
  void unboundToKnot() throws Exception {
    replayToKnot(ServerLab.builder(Server.UNBOUND));
  }

  @Test
  void dnsdistToKnot() throws Exception {
    try (ServerLab nsd = ServerLab.builder(Server.NSD).start()) {
      replayToKnot(ServerLab.builder(Server.DNSDIST).backend(nsd.address(), false));
    }
  }

  /** BIND shuffles the records of a set in each answer: the only difference, forgiven. */
  @Test
  void bindToBindDiffersInRecordOrderOnly() throws Exception {
    try (ServerLab target = ServerLab.builder(Server.BIND).start()) {
      Run run =
          replay(
              ServerLab.builder(Server.BIND),
              target.address(),
              false,
              s -> s.equivalent = Set.of(MismatchClass.ORDER));
      assertEquals(0, run.m().result(COMPARISONS, "mismatched"));
      assertEquals(run.m().result(COMPARISONS, "equivalent"), run.classCount(MismatchClass.ORDER));
      run.assertOnlyClasses(Set.of(MismatchClass.ORDER));
    }
  }

  /**
   * NSD puts the AAAA glue first for a client over IPv6, the A glue first for one over IPv4: the
   * queries logged over IPv6, replayed over IPv4, differ in order, and only those.
   */
  @Test
  void nsdToNsdOverIpv4DiffersInGlueOrderForIpv6ClientsOnly() throws Exception {
    try (ServerLab target = ServerLab.builder(Server.NSD).start()) {
      Run run = replay(ServerLab.builder(Server.NSD), target.address(), false, s -> {});
      run.assertOnlyClasses(Set.of(MismatchClass.ORDER));
      assertTrue(run.errors().size() > 0, "no IPv6 client got glue");
      for (Dnstap e : run.errors()) {
        assertEquals(SocketFamily.INET6, e.getMessage().getSocketFamily(), e.toString());
      }
    }
  }

  /** With a second target for the queries logged over IPv6, NSD's answers match every one. */
  @Test
  void nsdToNsdWithAnIpv6TargetMatchesEveryQuery() throws Exception {
    try (ServerLab target = ServerLab.builder(Server.NSD).start()) {
      Run run =
          replay(
              ServerLab.builder(Server.NSD),
              target.address(),
              false,
              s -> s.ipv6Dns = target.ipv6Address());
      assertEquals(run.sent().udp(), run.m().result(COMPARISONS, "matched"), run.m().toString());
    }
  }

  /**
   * Unbound sends dnstap over TCP; its replay, with PROXY v2 headers, goes to a second Unbound's
   * {@code proxy-protocol-port}, which takes nothing else: every answer the same.
   */
  @Test
  void unboundOverTcpToUnboundProxyPortMatchesEveryQuery() throws Exception {
    try (ServerLab target = ServerLab.builder(Server.UNBOUND).proxyPort().start()) {
      Run run =
          replay(
              ServerLab.builder(Server.UNBOUND), target.proxyAddress(), true, s -> s.proxy = true);
      assertEquals(run.sent().udp(), run.m().result(COMPARISONS, "matched"), run.m().toString());
      assertEquals(
          run.sent().sent() + PROBES,
          run.m().value("dnstap_replay_transport_data_frames_total{transport=\"tcp\"}") / 2);
    }
  }

  /**
   * Without {@code --pair} nothing of Unbound's is replayed, and the daemon says why: every
   * response counted as an unusable {@code client_response}, none as replayed.
   */
  @Test
  void unboundWithoutPairReplaysNothingAndCountsWhy() throws Exception {
    try (DaemonRunner d =
        DaemonRunner.start(dir, TARGETS.get(TargetZone.NORMAL).targetAddress(), s -> {})) {
      Drive sent;
      Scrape m;
      String unusable = "dnstap_replay_unusable_responses_total{reason=\"client_response\"}";
      try (ServerLab lab = ServerLab.builder(Server.UNBOUND).dnstap(d.socket()).start()) {
        sent = lab.drive();
        m = d.awaitMetrics(x -> x.value(unusable) == sent.sent() + PROBES);
      }
      assertEquals(
          2 * (sent.sent() + PROBES), m.result("dnstap_replay_dnstap_ignored_total", null));
      assertEquals(0, m.result(QUERIES, "success") + m.result(QUERIES, "timeout"));
      assertEquals(0, m.result(PAIRING, "paired"));
    }
  }

  /** dnsdist passes its backend's answers on unchanged: replayed to the backend, all match. */
  @Test
  void dnsdistToItsBackendMatchesEveryQuery() throws Exception {
    try (ServerLab nsd = ServerLab.builder(Server.NSD).start()) {
      Run run =
          replay(
              ServerLab.builder(Server.DNSDIST).backend(nsd.address(), false),
              nsd.address(),
              false,
              s -> {});
      assertEquals(run.sent().udp(), run.m().result(COMPARISONS, "matched"), run.m().toString());
    }
  }
}
