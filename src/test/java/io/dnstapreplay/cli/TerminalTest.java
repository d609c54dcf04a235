// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TerminalTest {
  @ParameterizedTest
  @CsvSource({
    "/dev/pts/3,true",
    "/dev/tty1,true",
    "/dev/null,false",
    "pipe:[123456],false",
    "/var/log/replay.log,false",
    "socket:[42],false"
  })
  void onlyTerminalDevicesAreTerminals(String target, boolean terminal) {
    assertEquals(terminal, Terminal.isTerminal(target));
  }
}
