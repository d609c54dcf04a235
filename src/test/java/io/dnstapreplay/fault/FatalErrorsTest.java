// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.RecordingLogger;
import io.dnstapreplay.testing.UncaughtCapture;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class FatalErrorsTest {
  @Test
  void errorsAndWhatTheyCausedAreFatalExceptionsAreNot() {
    assertTrue(FatalErrors.isFatal(new OutOfMemoryError("Java heap space")));
    assertTrue(FatalErrors.isFatal(new StackOverflowError()));
    assertTrue(FatalErrors.isFatal(new DecoderException(new OutOfMemoryError())));
    assertFalse(FatalErrors.isFatal(new IOException("reset")));
    assertFalse(FatalErrors.isFatal(new DecoderException(new IllegalStateException())));
  }

  @Test
  void reportHandsOnlyFatalOnesToTheThreadsHandler() {
    try (UncaughtCapture uncaught = UncaughtCapture.onThisThread()) {
      OutOfMemoryError oom = new OutOfMemoryError();
      assertTrue(FatalErrors.report(oom));
      assertFalse(FatalErrors.report(new IOException()));
      assertEquals(List.of(oom), uncaught.errors());
    }
  }

  /** What an executor would catch and hide is reported first, and still thrown. */
  @Test
  void guardedTasksReportWhatTheyThrow() throws Exception {
    try (UncaughtCapture uncaught = UncaughtCapture.onThisThread()) {
      OutOfMemoryError oom = new OutOfMemoryError();
      Runnable task =
          FatalErrors.guard(
              (Runnable)
                  () -> {
                    throw oom;
                  });
      assertSame(oom, assertThrows(OutOfMemoryError.class, task::run));
      Callable<String> call =
          FatalErrors.guard(
              (Callable<String>)
                  () -> {
                    throw new AssertionError("bug");
                  });
      assertThrows(AssertionError.class, call::call);
      assertEquals(2, uncaught.errors().size());
      assertEquals("ok", FatalErrors.guard((Callable<String>) () -> "ok").call());
    }
  }

  @Test
  void theExitingHandlerLogsOneLineOnceAndHaltsWithStatusThree() {
    RecordingLogger log = new RecordingLogger();
    List<Integer> halts = new ArrayList<>();
    Thread thread = new Thread(() -> {}, "replay-udp-1-2");
    Thread.UncaughtExceptionHandler exiting = FatalErrors.exiting(log, halts::add);
    exiting.uncaughtException(thread, new OutOfMemoryError("Java heap space"));
    exiting.uncaughtException(new Thread(() -> {}, "other"), new OutOfMemoryError());
    assertEquals(List.of(FatalErrors.EXIT_STATUS, FatalErrors.EXIT_STATUS), halts);
    assertEquals(1, log.lines().size(), log.lines().toString());
    String line = log.lines().get(0);
    assertTrue(
        line.startsWith(
            "ERROR fatal: java.lang.OutOfMemoryError: Java heap space in thread replay-udp-1-2 at "),
        line);
    assertTrue(line.endsWith("; exiting with status 3 for a supervisor to restart"), line);
  }

  /** Even when the line itself cannot be written, the process ends. */
  @Test
  void theExitingHandlerHaltsWhenLoggingFails() {
    List<Integer> halts = new ArrayList<>();
    RecordingLogger failing =
        new RecordingLogger() {
          @Override
          public boolean isErrorEnabled() {
            throw new OutOfMemoryError();
          }
        };
    FatalErrors.exiting(failing, halts::add).uncaughtException(Thread.currentThread(), new Error());
    assertEquals(List.of(FatalErrors.EXIT_STATUS), halts);
  }
}
