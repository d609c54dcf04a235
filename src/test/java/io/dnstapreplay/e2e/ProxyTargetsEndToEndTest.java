// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static io.dnstapreplay.testing.KnotCapture.FRAMES;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.KnotTargets;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.ServerLab;
import io.dnstapreplay.testing.ServerLab.Server;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * dnsdist as a PROXY v2 replay target: it demands the header from the replay ({@code
 * setProxyProtocolACL}) and passes the client on to a Knot target in a header of its own ({@code
 * useProxyProtocol}), so the real Knot capture replayed with {@code --proxy} matches as against
 * Knot itself (testdata/README.md), {@code whoami.test.} answers included.
 */
@RequiresTools({"knotd", "kdig", "dnsdist", "fstrm_replay", "ss"})
class ProxyTargetsEndToEndTest {
  @RegisterExtension static final KnotTargets TARGETS = new KnotTargets();

  private static ServerLab dnsdist;

  @TempDir Path dir;

  @BeforeAll
  static void startDnsdist() {
    dnsdist =
        ServerLab.builder(Server.DNSDIST)
            .backend(TARGETS.get(TargetZone.NORMAL).targetAddress(), true)
            .proxyAcl("127.0.0.1/32")
            .start();
  }

  @AfterAll
  static void stopDnsdist() {
    if (dnsdist != null) {
      dnsdist.close();
    }
  }

  @Test
  void knotCaptureThroughDnsdistWithProxyMatchesEveryQuery() throws Exception {
    try (DaemonRunner d = DaemonRunner.start(dir, dnsdist.address(), s -> s.proxy = true)) {
      d.fstrmReplay(KnotCapture.path());
      Scrape m = d.awaitPayloads(FRAMES);
      assertEquals(UDP, m.result(COMPARISONS, "matched"), m.toString());
      assertEquals(0, m.result(COMPARISONS, "mismatched"));
      Accounting.assertQueriesBalance(m, UDP);
    }
  }

  @Test
  void dnsdistDropsEveryQueryWithoutTheHeader() throws Exception {
    try (DaemonRunner d =
        DaemonRunner.start(dir, dnsdist.address(), s -> s.timeout = DaemonRunner.SHORT_TIMEOUT)) {
      d.fstrmReplay(KnotCapture.path());
      Scrape m = d.awaitPayloads(FRAMES);
      assertEquals(UDP, m.result(QUERIES, "timeout"), m.toString());
      Accounting.assertQueriesBalance(m, UDP);
    }
  }
}
