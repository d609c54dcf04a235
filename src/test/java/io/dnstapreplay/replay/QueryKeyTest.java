// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryKeyTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Header of id 1234 with QDCOUNT 1. */
  private static final String HEADER = "123401000001000000000000";

  @Test
  void keysAQueryByIdAndQuestion() {
    QueryKey key = QueryKey.of(query(0x1234, "www.example.com.", Type.A, DClass.IN));
    assertEquals(0x1234, key.id());
    assertTrue(key.hasQuestion());
    assertEquals(
        "QueryKey[id=4660, question=03777777076578616d706c6503636f6d00" + "0001" + "0001]",
        key.toString());
  }

  @Test
  void aResponseHasTheKeyOfItsQuery() throws Exception {
    byte[] query = query(0xbeef, "www.example.com.", Type.A, DClass.IN);
    Message response = new Message(query);
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    response.addRecord(
        new ARecord(
            Name.fromString("www.example.com."),
            DClass.IN,
            300,
            InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1})),
        Section.ANSWER);
    byte[] wire = response.toWire();

    assertEquals(QueryKey.of(query), QueryKey.of(wire));
    assertEquals(QueryKey.of(query).hashCode(), QueryKey.of(wire).hashCode());
  }

  @Test
  void ignoresEdnsAndOtherSectionsAfterTheQuestion() {
    Message withEdns = queryMessage(7, "example.org.", Type.MX, DClass.IN);
    withEdns.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
    assertEquals(
        QueryKey.of(query(7, "example.org.", Type.MX, DClass.IN)), QueryKey.of(withEdns.toWire()));
  }

  @Test
  void differsByIdTypeClassAndName() {
    QueryKey key = QueryKey.of(query(1, "example.org.", Type.A, DClass.IN));
    assertNotEquals(key, QueryKey.of(query(2, "example.org.", Type.A, DClass.IN)));
    assertNotEquals(key, QueryKey.of(query(1, "example.org.", Type.AAAA, DClass.IN)));
    assertNotEquals(key, QueryKey.of(query(1, "example.org.", Type.A, DClass.CH)));
    assertNotEquals(key, QueryKey.of(query(1, "example.net.", Type.A, DClass.IN)));
  }

  @Test
  void comparesTheNameCaseSensitively() {
    assertNotEquals(
        QueryKey.of(query(1, "example.org.", Type.A, DClass.IN)),
        QueryKey.of(query(1, "EXAMPLE.org.", Type.A, DClass.IN)));
  }

  @Test
  void keysTheRootName() {
    QueryKey key = QueryKey.of(HEX.parseHex(HEADER + "00" + "0002" + "0001"));
    assertTrue(key.hasQuestion());
    assertEquals(QueryKey.of(query(0x1234, ".", Type.NS, DClass.IN)), key);
  }

  @Test
  void keysOnlyTheFirstQuestion() {
    String twoQuestions = "123401000002000000000000" + "016100" + "00010001";
    assertEquals(
        QueryKey.of(HEX.parseHex(twoQuestions + "016200" + "00010001")),
        QueryKey.of(HEX.parseHex(twoQuestions + "016300" + "000f0001")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12", "1234010000010000000000"})
  void hasNoKeyBelowAFullHeader(String hex) {
    assertNull(QueryKey.of(HEX.parseHex(hex)));
  }

  @Test
  void keysByIdAloneWithoutQuestions() {
    QueryKey formerr = QueryKey.of(HEX.parseHex("123481010000000000000000"));
    assertEquals(0x1234, formerr.id());
    assertFalse(formerr.hasQuestion());
    assertEquals(formerr, QueryKey.of(HEX.parseHex("123401000000000000000000" + "ffff")));
    assertNotEquals(formerr, QueryKey.of(HEX.parseHex("123501000000000000000000")));
    assertNotEquals(formerr, QueryKey.of(query(0x1234, "example.org.", Type.A, DClass.IN)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // QDCOUNT 1 but nothing follows
        "0161", // label runs to the end, no root
        "05616263", // label longer than what is left
        "0161c00c00010001", // compression pointer in the question
        "4061", // extended label type 0b01
        "8061", // reserved label type 0b10
        "016100", // name without type and class
        "016100000100", // class cut short
      })
  void keysByIdAloneWhenTheQuestionDoesNotParse(String question) {
    QueryKey key = QueryKey.of(HEX.parseHex(HEADER + question));
    assertEquals(0x1234, key.id());
    assertFalse(key.hasQuestion());
  }

  /** Label bytes that would form a parseable question if read as plain label lengths. */
  @ParameterizedTest
  @ValueSource(ints = {0x40, 0x80, 0xC0})
  void keysByIdAloneForLabelTypesOtherThanPlain(int labelByte) {
    String question =
        HEX.toHexDigits((byte) labelByte) + "61".repeat(labelByte) + "00" + "00010001";
    assertFalse(QueryKey.of(HEX.parseHex(HEADER + question)).hasQuestion());
  }

  @Test
  void acceptsNamesOfUpTo255Bytes() {
    // 3 labels of 63 and one of 61: 3 * 64 + 62 + root = 255 bytes
    String longest = label(63).repeat(3) + label(61) + "00";
    assertTrue(QueryKey.of(HEX.parseHex(HEADER + longest + "00010001")).hasQuestion());

    String tooLong = label(63).repeat(3) + label(62) + "00";
    assertFalse(QueryKey.of(HEX.parseHex(HEADER + tooLong + "00010001")).hasQuestion());
  }

  @Test
  void doesNotKeepTheMessage() {
    byte[] message = query(9, "example.org.", Type.A, DClass.IN);
    QueryKey key = QueryKey.of(message);
    message[13] = 'X';
    assertEquals(QueryKey.of(query(9, "example.org.", Type.A, DClass.IN)), key);
  }

  private static String label(int length) {
    return HEX.toHexDigits((byte) length) + "61".repeat(length);
  }

  private static byte[] query(int id, String name, int type, int dclass) {
    return queryMessage(id, name, type, dclass).toWire();
  }

  private static Message queryMessage(int id, String name, int type, int dclass) {
    try {
      Message message = Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass));
      message.getHeader().setID(id);
      return message;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
