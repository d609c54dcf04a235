// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Logging sets slf4j-simple's levels from {@code -v} flags, on the original's ladder: errors only
 * by default, {@code -v} warnings, {@code -vv} info, {@code -vvv} debug, {@code -vvvv} trace.
 * slf4j-simple reads its settings once, when the first logger is created, and option parsing
 * already creates loggers (Netty's address parser has one), so commands call this from {@code main}
 * with the raw arguments, before picocli sees them.
 */
final class Logging {
  private static final String[] LEVELS = {"error", "warn", "info", "debug", "trace"};
  private static final int WARN = 1;
  private static final int INFO = 2;
  private static final Pattern SHORT_FLAGS = Pattern.compile("-v+");
  private static final String LONG_FLAG = "--verbose";
  private static final String END_OF_OPTIONS = "--";
  private static final String PREFIX = "org.slf4j.simpleLogger.log.";

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

  /** The level {@code verbosity} {@code -v} flags select. */
  static String level(int verbosity) {
    return LEVELS[Math.min(verbosity, LEVELS.length - 1)];
  }

  /**
   * @param verbosity number of {@code -v} flags
   * @param lifecycleLogger a logger kept at info at least, so that start-up and shutdown are
   *     visible without {@code -v}
   */
  static void configure(int verbosity, String lifecycleLogger) {
    settings(verbosity, Optional.of(lifecycleLogger)).forEach(Logging::setIfAbsent);
  }

  /**
   * Shows {@code logger}'s warnings without {@code -v}: for lines an operator must see however the
   * rest of the log is set, such as the hints about a source the options cannot use.
   */
  static void showWarnings(int verbosity, String logger) {
    setIfAbsent(PREFIX + logger, level(Math.max(verbosity, WARN)));
  }

  /** For a command without a lifecycle logger. */
  static void configure(int verbosity) {
    settings(verbosity, Optional.empty()).forEach(Logging::setIfAbsent);
  }

  /** The slf4j-simple system properties for {@code verbosity}; ones already set are kept. */
  static Map<String, String> settings(int verbosity, Optional<String> lifecycleLogger) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("org.slf4j.simpleLogger.defaultLogLevel", level(verbosity));
    lifecycleLogger.ifPresent(
        name -> settings.put(PREFIX + name, level(Math.max(verbosity, INFO))));
    settings.put("org.slf4j.simpleLogger.showDateTime", "true");
    settings.put("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    settings.put("org.slf4j.simpleLogger.showThreadName", "false");
    return settings;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
