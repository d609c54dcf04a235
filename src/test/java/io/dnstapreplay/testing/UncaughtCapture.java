// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * UncaughtCapture stands in for the current thread's uncaught-exception handler, which the daemon
 * makes end the process, and keeps what reaches it: tests of the code that reports fatal errors run
 * on the test's thread ({@code EmbeddedChannel} does). Closing restores the handler.
 */
public final class UncaughtCapture implements AutoCloseable {
  private final Thread thread = Thread.currentThread();
  private final Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
  private final List<Throwable> errors = new ArrayList<>();

  private UncaughtCapture() {
    thread.setUncaughtExceptionHandler((t, e) -> errors.add(e));
  }

  public static UncaughtCapture onThisThread() {
    return new UncaughtCapture();
  }

  /** What reached the handler, in order. */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    thread.setUncaughtExceptionHandler(previous);
  }
}
