// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The raw-argument count of -v flags must agree with what picocli reads into the option, and the
 * count selects the original's levels.
 */
class LoggingTest {
  private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final String LIFECYCLE_LEVEL = "org.slf4j.simpleLogger.log.dnstap-replay";

  /** The original's ladder: errors, -v warnings, -vv info, -vvv debug, -vvvv (and more) trace. */
  @ParameterizedTest
  @CsvSource({
    "0,error,info",
    "1,warn,info",
    "2,info,info",
    "3,debug,debug",
    "4,trace,trace",
    "7,trace,trace"
  })
  void eachVTakesOneStepDownTheLadderWithStartAndStopAlwaysShown(
      int verbosity, String level, String lifecycleLevel) {
    Map<String, String> settings = Logging.settings(verbosity, Optional.of("dnstap-replay"));
    assertEquals(level, settings.get(DEFAULT_LEVEL));
    assertEquals(lifecycleLevel, settings.get(LIFECYCLE_LEVEL));
  }

  @Test
  void aCommandWithoutLifecycleLinesLogsOnTheLadderOnly() {
    Map<String, String> settings = Logging.settings(0, Optional.empty());
    assertEquals("error", settings.get(DEFAULT_LEVEL));
    assertFalse(
        settings.keySet().stream().anyMatch(k -> k.startsWith("org.slf4j.simpleLogger.log.")));
  }

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
