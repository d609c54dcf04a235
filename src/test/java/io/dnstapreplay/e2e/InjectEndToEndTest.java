// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.tools.DnstapFileReader;
import io.dnstapreplay.tools.InjectSummary;
import io.dnstapreplay.tools.QueryInjector;
import io.dnstapreplay.tools.QueryInjector.Outcome;
import io.dnstapreplay.tools.ToolsFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dnstap-inject puts the Knot capture's queries onto a real Knot target, which answers every one;
 * the {@code whoami.test.} answers prove that the PROXY v2 header reached Knot, which then saw the
 * logged client instead of us.
 */
@RequiresTools({"knotd", "kdig"})
class InjectEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static KnotLab lab;

  @BeforeAll
  static void startTarget() {
    lab = KnotLab.target();
  }

  @AfterAll
  static void stopTarget() {
    if (lab != null) {
      lab.close();
    }
  }

  private record Exchange(DnstapProto.Message logged, QueryInjector.Result result) {}

  private static List<Exchange> injectCapture(boolean proxy, InjectSummary summary)
      throws IOException {
    List<Exchange> exchanges = new ArrayList<>();
    try (DnstapFileReader in =
            new DnstapFileReader(new ByteArrayInputStream(KnotCapture.bytes()), "capture");
        QueryInjector injector = new QueryInjector(lab.targetAddress(), proxy, TIMEOUT)) {
      summary.injectAll(in, injector, (m, r) -> exchanges.add(new Exchange(m, r)));
    }
    return exchanges;
  }

  @Test
  void behindProxyEveryQueryIsAnsweredAsLogged() throws IOException {
    InjectSummary summary = new InjectSummary();
    List<Exchange> exchanges = injectCapture(true, summary);
    assertEquals(KnotCapture.FRAMES, summary.count(Outcome.ANSWERED), summary.toString());
    assertEquals(KnotCapture.FRAMES, summary.sent());
    int udp = 0;
    for (Exchange e : exchanges) {
      if (e.logged().getSocketProtocol() == DnstapProto.SocketProtocol.UDP) {
        assertArrayEquals(
            e.logged().getResponseMessage().toByteArray(),
            e.result().answer(),
            "answer to " + e.logged().getQueryMessage());
        udp++;
      }
    }
    assertEquals(276, udp);
  }

  /** Logged from ::1: behind PROXY Knot answers with ::1, without it with our 127.0.0.1. */
  @Test
  void whoamiAnswersShowWhetherTheProxyHeaderArrived() throws IOException {
    for (boolean proxy : new boolean[] {true, false}) {
      List<Exchange> exchanges = injectCapture(proxy, new InjectSummary());
      for (int i : new int[] {ToolsFixtures.WHOAMI_AAAA_IPV6 - 1, ToolsFixtures.WHOAMI_AAAA_IPV6}) {
        Exchange e = exchanges.get(i);
        assertEquals(
            proxy,
            Arrays.equals(e.logged().getResponseMessage().toByteArray(), e.result().answer()),
            "whoami answer " + i + " with proxy " + proxy);
      }
    }
  }

  @Test
  void theTargetSeesTheClientAddressOfTheMessage() throws IOException {
    DnstapProto.Message whoami =
        ToolsFixtures.captureMessage(ToolsFixtures.WHOAMI_A_UDP).getMessage().toBuilder()
            .setQueryAddress(ByteString.copyFrom(new byte[] {(byte) 192, 0, 2, 77}))
            .build();
    try (QueryInjector injector = new QueryInjector(lab.targetAddress(), true, TIMEOUT)) {
      QueryInjector.Result r = injector.inject(whoami);
      assertEquals(Outcome.ANSWERED, r.outcome());
      byte[] answer = r.answer();
      assertArrayEquals(
          new byte[] {(byte) 192, 0, 2, 77},
          Arrays.copyOfRange(answer, answer.length - 4, answer.length));
      assertFalse(Arrays.equals(whoami.getResponseMessage().toByteArray(), answer));
    }
  }
}
