// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HexInputTest {
  @Test
  void ignoresWhitespaceAndCase() {
    assertArrayEquals(
        new byte[] {0x00, 0x29, (byte) 0x85, (byte) 0xAB}, HexInput.parse(" 0029\n85\taB\r\n"));
  }

  @Test
  void namesTheFirstCharacterThatIsNotHex() {
    assertEquals(
        "'g' at position 4 is not a hex digit",
        assertThrows(IllegalArgumentException.class, () -> HexInput.parse("00 g1")).getMessage());
    assertEquals(
        "'\uff11' at position 1 is not a hex digit",
        assertThrows(IllegalArgumentException.class, () -> HexInput.parse("\uff11\uff11"))
            .getMessage());
  }

  @Test
  void refusesAnOddNumberOfDigitsAndNoDigits() {
    assertEquals(
        "odd number of hex digits (3): a byte is two digits",
        assertThrows(IllegalArgumentException.class, () -> HexInput.parse("00 1")).getMessage());
    assertEquals(
        "no hex digits",
        assertThrows(IllegalArgumentException.class, () -> HexInput.parse(" \n")).getMessage());
  }
}
