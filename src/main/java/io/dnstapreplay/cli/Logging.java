// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

/**
 * Logging sets slf4j-simple's levels from {@code -v} flags. It must run before the first logger is
 * created, which is why commands call it before touching any other package.
 */
final class Logging {
  private static final String[] LEVELS = {"warn", "info", "debug", "trace"};

  private Logging() {}

  /**
   * @param verbosity number of {@code -v} flags
   * @param lifecycleLogger a logger kept at info at least, so start-up and shutdown are visible
   */
  static void configure(int verbosity, String lifecycleLogger) {
    String level = LEVELS[Math.min(verbosity, LEVELS.length - 1)];
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
    setIfAbsent("org.slf4j.simpleLogger.log." + lifecycleLogger, verbosity > 1 ? level : "info");
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
