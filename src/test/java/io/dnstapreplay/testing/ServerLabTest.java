// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.Message.Type;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.testing.ServerLab.Drive;
import io.dnstapreplay.testing.ServerLab.Server;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each server of {@code lab/server.sh} starts in the namespace, answers the lab's query mix and
 * logs it as dnstap, recorded by {@code fstrm_capture}: the message types lab/README.md lists, one
 * query and one response per query sent (plus server.sh's readiness query over TCP), and no
 * response that carries its query, which is why they need {@code --pair}.
 */
@RequiresTools({"kdig", "dnsperf", "fstrm_capture", "ss"})
class ServerLabTest {
  /** server.sh's readiness query, over TCP, logged as well. */
  private static final int PROBES = 1;

  @TempDir Path dir;

  /** What a capture holds, counted. */
  private record Logged(
      Map<Type, Long> types, long udpQueries, long ipv6Queries, List<Message> responses) {
    long count(Type t) {
      return types.getOrDefault(t, 0L);
    }
  }

  @Test
  void bindLogsAuthQueriesAndResponsesByRecursionDesired() throws Exception {
    Path tap = dir.resolve("bind.tap");
    Drive sent = driveCaptured(ServerLab.builder(Server.BIND), tap);
    Logged logged = read(tap);
    assertSentOnce(sent, logged, Type.AUTH_QUERY);
    assertEquals(
        logged.count(Type.AUTH_QUERY),
        logged.count(Type.AUTH_RESPONSE) + logged.count(Type.CLIENT_RESPONSE),
        logged.types().toString());
    assertTrue(logged.count(Type.AUTH_RESPONSE) > 0 && logged.count(Type.CLIENT_RESPONSE) > 0);
    for (Message r : logged.responses()) {
      boolean rd = (r.getResponseMessage().byteAt(2) & 0x01) != 0;
      assertEquals(rd ? Type.CLIENT_RESPONSE : Type.AUTH_RESPONSE, r.getType(), r.toString());
    }
  }

  @Test
  void nsdLogsAuthQueriesAndAuthResponses() throws Exception {
    Path tap = dir.resolve("nsd.tap");
    Drive sent = driveCaptured(ServerLab.builder(Server.NSD), tap);
    assertQueriesAndResponses(sent, read(tap), Type.AUTH_QUERY, Type.AUTH_RESPONSE);
  }

  @Test
  void unboundLogsClientQueriesAndClientResponses() throws Exception {
    Path tap = dir.resolve("unbound.tap");
    Drive sent = driveCaptured(ServerLab.builder(Server.UNBOUND), tap);
    assertQueriesAndResponses(sent, read(tap), Type.CLIENT_QUERY, Type.CLIENT_RESPONSE);
  }

  @Test
  void dnsdistInFrontOfNsdLogsClientQueriesAndClientResponses() throws Exception {
    Path tap = dir.resolve("dnsdist.tap");
    Drive sent;
    try (ServerLab nsd = ServerLab.builder(Server.NSD).start();
        ServerLab dnsdist =
            ServerLab.builder(Server.DNSDIST).backend(nsd.address(), false).capture(tap).start()) {
      sent = dnsdist.drive();
    }
    assertQueriesAndResponses(sent, read(tap), Type.CLIENT_QUERY, Type.CLIENT_RESPONSE);
  }

  private static Drive driveCaptured(ServerLab.Builder server, Path tap) {
    try (ServerLab lab = server.capture(tap).start()) {
      return lab.drive();
    }
  }

  /** One {@code query} and one {@code response} message for each query sent, and nothing else. */
  private static void assertQueriesAndResponses(
      Drive sent, Logged logged, Type query, Type response) {
    assertSentOnce(sent, logged, query);
    assertEquals(
        Map.of(query, sent.sent() + PROBES, response, sent.sent() + PROBES), logged.types());
  }

  /**
   * Every query the driver sent was answered and logged once, over the transport and family it was
   * sent with, and no response carries its query.
   */
  private static void assertSentOnce(Drive sent, Logged logged, Type query) {
    assertEquals(0, sent.lost(), sent.toString());
    assertEquals(sent.sent(), sent.udp() + sent.tcp(), sent.toString());
    assertEquals(sent.sent() + PROBES, logged.count(query), logged.types().toString());
    assertEquals(sent.udp(), logged.udpQueries(), "UDP queries");
    assertTrue(logged.ipv6Queries() > 0, "IPv6 queries");
    for (Message r : logged.responses()) {
      assertTrue(r.getQueryMessage().isEmpty(), "a response with its query: " + r);
    }
  }

  private static Logged read(Path tap) throws Exception {
    Map<Type, Long> types = new EnumMap<>(Type.class);
    long udpQueries = 0;
    long ipv6Queries = 0;
    List<Message> responses = new ArrayList<>();
    try (InputStream in = Files.newInputStream(tap);
        FrameStreamReader r =
            new FrameStreamReader(in, FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      for (byte[] f; (f = r.next()) != null; ) {
        Message m = Dnstap.parseFrom(f).getMessage();
        types.merge(m.getType(), 1L, Long::sum);
        if (m.hasResponseMessage()) {
          responses.add(m);
        } else {
          udpQueries += m.getSocketProtocol() == SocketProtocol.UDP ? 1 : 0;
          ipv6Queries += m.getSocketFamily() == SocketFamily.INET6 ? 1 : 0;
        }
      }
    }
    return new Logged(types, udpQueries, ipv6Queries, responses);
  }
}
