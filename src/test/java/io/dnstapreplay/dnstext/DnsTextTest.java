// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.testing.KnotCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The text of every case in {@code src/test/resources/tools/dnstext/} is what the original's own
 * {@code fmt_dns_message} printed for those bytes (run outside this repository): each message kind
 * of the Knot capture, every record type and EDNS option the original names, and broken messages.
 */
class DnsTextTest {
  private static final Pattern FRAME = Pattern.compile("frame (\\d+) (query|response)");

  /** A golden case: its title, the message and the original's text. */
  record Case(String title, byte[] wire, String text) {
    @Override
    public String toString() {
      return title;
    }
  }

  static Stream<Arguments> goldenCases() {
    return Stream.of("capture-kinds", "record-types", "edns-options", "broken-messages")
        .flatMap(file -> cases(file).stream().map(c -> Arguments.of(file, c)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("goldenCases")
  void printsWhatTheOriginalPrints(String file, Case c) {
    assertEquals(c.text(), DnsText.format(c.wire()).text());
  }

  @Test
  void theGoldenFilesCoverEveryKindTheyName() {
    assertEquals(25, cases("capture-kinds").size());
    String edns = String.join("", cases("edns-options").stream().map(Case::text).toList());
    for (String option :
        List.of(
            "NSID",
            "DAU",
            "DHU",
            "N3U",
            "EXPIRE",
            "TCP-KEEPALIVE",
            "PADDING",
            "CLIENT-SUBNET",
            "COOKIE",
            "CHAIN",
            "KEY-TAG",
            "EXTENDED-DNS-ERROR",
            "OPT=")) {
      assertTrue(edns.contains("\n; " + option), option);
    }
  }

  @Test
  void aCompleteMessageHasNoProblem() {
    for (Case c : cases("capture-kinds")) {
      assertEquals(Optional.empty(), DnsText.format(c.wire()).problem(), c.title());
    }
  }

  @Test
  void whatIsLeftOutIsReported() {
    assertEquals(Optional.of("short message"), problem("broken-messages", "No header: empty"));
    assertEquals(
        Optional.of("the sections do not parse: unexpected end of input"),
        problem("broken-messages", "Header only, the question cut short"));
    assertEquals(
        Optional.of("record 1 of the ANSWER section: unexpected end of input"),
        problem("broken-messages", "Record data that does not parse"));
    assertEquals(
        Optional.of("record 1 of the ANSWER section: too many compression pointers"),
        problem("broken-messages", "A forward pointer"));
    assertEquals(
        Optional.of("the OPT record: option 5: invalid understood data"),
        problem("edns-options", "DAU with an odd number"));
  }

  /** Whatever the bytes, no exception, and lines that end in a line break. */
  @Test
  void anyBytesGiveText() {
    Random random = new Random(20_260_523);
    List<byte[]> messages = new ArrayList<>();
    for (String file : List.of("capture-kinds", "record-types", "edns-options")) {
      cases(file).forEach(c -> messages.add(c.wire()));
    }
    for (int run = 0; run < 20_000; run++) {
      byte[] wire = messages.get(random.nextInt(messages.size()));
      wire = Arrays.copyOf(wire, random.nextInt(wire.length + 1));
      for (int flips = random.nextInt(4); flips > 0 && wire.length > 0; flips--) {
        wire[random.nextInt(wire.length)] = (byte) random.nextInt(256);
      }
      String text = DnsText.format(wire).text();
      assertTrue(text.startsWith(";; ") && text.endsWith("\n"), HexFormat.of().formatHex(wire));
    }
  }

  private static Optional<String> problem(String file, String titleStart) {
    return cases(file).stream()
        .filter(c -> c.title().startsWith(titleStart))
        .findFirst()
        .map(c -> DnsText.format(c.wire()).problem())
        .orElseThrow();
  }

  /** The cases of a golden file: {@code === title}, a line of hex or a capture frame, the text. */
  static List<Case> cases(String file) {
    String content = resource("/tools/dnstext/" + file + ".txt");
    List<Case> cases = new ArrayList<>();
    for (String chunk : content.split("(?m)^=== ")) {
      if (chunk.startsWith("#")) {
        continue;
      }
      int titleEnd = chunk.indexOf('\n');
      int sourceEnd = chunk.indexOf('\n', titleEnd + 1);
      String source = chunk.substring(titleEnd + 1, sourceEnd);
      cases.add(
          new Case(chunk.substring(0, titleEnd), wire(source), chunk.substring(sourceEnd + 1)));
    }
    return cases;
  }

  private static byte[] wire(String source) {
    Matcher frame = FRAME.matcher(source);
    if (!frame.matches()) {
      return HexFormat.of().parseHex(source);
    }
    try {
      DnstapProto.Message m =
          DnstapProto.Dnstap.parseFrom(KnotCapture.frames().get(Integer.parseInt(frame.group(1))))
              .getMessage();
      return (frame.group(2).equals("query") ? m.getQueryMessage() : m.getResponseMessage())
          .toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = DnsTextTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
