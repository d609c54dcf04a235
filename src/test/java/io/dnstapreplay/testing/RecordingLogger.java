// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * RecordingLogger keeps every line logged to it, formatted as slf4j formats it, so a test can count
 * and read what an operator would see. Every level is enabled.
 */
public class RecordingLogger extends AbstractLogger {
  private final List<String> lines = new ArrayList<>();

  public RecordingLogger() {
    this.name = "recording";
  }

  /** Every line so far, each as "LEVEL message". */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  protected synchronized void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
    lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  public boolean isTraceEnabled() {
    return true;
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return true;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return true;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return true;
  }
}
