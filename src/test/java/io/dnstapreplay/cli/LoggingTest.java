// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The raw-argument count of -v flags must agree with what picocli reads into the option. */
class LoggingTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--dns 127.0.0.1:53|0",
        "-v|1",
        "-vv|2",
        "-v -v -v|3",
        "--verbose|1",
        "--verbose -vv|3",
        "-vvvv|4",
        "--unix /tmp/-v.sock|0",
        "-v -- -v|1",
      })
  void countsVerboseFlagsLikePicocli(String args, int expected) {
    assertEquals(expected, Logging.verbosity(args.split(" ")));
  }
}
