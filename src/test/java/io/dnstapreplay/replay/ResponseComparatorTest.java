// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.replay.ResponseComparator.Result;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseComparatorTest {
  private static final HexFormat HEX = HexFormat.of();

  /** id abcd, flags QR AA (8400), one question, one answer. */
  private static final byte[] ANSWER = HEX.parseHex("abcd84000001000100000000");

  /** The same with a different answer count. */
  private static final byte[] OTHER_ANSWER = HEX.parseHex("abcd84000001000200000000");

  /** The same header with TC set (8600). */
  private static final byte[] TRUNCATED = HEX.parseHex("abcd86000001000000000000");

  @Test
  void equalBytesMatch() {
    assertEquals(Result.MATCHED, ResponseComparator.compare(ANSWER, ANSWER.clone(), false));
    assertEquals(Result.MATCHED, ResponseComparator.compare(ANSWER, ANSWER.clone(), true));
    assertEquals(Result.MATCHED, ResponseComparator.compare(new byte[0], new byte[0], false));
  }

  @Test
  void equalTruncatedBytesStillMatch() {
    assertEquals(Result.MATCHED, ResponseComparator.compare(TRUNCATED, TRUNCATED.clone(), true));
  }

  @Test
  void differentBytesMismatch() {
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(ANSWER, OTHER_ANSWER, false));
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(ANSWER, OTHER_ANSWER, true));
  }

  @Test
  void aPrefixIsAMismatch() {
    byte[] longer = HEX.parseHex("abcd8400000100010000000000");
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(ANSWER, longer, true));
  }

  @Test
  void truncationOnEitherSideIsForgivenOnlyWithIgnoreTc() {
    assertEquals(Result.UDP_TC_IGNORED, ResponseComparator.compare(TRUNCATED, ANSWER, true));
    assertEquals(Result.UDP_TC_IGNORED, ResponseComparator.compare(ANSWER, TRUNCATED, true));
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(TRUNCATED, ANSWER, false));
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(ANSWER, TRUNCATED, false));
  }

  @Test
  void aShortMessageIsNeverTruncated() {
    byte[] shortWithTcBit = HEX.parseHex("abcd860000010000000000");
    assertFalse(ResponseComparator.hasTc(shortWithTcBit));
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(shortWithTcBit, ANSWER, true));
    assertEquals(Result.MISMATCHED, ResponseComparator.compare(ANSWER, shortWithTcBit, true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "02", "0002", "000002"})
  void hasTcNeedsAFullHeader(String hex) {
    assertFalse(ResponseComparator.hasTc(HEX.parseHex(hex)));
  }

  @Test
  void hasTcReadsOnlyBit0x02OfByte2() {
    assertTrue(ResponseComparator.hasTc(TRUNCATED));
    assertTrue(ResponseComparator.hasTc(HEX.parseHex("000002000000000000000000")));
    assertFalse(ResponseComparator.hasTc(ANSWER));
    assertFalse(ResponseComparator.hasTc(HEX.parseHex("0000fd000000000000000000")));
    assertFalse(ResponseComparator.hasTc(HEX.parseHex("0202000202020202020202ff")));
  }
}
