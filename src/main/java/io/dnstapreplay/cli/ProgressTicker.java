// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.daemon.ReplayDaemon;
import io.dnstapreplay.summary.Progress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * ProgressTicker redraws the {@link Progress} line of a replay of files on a terminal twice a
 * second, in place, and erases it at the end so that only the summary remains.
 */
final class ProgressTicker {
  private static final long PERIOD_MILLIS = 500;
  private static final String REDRAW = "\r";
  private static final String ERASE_TO_END = "\u001b[K";

  private final ScheduledExecutorService timer;
  private final PrintWriter err;

  private ProgressTicker(ScheduledExecutorService timer, PrintWriter err) {
    this.timer = timer;
    this.err = err;
  }

  static ProgressTicker start(ReplayDaemon daemon, PrintWriter err) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress");
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    timer.scheduleAtFixedRate(
        () -> {
          err.print(
              REDRAW
                  + Progress.line(
                      daemon.metrics(),
                      daemon.files().bytesRead(),
                      daemon.files().totalBytes(),
                      Duration.ofNanos(System.nanoTime() - start))
                  + ERASE_TO_END);
          err.flush();
        },
        PERIOD_MILLIS,
        PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
    return new ProgressTicker(timer, err);
  }

  /** Stops redrawing and erases the line. */
  void stop() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(1, TimeUnit.SECONDS);
    err.print(REDRAW + ERASE_TO_END);
    err.flush();
  }
}
