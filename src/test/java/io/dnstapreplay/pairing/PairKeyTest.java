// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pairing key from DNS wire bytes: header, question section, and what does not parse. */
class PairKeyTest {
  private static final Message CLIENT = PairingMessages.base(Message.Type.AUTH_QUERY, 5300).build();

  /** ID abcd, flags 0100 (RD), one question: www.example.test A IN. */
  private static final String QUERY =
      "abcd01000001000000000000" + "03777777076578616d706c650474657374000001" + "0001";

  /** Its response: other flags and counts, an answer (compressed to the question) after it. */
  private static final String RESPONSE =
      "abcd85000001000100000000"
          + "03777777076578616d706c650474657374000001"
          + "0001"
          + "c00c000100010000003c0004c0000251";

  private static PairKey key(String hex) {
    return PairKey.of(CLIENT, ByteString.copyFrom(HexFormat.of().parseHex(hex)));
  }

  @Test
  void aQueryAndItsResponseShareTheKey() {
    assertEquals(key(QUERY), key(RESPONSE));
    assertEquals(key(QUERY).hashCode(), key(RESPONSE).hashCode());
  }

  @Test
  void theIdAndEveryByteOfTheQuestionCount() {
    assertNotEquals(key(QUERY), key("abce" + QUERY.substring(4)));
    // 0x20: "Www" instead of "www"
    assertNotEquals(key(QUERY), key(QUERY.replaceFirst("03777777", "03577777")));
    // AAAA instead of A; class CH instead of IN
    assertNotEquals(key(QUERY), key(QUERY.substring(0, QUERY.length() - 8) + "001c0001"));
    assertNotEquals(key(QUERY), key(QUERY.substring(0, QUERY.length() - 4) + "0003"));
  }

  @Test
  void everyQuestionOfTheSectionCounts() {
    String q1 = "03777777076578616d706c650474657374000001" + "0001";
    String q2 = "036674700474657374000001" + "0001";
    String two = "abcd01000002000000000000" + q1 + q2;
    assertEquals(key(two), key(two + "c00c000100010000003c0004c0000251"));
    assertNotEquals(key(two), key(QUERY));
    assertNotEquals(key(two), key(two.replace("036674700474", "036674710474")));
  }

  @Test
  void aPointerEndsAName() {
    String pointer = "abcd01000001000000000000" + "03777777c00c" + "00010001";
    assertEquals(key(pointer), key(pointer + "00"));
    assertNotEquals(key(pointer), key(pointer.replace("c00c", "c00d")));
  }

  /** A section that does not parse leaves the ID: such a query pairs by ID and client alone. */
  @ParameterizedTest
  @CsvSource({
    // name runs past the end
    "abcd0100000100000000000003777777",
    // type and class cut short
    "abcd01000001000000000000037777770000",
    // reserved label type 0x40
    "abcd01000001000000000000417777770000010001",
    // a second question is missing
    "abcd0100000200000000000003777777000001" + "0001",
  })
  void aQuestionThatDoesNotParseIsLeftOut(String hex) {
    assertEquals(key(hex), key("abcd81800001000000000000ffff"));
    assertNotEquals(key(hex), key(QUERY));
  }

  @Test
  void aNameLongerThan255BytesDoesNotParse() {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      name.append("3f").append("61".repeat(63));
    }
    String tooLong = "abcd01000001000000000000" + name + "00" + "00010001";
    assertEquals(key(tooLong), key("abcd8180000100000000000000"));
  }

  @Test
  void noQuestionIsAnEmptySection() {
    String none = "abcd01000000000000000000";
    assertEquals(key(none), key(none + "ffff"));
    assertNotEquals(key(none), key("abcd0100000100000000000000"));
  }

  @Test
  void shorterThanAHeaderHasNoKey() {
    assertNull(key("abcd0100000100000000"));
    assertNull(key(""));
  }
}
