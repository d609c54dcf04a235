// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

@RequiresTools({"knotd", "kdig"})
class KnotLabTest {
  /**
   * PROXY v2, PROXY command, UDP over IPv4, 12 address bytes: client 198.51.100.7:4242, server
   * 0.0.0.0:53; then a DNS query (id 0x1234, no flags) for whoami.test. A IN.
   */
  private static final byte[] PROXIED_WHOAMI_QUERY =
      HexFormat.of()
          .parseHex(
              "0d0a0d0a000d0a515549540a"
                  + "2112000c"
                  + "c6336407"
                  + "00000000"
                  + "1092"
                  + "0035"
                  + "123400000001000000000000"
                  + "0677686f616d69047465737400"
                  + "0001"
                  + "0001");

  private static final int PROXY_HEADER_LENGTH = 28;
  private static final String PROXIED_CLIENT = "198.51.100.7";
  private static final int NO_ANSWER_MILLIS = 1000;
  private static final int MAIN_MIX_TCP_QUERIES = 55;
  private static final int MAIN_MIX_UDP_QUERIES = 275;
  private static final int MAX_READINESS_PROBES = 3;

  private static KnotLab normalTarget;

  @BeforeAll
  static void startNormalTarget() {
    normalTarget = KnotLab.target();
  }

  @AfterAll
  static void stopNormalTarget() {
    if (normalTarget != null) {
      normalTarget.close();
    }
  }

  @Test
  void targetAnswersSoaOfExampleTest() throws IOException {
    Message answer = query(normalTarget.targetAddress(), "example.test.", Type.SOA);

    assertEquals(Rcode.NOERROR, answer.getRcode());
    List<Record> records = answer.getSection(Section.ANSWER);
    assertEquals(1, records.size());
    assertEquals(2024010101L, ((SOARecord) records.get(0)).getSerial());
  }

  @Test
  void proxyHeaderMakesTargetSeeTheClientFromTheHeader() throws IOException {
    Message answer = new Message(exchange(normalTarget.targetAddress(), PROXIED_WHOAMI_QUERY));

    assertEquals(0x1234, answer.getHeader().getID());
    assertEquals(Set.of(PROXIED_CLIENT), addresses(answer));
  }

  @Test
  void plainWhoamiQuerySeesLoopback() throws IOException {
    Message answer = query(normalTarget.targetAddress(), "whoami.test.", Type.A);

    assertEquals(Set.of("127.0.0.1"), addresses(answer));
  }

  @Test
  void variantZoneAnswersWwwDifferently() throws IOException {
    try (KnotLab variant = KnotLab.builder().target(TargetZone.VARIANT).start()) {
      assertEquals(
          Set.of("192.0.2.80", "192.0.2.81"),
          addresses(query(normalTarget.targetAddress(), "www.example.test.", Type.A)));
      assertEquals(
          Set.of("192.0.2.80", "192.0.2.82"),
          addresses(query(variant.targetAddress(), "www.example.test.", Type.A)));
    }
  }

  @Test
  void targetWithoutProxyAllowDropsProxiedQueriesButAnswersPlainOnes() throws IOException {
    try (KnotLab lab = KnotLab.builder().target(TargetZone.NORMAL).proxyAllow(false).start()) {
      assertThrows(
          SocketTimeoutException.class, () -> exchange(lab.targetAddress(), PROXIED_WHOAMI_QUERY));
      byte[] plainQuery =
          Arrays.copyOfRange(
              PROXIED_WHOAMI_QUERY, PROXY_HEADER_LENGTH, PROXIED_WHOAMI_QUERY.length);
      assertEquals(
          Set.of("127.0.0.1"), addresses(new Message(exchange(lab.targetAddress(), plainQuery))));
    }
  }

  @Test
  void closeStopsEveryServer() throws IOException {
    KnotLab lab = KnotLab.builder().target(TargetZone.NORMAL).source().start();
    InetSocketAddress target = lab.targetAddress();
    InetSocketAddress source = lab.sourceAddress();
    Path runDir = lab.runDir();
    assertEquals(Rcode.NOERROR, query(source, "example.test.", Type.SOA).getRcode());

    lab.close();

    assertThrows(ConnectException.class, () -> new Socket(target.getAddress(), target.getPort()));
    assertThrows(ConnectException.class, () -> new Socket(source.getAddress(), source.getPort()));
    assertThrows(IOException.class, () -> exchange(target, PROXIED_WHOAMI_QUERY));
    assertTrue(Files.notExists(runDir));
  }

  @Test
  @RequiresTools({"knotd", "kdig", "fstrm_capture", "dnsperf", "ss"})
  void driveMainMixIsLoggedByTheSource(@TempDir Path dir) throws IOException {
    Path tap = dir.resolve("capture.tap");
    try (KnotLab lab = KnotLab.builder().capture(tap).start()) {
      lab.drive("main");
    }

    List<DnstapProto.Dnstap> frames = readFrameStreamsFile(tap);
    long tcp =
        frames.stream()
            .filter(f -> f.getMessage().getSocketProtocol() == DnstapProto.SocketProtocol.TCP)
            .count();
    long udp = frames.size() - tcp;
    assertTrue(
        frames.stream()
            .allMatch(f -> f.getMessage().getType() == DnstapProto.Message.Type.AUTH_RESPONSE));
    assertEquals(MAIN_MIX_TCP_QUERIES, tcp);
    assertTrue(
        udp >= MAIN_MIX_UDP_QUERIES && udp <= MAIN_MIX_UDP_QUERIES + MAX_READINESS_PROBES,
        "UDP frames: " + udp);
  }

  private static Message query(InetSocketAddress server, String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(Duration.ofSeconds(2));
    return resolver.send(
        Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  /** Sends one datagram and returns the answer; times out after {@link #NO_ANSWER_MILLIS}. */
  private static byte[] exchange(InetSocketAddress server, byte[] datagram) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server);
      socket.setSoTimeout(NO_ANSWER_MILLIS);
      socket.send(new DatagramPacket(datagram, datagram.length));
      DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
      socket.receive(answer);
      return Arrays.copyOf(answer.getData(), answer.getLength());
    }
  }

  private static Set<String> addresses(Message answer) {
    return answer.getSection(Section.ANSWER).stream()
        .filter(ARecord.class::isInstance)
        .map(r -> ((ARecord) r).getAddress().getHostAddress())
        .collect(Collectors.toSet());
  }

  /** Data frames of a Frame Streams file: a control frame starts with a zero length word. */
  private static List<DnstapProto.Dnstap> readFrameStreamsFile(Path file) throws IOException {
    List<DnstapProto.Dnstap> frames = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        DataInputStream data = new DataInputStream(in)) {
      while (true) {
        int length;
        try {
          length = data.readInt();
        } catch (EOFException end) {
          return frames;
        }
        if (length == 0) {
          data.skipNBytes(data.readInt());
        } else {
          frames.add(DnstapProto.Dnstap.parseFrom(data.readNBytes(length)));
        }
      }
    }
  }
}
