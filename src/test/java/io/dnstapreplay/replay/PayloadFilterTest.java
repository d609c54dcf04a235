// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.proxyv2.ProxyV2Header.Timespec;
import io.dnstapreplay.replay.PayloadFilter.Decision;
import io.dnstapreplay.replay.PayloadFilter.Options;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadFilterTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] QUERY = HEX.parseHex("abcd01000001000000000000" + "00" + "00020001");
  private static final byte[] RESPONSE =
      HEX.parseHex("abcd84000001000000000000" + "00" + "00020001");
  private static final byte[] IPV4 = HEX.parseHex("c0000201");
  private static final byte[] IPV6 = HEX.parseHex("20010db8000000000000000000000001");

  private static final Options PLAIN = new Options(false, IpNetworks.none(), false);
  private static final Options PROXY = new Options(true, IpNetworks.none(), false);

  @Test
  void replaysACompleteUdpAuthResponse() {
    Decision.Replay replay =
        assertInstanceOf(Decision.Replay.class, classifyMessage(payload(m -> m), PROXY));
    assertArrayEquals(QUERY, replay.query());
    assertArrayEquals(RESPONSE, replay.loggedResponse());
    assertArrayEquals(IPV4, replay.queryAddress());
    assertEquals(40000, replay.queryPort());
    assertEquals(new Timespec(1_700_000_000L, 123_456_789), replay.responseTime());
  }

  @Test
  void replaysIpv6() {
    Decision.Replay replay =
        assertInstanceOf(
            Decision.Replay.class,
            classifyMessage(payload(m -> m.setQueryAddress(ByteString.copyFrom(IPV6))), PLAIN));
    assertArrayEquals(IPV6, replay.queryAddress());
  }

  @Test
  void responseTimeNeedsSecondsAndNanoseconds() {
    assertNull(replay(m -> m.clearResponseTimeNsec()).responseTime());
    assertNull(replay(m -> m.clearResponseTimeSec()).responseTime());
  }

  @Test
  void keepsUnsignedTimeFieldsBitForBit() {
    Decision.Replay replay = replay(m -> m.setResponseTimeSec(-1L).setResponseTimeNsec(-1));
    assertEquals(new Timespec(-1L, -1), replay.responseTime());
  }

  @ParameterizedTest
  @EnumSource(value = Message.Type.class, names = "AUTH_RESPONSE", mode = EnumSource.Mode.EXCLUDE)
  void ignoresOtherMessageTypesBeforeAnyOtherCheck(Message.Type type) {
    DnstapProto.Dnstap payload =
        DnstapProto.Dnstap.newBuilder()
            .setType(DnstapProto.Dnstap.Type.MESSAGE)
            .setMessage(Message.newBuilder().setType(type))
            .build();
    assertEquals(new Decision.NotAuthResponse(), classifyMessage(payload, PROXY));
  }

  @ParameterizedTest
  @EnumSource(
      value = Message.Type.class,
      names = {"AUTH_RESPONSE", "CLIENT_RESPONSE"},
      mode = EnumSource.Mode.EXCLUDE)
  void withPairOnlyClientResponseIsAddedToTheReplayedTypes(Message.Type type) {
    Options pair = new Options(true, IpNetworks.none(), true);
    assertEquals(
        new Decision.NotAuthResponse(), classify(m -> m.setType(type).clearSocketProtocol(), pair));
    Decision.Replay replay =
        assertInstanceOf(
            Decision.Replay.class, classify(m -> m.setType(Message.Type.CLIENT_RESPONSE), pair));
    assertArrayEquals(QUERY, replay.query());
    assertEquals(
        new Decision.DiscardNonUdp(),
        classify(
            m -> m.setType(Message.Type.CLIENT_RESPONSE).setSocketProtocol(SocketProtocol.TCP),
            pair));
  }

  @Test
  void ignoresAPayloadWithoutMessage() {
    DnstapProto.Dnstap payload =
        DnstapProto.Dnstap.newBuilder().setType(DnstapProto.Dnstap.Type.MESSAGE).build();
    assertEquals(new Decision.NotAuthResponse(), classifyMessage(payload, PROXY));
  }

  @Test
  void missingSocketProtocolComesFirst() {
    assertEquals(
        new Decision.MissingField("socket_protocol"),
        classify(m -> m.clearSocketProtocol().clearQueryAddress().clearQueryMessage(), PROXY));
  }

  @ParameterizedTest
  @EnumSource(value = SocketProtocol.class, names = "UDP", mode = EnumSource.Mode.EXCLUDE)
  void discardsOtherTransportsBeforeCheckingTheRest(SocketProtocol protocol) {
    assertEquals(
        new Decision.DiscardNonUdp(),
        classify(
            m ->
                m.setSocketProtocol(protocol)
                    .clearQueryAddress()
                    .clearQueryPort()
                    .clearQueryMessage(),
            PROXY));
  }

  @Test
  void discardsATransportThisSchemaDoesNotKnow() throws Exception {
    DnstapProto.Dnstap sent =
        payload(
            m ->
                m.clearSocketProtocol()
                    .setUnknownFields(
                        UnknownFieldSet.newBuilder()
                            .addField(
                                Message.SOCKET_PROTOCOL_FIELD_NUMBER,
                                UnknownFieldSet.Field.newBuilder().addVarint(99).build())
                            .build()));
    DnstapProto.Dnstap received = DnstapProto.Dnstap.parseFrom(sent.toByteArray());
    assertEquals(new Decision.DiscardNonUdp(), classifyMessage(received, PLAIN));
  }

  @Test
  void skipsAPayloadWithoutQueryOrResponseBeforeCheckingTheAddress() {
    assertEquals(
        new Decision.SkippedIncomplete(),
        classify(m -> m.clearQueryMessage().clearQueryAddress(), PROXY));
    assertEquals(
        new Decision.SkippedIncomplete(),
        classify(m -> m.clearResponseMessage().clearQueryAddress(), PROXY));
  }

  @Test
  void missingQueryAddressComesBeforeThePort() {
    assertEquals(
        new Decision.MissingField("query_address"),
        classify(m -> m.clearQueryAddress().clearQueryPort(), PROXY));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 5, 15, 17})
  void aQueryAddressOfAnotherLengthIsMissing(int length) {
    assertEquals(
        new Decision.MissingField("query_address"),
        classify(m -> m.setQueryAddress(ByteString.copyFrom(new byte[length])), PLAIN));
  }

  @Test
  void ignoresQueriesFromIpNetworksBeforeCheckingThePort() {
    Options ignoring = new Options(true, IpNetworks.parse(List.of("192.0.2.0/24")), false);
    assertEquals(new Decision.QueryNetIgnored(), classify(m -> m.clearQueryPort(), ignoring));
    assertEquals(
        new Decision.MissingField("query_port"),
        classify(m -> m.clearQueryPort().setQueryAddress(ByteString.copyFrom(IPV6)), ignoring));
  }

  @Test
  void ignoresIpv6QueriesFromIpNetworks() {
    Options ignoring = new Options(false, IpNetworks.parse(List.of("2001:db8::/32")), false);
    assertEquals(
        new Decision.QueryNetIgnored(),
        classify(m -> m.setQueryAddress(ByteString.copyFrom(IPV6)), ignoring));
    assertInstanceOf(Decision.Replay.class, classify(m -> m, ignoring));
  }

  @Test
  void anIpv4AddressNeverMatchesAnIpv6Network() {
    Options ignoring =
        new Options(false, IpNetworks.parse(List.of("::/0", "::ffff:192.0.2.0/120")), false);
    assertInstanceOf(Decision.Replay.class, classify(m -> m, ignoring));
  }

  @Test
  void proxyNeedsAQueryPort() {
    assertEquals(new Decision.MissingField("query_port"), classify(m -> m.clearQueryPort(), PROXY));
  }

  @ParameterizedTest
  @ValueSource(ints = {65536, -1, Integer.MIN_VALUE})
  void proxyRefusesAPortAbove65535(int unsignedPort) {
    assertEquals(
        new Decision.MissingField("query_port"),
        classify(m -> m.setQueryPort(unsignedPort), PROXY));
  }

  @Test
  void withoutProxyAnAbsentOrInvalidPortIsMinusOne() {
    assertEquals(-1, replay(m -> m.clearQueryPort()).queryPort());
    assertEquals(-1, replay(m -> m.setQueryPort(65536)).queryPort());
    assertEquals(65535, replay(m -> m.setQueryPort(65535)).queryPort());
    assertEquals(0, replay(m -> m.setQueryPort(0)).queryPort());
  }

  /**
   * {@code socket_family} says which socket the server answered on, even when the address was
   * logged in the other form (an IPv4 client of a dual-stack socket, with or without the v4-mapped
   * prefix); the address length decides only without it.
   */
  @Test
  void theFamilyLoggedOverIsTheSocketFamilyElseTheAddressLength() {
    byte[] v4Mapped = HEX.parseHex("00000000000000000000ffffc0000201");
    assertFalse(replay(m -> m).loggedOverIpv6());
    assertTrue(replay(m -> m.setSocketFamily(SocketFamily.INET6)).loggedOverIpv6());
    assertTrue(
        replay(m -> m.setSocketFamily(SocketFamily.INET6).setQueryAddress(bytes(v4Mapped)))
            .loggedOverIpv6());
    assertFalse(
        replay(m -> m.setSocketFamily(SocketFamily.INET).setQueryAddress(bytes(IPV6)))
            .loggedOverIpv6());
    assertTrue(replay(m -> m.clearSocketFamily().setQueryAddress(bytes(IPV6))).loggedOverIpv6());
    assertFalse(replay(m -> m.clearSocketFamily()).loggedOverIpv6());
  }

  @Test
  void aSocketFamilyThisSchemaDoesNotKnowFallsBackToTheAddressLength() throws Exception {
    UnknownFieldSet unknownFamily =
        UnknownFieldSet.newBuilder()
            .addField(
                Message.SOCKET_FAMILY_FIELD_NUMBER,
                UnknownFieldSet.Field.newBuilder().addVarint(99).build())
            .build();
    for (byte[] address : List.of(IPV4, IPV6)) {
      DnstapProto.Dnstap sent =
          payload(
              m ->
                  m.clearSocketFamily()
                      .setQueryAddress(bytes(address))
                      .setUnknownFields(unknownFamily));
      DnstapProto.Dnstap received = DnstapProto.Dnstap.parseFrom(sent.toByteArray());
      assertFalse(received.getMessage().hasSocketFamily());
      Decision.Replay r = assertInstanceOf(Decision.Replay.class, classifyMessage(received, PLAIN));
      assertEquals(address == IPV6, r.loggedOverIpv6());
    }
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(b);
  }

  private static Decision.Replay replay(UnaryOperator<Message.Builder> change) {
    return assertInstanceOf(Decision.Replay.class, classify(change, PLAIN));
  }

  private static Decision classify(UnaryOperator<Message.Builder> change, Options options) {
    return classifyMessage(payload(change), options);
  }

  /** A complete UDP AUTH_RESPONSE from 192.0.2.1:40000, changed by {@code change}. */
  private static DnstapProto.Dnstap payload(UnaryOperator<Message.Builder> change) {
    Message.Builder message =
        Message.newBuilder()
            .setType(Message.Type.AUTH_RESPONSE)
            .setSocketFamily(DnstapProto.SocketFamily.INET)
            .setSocketProtocol(SocketProtocol.UDP)
            .setQueryAddress(ByteString.copyFrom(IPV4))
            .setQueryPort(40000)
            .setQueryTimeSec(1_699_999_999L)
            .setQueryTimeNsec(999_000_000)
            .setQueryMessage(ByteString.copyFrom(QUERY))
            .setResponseTimeSec(1_700_000_000L)
            .setResponseTimeNsec(123_456_789)
            .setResponseMessage(ByteString.copyFrom(RESPONSE));
    return DnstapProto.Dnstap.newBuilder()
        .setType(DnstapProto.Dnstap.Type.MESSAGE)
        .setMessage(change.apply(message))
        .build();
  }

  private static Decision classifyMessage(DnstapProto.Dnstap d, Options o) {
    return PayloadFilter.classify(Payload.of(d), o);
  }
}
