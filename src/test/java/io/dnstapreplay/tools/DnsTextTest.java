// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DnsTextTest {
  /** Knot's answer to {@code example.test. NS}: two NS records and four glue addresses. */
  private static final byte[] NS_RESPONSE =
      HexFormat.of()
          .parseHex(
              "000185000001000200000004076578616d706c6504746573740000020001"
                  + "c00c0002000100000e100006036e7331c00c"
                  + "c00c0002000100000e100006036e7332c00c"
                  + "c02a0001000100000e100004c0000201"
                  + "c02a001c000100000e10001020010db8000000000000000000000001"
                  + "c03c0001000100000e100004c0000202"
                  + "c03c001c000100000e10001020010db8000000000000000000000002");

  private static final String HEADER_AND_ANSWERS =
      """
      ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1
      ;; flags: qr aa rd ; qd: 1 an: 2 au: 0 ad: 4
      ;; QUESTIONS:
      ;;	example.test., type = NS, class = IN

      ;; ANSWERS:
      example.test.		3600	IN	NS	ns1.example.test.
      example.test.		3600	IN	NS	ns2.example.test.

      ;; AUTHORITY RECORDS:

      ;; ADDITIONAL RECORDS:
      ns1.example.test.	3600	IN	A	192.0.2.1
      """;

  @Test
  void formatsAMessageDigStyleWithoutTrailingBlanks() {
    DnsText text = DnsText.format(NS_RESPONSE);
    assertEquals(
        HEADER_AND_ANSWERS
            + """
            ns1.example.test.	3600	IN	AAAA	2001:db8:0:0:0:0:0:1
            ns2.example.test.	3600	IN	A	192.0.2.2
            ns2.example.test.	3600	IN	AAAA	2001:db8:0:0:0:0:0:2

            ;; Message size: 154 bytes
            """,
        text.text());
    assertEquals(Optional.empty(), text.parseError());
  }

  @Test
  void showsWhatParsedBeforeTheError() {
    DnsText text = DnsText.format(Arrays.copyOf(NS_RESPONSE, 100));
    assertEquals(HEADER_AND_ANSWERS + "\n;; PARSE ERROR: truncated record\n", text.text());
    assertEquals(Optional.of("truncated record"), text.parseError());
  }

  @Test
  void stopsAtTheSectionThatFailed() {
    DnsText text = DnsText.format(Arrays.copyOf(NS_RESPONSE, 40));
    assertEquals(
        """
        ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1
        ;; flags: qr aa rd ; qd: 1 an: 2 au: 0 ad: 4
        ;; QUESTIONS:
        ;;	example.test., type = NS, class = IN

        ;; ANSWERS:

        ;; PARSE ERROR: end of input
        """,
        text.text());
  }

  @Test
  void withoutAHeaderOnlyTheErrorIsShown() {
    assertEquals(
        ";; PARSE ERROR: end of input\n", DnsText.format(Arrays.copyOf(NS_RESPONSE, 11)).text());
    assertEquals(";; PARSE ERROR: end of input\n", DnsText.format(new byte[0]).text());
  }

  /** Whatever the bytes, no exception, and text a YAML literal block holds unchanged. */
  @Test
  void anyBytesGivePrintableText() {
    Random random = new Random(20_260_523);
    for (int run = 0; run < 5_000; run++) {
      byte[] wire =
          run % 2 == 0
              ? mutate(NS_RESPONSE, random)
              : randomBytes(random, random.nextInt(NS_RESPONSE.length));
      String text = DnsText.format(wire).text();
      String input = HexFormat.of().formatHex(wire);
      assertTrue(text.matches("[\\t\\x20-\\x7e\\n]*"), input);
      assertTrue(YamlDocumentWriter.fitsLiteralBlock(text), input + "\n" + text);
    }
  }

  private static byte[] mutate(byte[] wire, Random random) {
    byte[] copy = Arrays.copyOf(wire, random.nextInt(wire.length + 1));
    for (int flips = random.nextInt(4); flips > 0 && copy.length > 0; flips--) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
