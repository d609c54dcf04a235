// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.util.regex.Pattern;

/**
 * Logging sets slf4j-simple's levels from {@code -v} flags. slf4j-simple reads its settings once,
 * when the first logger is created, and option parsing already creates loggers (Netty's address
 * parser has one), so commands call this from {@code main} with the raw arguments, before picocli
 * sees them.
 */
final class Logging {
  private static final String[] LEVELS = {"warn", "info", "debug", "trace"};
  private static final String MONITOR_PACKAGE = "io.dnstapreplay.monitor";
  private static final Pattern SHORT_FLAGS = Pattern.compile("-v+");
  private static final String LONG_FLAG = "--verbose";
  private static final String END_OF_OPTIONS = "--";

  private Logging() {}

  /**
   * The number of {@code -v} flags in {@code args} as picocli counts them ({@code -v -v}, {@code
   * -vv}, {@code --verbose}), up to {@code --}.
   */
  static int verbosity(String[] args) {
    int n = 0;
    for (String a : args) {
      if (a.equals(END_OF_OPTIONS)) {
        break;
      }
      if (a.equals(LONG_FLAG)) {
        n++;
      } else if (SHORT_FLAGS.matcher(a).matches()) {
        n += a.length() - 1;
      }
    }
    return n;
  }

  /**
   * @param verbosity number of {@code -v} flags
   * @param lifecycleLogger a logger kept at info at least, so start-up and shutdown are visible (as
   *     are match-status changes)
   */
  static void configure(int verbosity, String lifecycleLogger) {
    String level = LEVELS[Math.min(verbosity, LEVELS.length - 1)];
    String atLeastInfo = verbosity > 1 ? level : "info";
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
    setIfAbsent("org.slf4j.simpleLogger.log." + lifecycleLogger, atLeastInfo);
    // Matching turning on or off changes what the counters mean: always worth a line.
    setIfAbsent("org.slf4j.simpleLogger.log." + MONITOR_PACKAGE, atLeastInfo);
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
