// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static io.dnstapreplay.tools.ToolsFixtures.captureMessage;
import static io.dnstapreplay.tools.ToolsFixtures.dump;
import static io.dnstapreplay.tools.ToolsFixtures.resource;
import static io.dnstapreplay.tools.ToolsFixtures.tap;
import static io.dnstapreplay.tools.ToolsFixtures.tapOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.dnstext.DnsText;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.failure.FailureRecord.Kind;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.tools.DnstapDump.Format;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnstapDumpTest {
  private static DnstapProto.Dnstap whoami() {
    return captureMessage(ToolsFixtures.WHOAMI_A_UDP);
  }

  @Test
  void knotMessagesDumpAsTheGoldenYaml() {
    List<byte[]> all = KnotCapture.frames();
    List<byte[]> frames =
        List.of(
            all.get(ToolsFixtures.SOA),
            all.get(ToolsFixtures.SOA_EDNS),
            all.get(ToolsFixtures.WHOAMI_A_TCP),
            all.get(ToolsFixtures.WHOAMI_AAAA_IPV6));
    assertEquals(resource("knot-messages.yaml"), dump(tap(frames), Format.YAML));
  }

  @Test
  void eachExtraKindDumpsAsTheGoldenYaml() {
    byte[] tap = ToolsFixtures.extraKindsTap();
    assertEquals(resource("extra-kinds.yaml"), dump(tap, Format.YAML));
  }

  @Test
  void aMismatchThatOnlyEncodesDifferentlySaysSo() {
    byte[] logged = whoami().getMessage().getResponseMessage().toByteArray();
    byte[] padded = java.util.Arrays.copyOf(logged, logged.length + 3);
    String yaml =
        dump(
            tapOf(ToolsFixtures.withExtra(FailureRecord.encode(Kind.MISMATCH, padded))),
            Format.YAML);
    assertTrue(
        yaml.contains(
            "  mismatch_diff: |\n"
                + "    (same text: the messages differ only in their encoding)\n"
                + "  mismatch_classes: \"compression\"\n"
                + "  mismatch_fields: |\n"
                + "    compression: equal when parsed, "
                + logged.length
                + " bytes -> "
                + padded.length
                + " bytes\n"
                + "message:\n"),
        yaml);
  }

  @Test
  void aMismatchWithoutALoggedResponseHasNoDiff() {
    DnstapProto.Dnstap d =
        ToolsFixtures.withExtra(FailureRecord.encode(Kind.MISMATCH, new byte[] {1, 2}));
    d = d.toBuilder().setMessage(d.getMessage().toBuilder().clearResponseMessage()).build();
    String yaml = dump(tapOf(d), Format.YAML);
    assertTrue(yaml.contains("  mismatch_bytes: \"0102\"\n"), yaml);
    assertTrue(yaml.contains("    ;; PARSE ERROR: short message\n"), yaml);
    assertFalse(yaml.contains("mismatch_diff"), yaml);
  }

  @Test
  void jsonLinesHaveTheYamlKeysInOrder() {
    String json = dump(tap(KnotCapture.frames()), Format.JSON);
    List<String> lines = json.lines().toList();
    assertEquals(KnotCapture.FRAMES, lines.size());
    assertTrue(json.endsWith("}\n"));
    Map<String, Object> doc = MiniJson.object(lines.get(ToolsFixtures.WHOAMI_AAAA_IPV6));
    assertEquals(List.of("type", "identity", "version", "message"), new ArrayList<>(doc.keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) doc.get("message");
    assertEquals(
        List.of(
            "type",
            "response_time",
            "socket_family",
            "socket_protocol",
            "query_address",
            "response_address",
            "query_port",
            "response_port",
            "query_message_bytes",
            "query_message_formatted",
            "response_message_bytes",
            "response_message_formatted"),
        new ArrayList<>(m.keySet()));
    assertEquals("2026-11-23T11:46:14.366407202Z", m.get("response_time"));
    assertEquals("INET6", m.get("socket_family"));
    assertEquals("::1", m.get("query_address"));
    assertEquals(37600L, m.get("query_port"));
    DnstapProto.Message logged = captureMessage(ToolsFixtures.WHOAMI_AAAA_IPV6).getMessage();
    assertEquals(
        DnsText.format(logged.getResponseMessage().toByteArray()).text(),
        m.get("response_message_formatted"));
    for (String line : lines) {
      MiniJson.object(line);
    }
  }

  @Test
  void jsonHasTheMismatchDiff() {
    byte[] received = ToolsFixtures.whoamiAnsweredWith(10, 1, 2, 3);
    String json =
        dump(
            tapOf(ToolsFixtures.withExtra(FailureRecord.encode(Kind.MISMATCH, received))),
            Format.JSON);
    @SuppressWarnings("unchecked")
    Map<String, Object> extra = (Map<String, Object>) MiniJson.object(json).get("extra");
    assertEquals(
        List.of(
            "bytes",
            "type",
            "mismatch_bytes",
            "mismatch_formatted",
            "mismatch_diff",
            "mismatch_classes",
            "mismatch_fields"),
        new ArrayList<>(extra.keySet()));
    assertEquals("answer", extra.get("mismatch_classes"));
    assertEquals(
        "answer: changed whoami.test. IN A [127.0.0.1] -> [10.1.2.3]\n",
        extra.get("mismatch_fields"));
    assertEquals("DRDH_MISMATCH", extra.get("type"));
    assertEquals(
        "--- logged response\n+++ received response\n@@ -7,2 +7,2 @@\n ;; ANSWER SECTION:\n"
            + "-whoami.test. 60 IN A 127.0.0.1\n+whoami.test. 60 IN A 10.1.2.3\n",
        extra.get("mismatch_diff"));
  }

  @Test
  void enumNamesAreUpperSnakeCaseLikeTheOriginals() {
    assertEquals("AUTH_RESPONSE", DnstapDocument.enumName(DnstapProto.Message.Type.AUTH_RESPONSE));
    assertEquals("INET6", DnstapDocument.enumName(DnstapProto.SocketFamily.INET6));
    assertEquals("DOH", DnstapDocument.enumName(SocketProtocol.DOH));
    assertEquals("DNS_CRYPT_UDP", DnstapDocument.enumName(SocketProtocol.DNSCryptUDP));
    assertEquals("DNS_CRYPT_TCP", DnstapDocument.enumName(SocketProtocol.DNSCryptTCP));
    assertEquals("HTTP2", DnstapDocument.enumName(DnstapProto.HttpProtocol.HTTP2));
  }

  @Test
  void fieldsThatCannotBeShownAsTheirTypeAreLeftOut() {
    DnstapProto.Message m =
        DnstapProto.Message.newBuilder()
            .setType(DnstapProto.Message.Type.CLIENT_QUERY)
            .setQueryAddress(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5}))
            .setResponseAddress(ByteString.copyFrom(new byte[] {1, 2, 3, 4}))
            .setQueryTimeSec(253_402_300_800L)
            .setResponseTimeSec(253_402_300_799L)
            .setResponseTimeNsec(999_999_999)
            .setQueryPort(-1)
            .build();
    DnstapProto.Dnstap d = DnstapProto.Dnstap.newBuilder().setMessage(m).buildPartial();
    assertEquals(
        """
        message:
          type: CLIENT_QUERY
          response_time: !!timestamp 9999-12-31 23:59:59.999999999
          response_address: "1.2.3.4"
          query_port: 4294967295
        ---
        """,
        dump(tapOf(d), Format.YAML));
    DnstapProto.Dnstap negative =
        d.toBuilder().setMessage(m.toBuilder().setResponseTimeSec(-1)).buildPartial();
    assertFalse(dump(tapOf(negative), Format.YAML).contains("time"));
  }

  /**
   * As the original: a time without nanoseconds has no fraction, and nanoseconds are printed as
   * they are, nine digits or more.
   */
  @Test
  void timesHaveAFractionOnlyWithNanoseconds() {
    DnstapProto.Message m =
        DnstapProto.Message.newBuilder()
            .setQueryTimeSec(1_795_434_374L)
            .setResponseTimeSec(1_795_434_374L)
            .setResponseTimeNsec(0)
            .buildPartial();
    DnstapProto.Dnstap d = DnstapProto.Dnstap.newBuilder().setMessage(m).buildPartial();
    assertEquals(
        """
        message:
          query_time: !!timestamp 2026-11-23 11:46:14
          response_time: !!timestamp 2026-11-23 11:46:14.000000000
        ---
        """,
        dump(tapOf(d), Format.YAML));
    assertTrue(
        dump(tapOf(d), Format.JSON)
            .contains(
                "\"query_time\":\"2026-11-23T11:46:14Z\","
                    + "\"response_time\":\"2026-11-23T11:46:14.000000000Z\""));
    DnstapProto.Dnstap tooManyNanos =
        d.toBuilder()
            .setMessage(m.toBuilder().setResponseTimeNsec(-1).buildPartial())
            .buildPartial();
    assertTrue(
        dump(tapOf(tooManyNanos), Format.YAML)
            .contains("  response_time: !!timestamp 2026-11-23 11:46:14.4294967295\n"));
  }

  @Test
  void ipv6AddressesAreCompressedAndIpv4MappedOnesDotted() {
    byte[] v6 = HexFormat.of().parseHex("20010db8000000000000000000000053");
    byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffffc0000001");
    DnstapProto.Message m =
        DnstapProto.Message.newBuilder()
            .setQueryAddress(ByteString.copyFrom(v6))
            .setResponseAddress(ByteString.copyFrom(mapped))
            .buildPartial();
    String yaml =
        dump(tapOf(DnstapProto.Dnstap.newBuilder().setMessage(m).buildPartial()), Format.YAML);
    assertEquals(
        "message:\n  query_address: \"2001:db8::53\"\n  response_address: \"::ffff:192.0.0.1\"\n---\n",
        yaml);
  }

  @Test
  void identityAndVersionAreEscapedAndBadUtf8Replaced() {
    DnstapProto.Dnstap d =
        DnstapProto.Dnstap.newBuilder()
            .setType(DnstapProto.Dnstap.Type.MESSAGE)
            .setIdentity(ByteString.copyFromUtf8("ns\"1\"\\\n"))
            .setVersion(ByteString.copyFrom(new byte[] {'v', (byte) 0xff, 0, 0x1b}))
            .build();
    assertEquals(
        "type: MESSAGE\nidentity: \"ns\\\"1\\\"\\\\\\n\"\nversion: \"v\ufffd\\0\\x1B\"\n---\n",
        dump(tapOf(d), Format.YAML));
    assertEquals(
        "{\"type\":\"MESSAGE\",\"identity\":\"ns\\\"1\\\"\\\\\\n\","
            + "\"version\":\"v\ufffd\\u0000\\u001b\"}\n",
        dump(tapOf(d), Format.JSON));
  }
}
