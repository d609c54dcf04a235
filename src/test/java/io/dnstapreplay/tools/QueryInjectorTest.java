// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.testing.UdpResponder;
import io.dnstapreplay.tools.QueryInjector.Outcome;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class QueryInjectorTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration TIMEOUT = Duration.ofMillis(200);

  /** {@code whoami.test. A}, ID 0x0029, as logged by Knot. */
  private static final String QUERY = "0029010000010000000000000677686f616d6904746573740000010001";

  private static DnstapProto.Message.Builder message(String queryAddressHex, int port) {
    return DnstapProto.Message.newBuilder()
        .setType(DnstapProto.Message.Type.AUTH_RESPONSE)
        .setQueryAddress(ToolsFixtures.hex(queryAddressHex))
        .setQueryPort(port)
        .setQueryMessage(ToolsFixtures.hex(QUERY));
  }

  @Test
  void sendsTheQueryAloneAndReturnsTheAnswer() throws Exception {
    try (UdpResponder server = UdpResponder.start(UdpResponder.echo());
        QueryInjector injector = new QueryInjector(server.address(), false, TIMEOUT)) {
      QueryInjector.Result r = injector.inject(message("7f000005", 33546).build());
      assertEquals(Outcome.ANSWERED, r.outcome());
      assertArrayEquals(UdpResponder.echoed(HEX.parseHex(QUERY), 0), r.answer());
      assertEquals(QUERY, HEX.formatHex(server.received().get(0)));
    }
  }

  @Test
  void putsTheOriginalsProxyV2HeaderFirst() throws Exception {
    try (UdpResponder server = UdpResponder.start(UdpResponder.echo());
        QueryInjector injector = new QueryInjector(server.address(), true, TIMEOUT)) {
      injector.inject(message("7f000005", 33546).build());
      injector.inject(message("20010db8000000000000000000000001", 53).build());
      assertEquals(
          "0d0a0d0a000d0a515549540a"
              + "21"
              + "12"
              + "000c"
              + "7f000005"
              + "00000000"
              + "830a"
              + "0035"
              + QUERY,
          HEX.formatHex(server.received().get(0)));
      assertEquals(
          "0d0a0d0a000d0a515549540a"
              + "21"
              + "22"
              + "0024"
              + "20010db8000000000000000000000001"
              + "00000000000000000000000000000000"
              + "0035"
              + "0035"
              + QUERY,
          HEX.formatHex(server.received().get(1)));
    }
  }

  /** A late answer to an earlier query is not taken for the answer to this one. */
  @Test
  void answersAreRecognisedByTheirId() throws Exception {
    byte[] stale = UdpResponder.echoed(HEX.parseHex(QUERY), 0);
    stale[1] = 0x28;
    try (UdpResponder server =
            UdpResponder.start(
                (q, reply) -> {
                  reply.send(stale);
                  reply.send(UdpResponder.echoed(q.message(), 0));
                });
        QueryInjector injector = new QueryInjector(server.address(), false, TIMEOUT)) {
      QueryInjector.Result r = injector.inject(message("7f000001", 1).build());
      assertEquals(Outcome.ANSWERED, r.outcome());
      assertArrayEquals(UdpResponder.echoed(HEX.parseHex(QUERY), 0), r.answer());
    }
  }

  @Test
  void noAnswerWithinTheTimeoutIsATimeout() throws Exception {
    try (UdpResponder server = UdpResponder.start(UdpResponder.silent());
        QueryInjector injector = new QueryInjector(server.address(), false, TIMEOUT)) {
      long start = System.nanoTime();
      QueryInjector.Result r = injector.inject(message("7f000001", 1).build());
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Outcome.TIMED_OUT, r.outcome());
      assertNull(r.answer());
      assertTrue(waitedMillis >= TIMEOUT.toMillis(), "waited " + waitedMillis + " ms");
      assertEquals(1, server.received().size());
    }
  }

  @Test
  void aClosedPortIsRefused() throws IOException {
    InetSocketAddress closed;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = (InetSocketAddress) s.getLocalSocketAddress();
    }
    try (QueryInjector injector = new QueryInjector(closed, false, Duration.ofSeconds(5))) {
      assertEquals(Outcome.REFUSED, injector.inject(message("7f000001", 1).build()).outcome());
    }
  }

  @Test
  void messagesWithoutWhatTheQueryNeedsAreSkipped() throws Exception {
    try (UdpResponder server = UdpResponder.start(UdpResponder.echo());
        QueryInjector plain = new QueryInjector(server.address(), false, TIMEOUT);
        QueryInjector proxy = new QueryInjector(server.address(), true, TIMEOUT)) {
      assertEquals(
          Outcome.SKIPPED_NO_QUERY,
          plain.inject(message("7f000001", 1).clearQueryMessage().build()).outcome());
      assertEquals(
          Outcome.SKIPPED_NO_QUERY,
          plain.inject(message("7f000001", 1).clearQueryAddress().build()).outcome());
      assertEquals(
          Outcome.SKIPPED_NO_QUERY,
          plain
              .inject(
                  message("7f000001", 1).setQueryAddress(ByteString.copyFrom(new byte[5])).build())
              .outcome());
      assertEquals(
          Outcome.SKIPPED_NO_QUERY_PORT,
          proxy.inject(message("7f000001", 1).clearQueryPort().build()).outcome());
      assertEquals(
          Outcome.SKIPPED_NO_QUERY_PORT,
          proxy.inject(message("7f000001", 65_536).build()).outcome());
      assertEquals(
          Outcome.ANSWERED,
          plain.inject(message("7f000001", 1).clearQueryPort().build()).outcome());
      assertEquals(1, server.received().size());
    }
  }
}
