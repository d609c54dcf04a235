// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.fault;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.slf4j.Logger;

/**
 * FatalErrors ends the process when an {@link Error} (out of memory included) reaches any stage. A
 * daemon whose replay thread or event loop died still accepts senders and answers {@code /metrics},
 * but replays nothing and may never stop; one that exits with a clear line and a non-zero status is
 * restarted by its supervisor.
 *
 * <p>Threads end on an uncaught throwable, and the daemon's default handler ({@link #exiting}) ends
 * the process. Netty, however, catches every throwable of a handler, task or listener and logs or
 * stores it; code that catches throwables where Netty would hands each one to {@link #report},
 * which passes the fatal ones to the current thread's uncaught-exception handler.
 */
public final class FatalErrors {
  /** The exit status after a fatal error: the JVM's own for {@code -XX:+ExitOnOutOfMemoryError}. */
  public static final int EXIT_STATUS = 3;

  /** Heap set aside for the last log line, freed when it is written. */
  static final int RESERVE_BYTES = 1 << 20;

  /** How long a thread failing after another waits for it to end the process. */
  static final long LAST_WORD_MILLIS = 10_000;

  private static final String FALLBACK_LINE =
      "dnstap-replay: fatal error (no memory left to say which); exiting with status "
          + EXIT_STATUS
          + " for a supervisor to restart\n";

  private FatalErrors() {}

  /** Whether {@code t} must end the process: an Error, or an exception caused by one. */
  public static boolean isFatal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Error) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * Hands {@code t} to the current thread's uncaught-exception handler if it is fatal; it is then
   * up to the caller to carry on as for any failure (close the connection, say).
   *
   * @return whether it was fatal
   */
  public static boolean report(Throwable t) {
    if (!isFatal(t)) {
      return false;
    }
    Thread current = Thread.currentThread();
    current.getUncaughtExceptionHandler().uncaughtException(current, t);
    return true;
  }

  /** A task that {@link #report reports} a fatal error it throws before the executor hides it. */
  public static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        report(t);
        throw t;
      }
    };
  }

  /** As {@link #guard(Runnable)}, for a task with a result. */
  public static <V> Callable<V> guard(Callable<V> task) {
    return () -> {
      try {
        return task.call();
      } catch (Throwable t) {
        report(t);
        throw t;
      }
    };
  }

  /**
   * The process's last word: one line on {@code log} naming the thread, the error and where it was
   * thrown, then {@code halt} with {@link #EXIT_STATUS}. Halt, not exit: the shutdown hooks would
   * wait for stages that are dead. The stale socket file left behind is removed at the next start.
   *
   * <p>Several threads often fail at once, of the same cause: the first one speaks and halts, the
   * others wait for it (and halt after {@link #LAST_WORD_MILLIS} should it be stuck). Out of
   * memory, the line itself may find no room: the handler keeps {@link #RESERVE_BYTES} to free for
   * it, and if that is not enough writes a line made in advance straight to the file descriptor.
   */
  public static Thread.UncaughtExceptionHandler exiting(Logger log, IntConsumer halt) {
    AtomicReference<byte[]> reserve = new AtomicReference<>(new byte[RESERVE_BYTES]);
    CountDownLatch spoken = new CountDownLatch(1);
    byte[] fallback = FALLBACK_LINE.getBytes(StandardCharsets.US_ASCII);
    FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
    return (thread, e) -> {
      try {
        if (reserve.getAndSet(null) == null) {
          spoken.await(LAST_WORD_MILLIS, TimeUnit.MILLISECONDS);
          return;
        }
        try {
          StackTraceElement[] trace = e.getStackTrace();
          log.error(
              "fatal: {} in thread {}{}; exiting with status {} for a supervisor to restart",
              e,
              thread.getName(),
              trace.length > 0 ? " at " + trace[0] : "",
              EXIT_STATUS);
        } catch (Throwable notEvenThat) {
          stderr.write(fallback);
        }
      } catch (Throwable ignored) {
        // nothing left to try: the exit status says it
      } finally {
        halt.accept(EXIT_STATUS);
        spoken.countDown();
      }
    };
  }
}
