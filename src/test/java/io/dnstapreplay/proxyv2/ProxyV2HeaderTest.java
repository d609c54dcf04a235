// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.proxyv2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.proxyv2.ProxyV2Header.Timespec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.NetUtil;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyV2HeaderTest {
  private static final HexFormat HEX = HexFormat.of();

  private static final byte[] IPV4 = HEX.parseHex("c0000201"); // 192.0.2.1
  private static final byte[] IPV6 = HEX.parseHex("20010db8000000000000000000000001");
  private static final Timespec TIMESPEC = new Timespec(1_700_000_000L, 123_456_789);

  private static final String IPV4_GOLDEN =
      "0d0a0d0a000d0a515549540a" + "21" + "12" + "000c" + "c0000201" + "00000000" + "3039" + "0035";
  private static final String IPV4_TIMESPEC_GOLDEN =
      "0d0a0d0a000d0a515549540a"
          + "21"
          + "12"
          + "001b"
          + "c0000201"
          + "00000000"
          + "3039"
          + "0035"
          + "ea"
          + "000c"
          + "00f1536500000000"
          + "15cd5b07";
  private static final String IPV6_GOLDEN =
      "0d0a0d0a000d0a515549540a"
          + "21"
          + "22"
          + "0024"
          + "20010db8000000000000000000000001"
          + "00000000000000000000000000000000"
          + "cf08"
          + "0035";
  private static final String IPV6_TIMESPEC_GOLDEN =
      "0d0a0d0a000d0a515549540a"
          + "21"
          + "22"
          + "0033"
          + "20010db8000000000000000000000001"
          + "00000000000000000000000000000000"
          + "cf08"
          + "0035"
          + "ea"
          + "000c"
          + "00f1536500000000"
          + "15cd5b07";

  @Test
  void encodesIpv4() {
    assertEquals(IPV4_GOLDEN, HEX.formatHex(encode(IPV4, 12345, null)));
  }

  @Test
  void encodesIpv4WithTimespec() {
    assertEquals(IPV4_TIMESPEC_GOLDEN, HEX.formatHex(encode(IPV4, 12345, TIMESPEC)));
  }

  @Test
  void encodesIpv6() {
    assertEquals(IPV6_GOLDEN, HEX.formatHex(encode(IPV6, 53000, null)));
  }

  @Test
  void encodesIpv6WithTimespec() {
    assertEquals(IPV6_TIMESPEC_GOLDEN, HEX.formatHex(encode(IPV6, 53000, TIMESPEC)));
  }

  @Test
  void writesTimespecFieldsAsUnsignedLittleEndian() {
    byte[] header = encode(IPV4, 0, new Timespec(-1L, Integer.MIN_VALUE));
    assertEquals(
        "ea000c" + "ffffffffffffffff" + "00000080",
        HEX.formatHex(header, header.length - ProxyV2Header.TIMESPEC_TLV_LENGTH, header.length));
  }

  @Test
  void appendsToWhatTheBufferAlreadyHolds() {
    ByteBuf out = Unpooled.buffer();
    try {
      out.writeByte(0x99);
      ProxyV2Header.encode(out, IPV4, 12345, null);
      assertEquals("99" + IPV4_GOLDEN, ByteBufUtil.hexDump(out));
    } finally {
      out.release();
    }
  }

  @Test
  void lengthMatchesTheGoldenVectors() {
    assertEquals(IPV4_GOLDEN.length() / 2, ProxyV2Header.length(4, false));
    assertEquals(IPV4_TIMESPEC_GOLDEN.length() / 2, ProxyV2Header.length(4, true));
    assertEquals(IPV6_GOLDEN.length() / 2, ProxyV2Header.length(16, false));
    assertEquals(IPV6_TIMESPEC_GOLDEN.length() / 2, ProxyV2Header.length(16, true));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 5, 15, 17})
  void rejectsAddressesOfAnotherLength(int addressLength) {
    assertThrows(IllegalArgumentException.class, () -> ProxyV2Header.length(addressLength, false));
    assertRejectedWithoutWriting(new byte[addressLength], 53);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void rejectsPortsOutsideTheU16Range(int port) {
    assertRejectedWithoutWriting(IPV4, port);
    assertRejectedWithoutWriting(IPV6, port);
  }

  @Test
  void acceptsTheExtremePorts() {
    assertEquals("0000" + "0035", portsOf(encode(IPV4, 0, null)));
    assertEquals("ffff" + "0035", portsOf(encode(IPV4, 65535, null)));
  }

  /**
   * Proof that writing the bytes ourselves changes nothing on the wire: Netty's own encoder, fed
   * the same header as an {@link HAProxyMessage}, produces identical bytes.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void nettyEncoderProducesIdenticalBytes(boolean withTimespec) {
    Timespec timespec = withTimespec ? TIMESPEC : null;
    assertArrayEquals(encode(IPV4, 12345, timespec), nettyEncode(IPV4, 12345, timespec));
    assertArrayEquals(encode(IPV6, 53000, timespec), nettyEncode(IPV6, 53000, timespec));
  }

  @Test
  void nettyDecoderReadsOurHeaderAndPassesTheQueryThrough() {
    byte[] query = HEX.parseHex("abcd01000001000000000000");
    EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
    try {
      ByteBuf datagram = Unpooled.buffer();
      ProxyV2Header.encode(datagram, IPV6, 53000, TIMESPEC);
      datagram.writeBytes(query);
      channel.writeInbound(datagram);

      HAProxyMessage message = channel.readInbound();
      try {
        assertDecodedAs(message, IPV6, 53000, TIMESPEC);
      } finally {
        message.release();
      }
      ByteBuf rest = channel.readInbound();
      try {
        assertArrayEquals(query, ByteBufUtil.getBytes(rest));
      } finally {
        rest.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /** Seeded, so a failure names a case that reproduces. */
  private static final long SEED = 0x5eed_2026L;

  private static final int RANDOM_CASES = 300;

  private record Case(byte[] address, int port, Timespec timespecOrNull) {}

  private static List<Case> randomCases() {
    java.util.Random random = new java.util.Random(SEED);
    List<Case> cases = new java.util.ArrayList<>();
    for (int i = 0; i < RANDOM_CASES; i++) {
      byte[] address = new byte[random.nextBoolean() ? 4 : 16];
      random.nextBytes(address);
      Timespec t =
          random.nextInt(10) < 3 ? null : new Timespec(random.nextLong(), random.nextInt());
      cases.add(new Case(address, random.nextInt(65536), t));
    }
    return cases;
  }

  @Test
  void nettyDecoderAgreesOnRandomHeaders() {
    for (Case c : randomCases()) {
      EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
      try {
        channel.writeInbound(
            Unpooled.wrappedBuffer(encode(c.address(), c.port(), c.timespecOrNull())));
        HAProxyMessage message = channel.readInbound();
        try {
          assertDecodedAs(message, c.address(), c.port(), c.timespecOrNull());
        } finally {
          message.release();
        }
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }

  @Test
  void nettyEncoderAgreesOnRandomHeaders() {
    for (Case c : randomCases()) {
      assertArrayEquals(
          nettyEncode(c.address(), c.port(), c.timespecOrNull()),
          encode(c.address(), c.port(), c.timespecOrNull()),
          c.toString());
    }
  }

  private static void assertDecodedAs(
      HAProxyMessage message, byte[] address, int port, Timespec timespecOrNull) {
    assertEquals(HAProxyProtocolVersion.V2, message.protocolVersion());
    assertEquals(HAProxyCommand.PROXY, message.command());
    assertEquals(
        address.length == 4 ? HAProxyProxiedProtocol.UDP4 : HAProxyProxiedProtocol.UDP6,
        message.proxiedProtocol());
    assertArrayEquals(address, NetUtil.createByteArrayFromIpAddressString(message.sourceAddress()));
    assertArrayEquals(
        new byte[address.length],
        NetUtil.createByteArrayFromIpAddressString(message.destinationAddress()));
    assertEquals(port, message.sourcePort());
    assertEquals(53, message.destinationPort());
    if (timespecOrNull == null) {
      assertTrue(message.tlvs().isEmpty());
      return;
    }
    assertEquals(1, message.tlvs().size());
    HAProxyTLV tlv = message.tlvs().get(0);
    assertEquals(HAProxyTLV.Type.OTHER, tlv.type());
    assertEquals((byte) 0xEA, tlv.typeByteValue());
    assertEquals(12, tlv.content().readableBytes());
    assertEquals(timespecOrNull.seconds(), tlv.content().getLongLE(0));
    assertEquals(timespecOrNull.nanos(), tlv.content().getIntLE(8));
  }

  private static byte[] encode(byte[] address, int port, Timespec timespecOrNull) {
    ByteBuf out = Unpooled.buffer();
    try {
      ProxyV2Header.encode(out, address, port, timespecOrNull);
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  private static void assertRejectedWithoutWriting(byte[] address, int port) {
    ByteBuf out = Unpooled.buffer();
    try {
      assertThrows(
          IllegalArgumentException.class, () -> ProxyV2Header.encode(out, address, port, null));
      assertEquals(0, out.writerIndex());
    } finally {
      out.release();
    }
  }

  private static String portsOf(byte[] header) {
    return HEX.formatHex(header, header.length - 4, header.length);
  }

  private static byte[] nettyEncode(byte[] address, int port, Timespec timespecOrNull) {
    boolean ipv4 = address.length == 4;
    List<HAProxyTLV> tlvs = List.of();
    if (timespecOrNull != null) {
      ByteBuf value = Unpooled.buffer(12);
      value.writeLongLE(timespecOrNull.seconds()).writeIntLE(timespecOrNull.nanos());
      tlvs = List.of(new HAProxyTLV((byte) 0xEA, value));
    }
    HAProxyMessage message =
        new HAProxyMessage(
            HAProxyProtocolVersion.V2,
            HAProxyCommand.PROXY,
            ipv4 ? HAProxyProxiedProtocol.UDP4 : HAProxyProxiedProtocol.UDP6,
            NetUtil.bytesToIpAddress(address),
            ipv4 ? "0.0.0.0" : "::",
            port,
            53,
            tlvs);
    EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    try {
      channel.writeOutbound(message);
      ByteBuf encoded = channel.readOutbound();
      try {
        return ByteBufUtil.getBytes(encoded);
      } finally {
        encoded.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
