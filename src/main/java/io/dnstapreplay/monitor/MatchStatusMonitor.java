// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MatchStatusMonitor turns matching off while the match status files (e.g. zone serials written by
 * the source and target servers) are missing or differ, because answers from different zone
 * versions are expected to differ. It turns matching back on once the files have stayed identical
 * for a delay, so that payloads queued under the old state drain as suppressed.
 *
 * <p>One daemon thread, {@value #THREAD_NAME}, waits for changes in the files' directories and also
 * times the delay, so no timer thread is needed. The files are read again in full after every
 * relevant change and at start-up.
 */
public final class MatchStatusMonitor implements AutoCloseable {
  public static final String THREAD_NAME = "match-status-monitor";

  /**
   * How long a difference must last before matching turns off once the files were identical: far
   * longer than rewriting a status file in place takes, short enough that few answers of a real
   * zone change are compared.
   */
  public static final Duration SETTLE_TIME = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(MatchStatusMonitor.class);

  private final StatusFiles files;
  private final StatusDirectoryWatcher watcher;
  private final MatchStatusPolicy policy;
  private final long delayMillis;
  private final String onReason;
  private final Consumer<Boolean> onChange;
  private final LongSupplier clock;
  private final Thread thread;
  private volatile boolean closed;
  private boolean reported;
  private String lastReason = "";

  private MatchStatusMonitor(
      StatusFiles files,
      StatusDirectoryWatcher watcher,
      Duration delay,
      Duration settle,
      LongSupplier clock,
      Consumer<Boolean> onChange) {
    this.files = files;
    this.watcher = watcher;
    this.policy = new MatchStatusPolicy(delay.toNanos(), settle.toNanos());
    this.clock = clock;
    this.delayMillis = delay.toMillis();
    this.onReason = "status files identical for " + delayMillis + " ms";
    this.onChange = onChange;
    this.thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
  }

  /**
   * Checks the files, calls {@code onChange} with the initial state on the calling thread, then
   * watches them on a daemon thread that calls {@code onChange} on every change of state (never
   * twice with the same value). {@code onChange} must be cheap and thread-safe.
   *
   * @param files two or more status files; their directories must exist, the files need not
   * @param delay how long the files must stay identical before matching is turned on
   * @throws IllegalArgumentException if fewer than two files are given, a path names no file, or
   *     the delay is negative
   * @throws IOException if a file's directory is missing, a file is a directory, or the directories
   *     cannot be watched
   */
  public static MatchStatusMonitor start(
      List<Path> files, Duration delay, Consumer<Boolean> onChange) throws IOException {
    return start(files, delay, SETTLE_TIME, System::nanoTime, onChange);
  }

  /** With the settle time and the {@link System#nanoTime()} source given, for tests. */
  static MatchStatusMonitor start(
      List<Path> files,
      Duration delay,
      Duration settle,
      LongSupplier clock,
      Consumer<Boolean> onChange)
      throws IOException {
    if (files.size() < 2) {
      throw new IllegalArgumentException(
          "at least two match status files are needed, got " + files.size());
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("match status delay must not be negative: " + delay);
    }
    List<Path> paths = validatedPaths(files);
    StatusDirectoryWatcher watcher = StatusDirectoryWatcher.open(paths);
    MatchStatusMonitor monitor =
        new MatchStatusMonitor(new StatusFiles(paths), watcher, delay, settle, clock, onChange);
    try {
      monitor.checkInitially();
    } catch (RuntimeException e) {
      watcher.close();
      throw e;
    }
    monitor.thread.start();
    return monitor;
  }

  private static List<Path> validatedPaths(List<Path> files) throws IOException {
    List<Path> paths = new ArrayList<>(files.size());
    for (Path file : files) {
      Path path = file.toAbsolutePath().normalize();
      Path directory = path.getParent();
      if (directory == null || path.getFileName() == null) {
        throw new IllegalArgumentException("not a file path for a match status file: " + file);
      }
      if (!Files.isDirectory(directory)) {
        throw new IOException(
            "directory of match status file " + file + " does not exist: " + directory);
      }
      if (Files.isDirectory(path)) {
        throw new IOException("match status file " + file + " is a directory");
      }
      paths.add(path);
    }
    return paths;
  }

  /** Watchers are registered before this first read, so no change after it can be missed. */
  private void checkInitially() {
    StatusFiles.Comparison comparison = files.compare();
    reported = policy.observe(comparison.identical(), clock.getAsLong());
    if (reported) {
      log.info("match status on: {}", onReason);
    } else if (comparison.identical()) {
      log.info("match status off: {}, on in {} ms", comparison.reason(), delayMillis);
    } else {
      log.info("match status off: {}", comparison.reason());
    }
    onChange.accept(reported);
  }

  private void run() {
    try {
      while (!closed) {
        long wait = policy.nanosUntilDecision(clock.getAsLong());
        if (watcher.awaitChange(wait)) {
          recheck();
        } else {
          boolean on = policy.tick(clock.getAsLong());
          report(on, on ? onReason : lastReason);
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      log.debug("match status monitor stopped");
    } catch (RuntimeException e) {
      log.error("match status monitor failed; match status stays {}", onOff(reported), e);
    }
  }

  private void recheck() {
    StatusFiles.Comparison comparison = files.compare();
    boolean wasWaiting = policy.isWaiting();
    long now = clock.getAsLong();
    boolean on = policy.observe(comparison.identical(), now);
    if (!wasWaiting && policy.isWaiting()) {
      log.debug(
          "{}; match status on in {} ms unless they change", comparison.reason(), delayMillis);
    } else if (!comparison.identical() && on) {
      log.debug(
          "{}; match status off in {} ms unless they are identical again",
          comparison.reason(),
          TimeUnit.NANOSECONDS.toMillis(policy.nanosUntilDecision(now)));
    }
    lastReason = comparison.reason();
    report(on, on ? onReason : comparison.reason());
  }

  private void report(boolean on, String reason) {
    if (on == reported || closed) {
      return;
    }
    reported = on;
    log.info("match status {}: {}", onOff(on), reason);
    onChange.accept(on);
  }

  private static String onOff(boolean on) {
    return on ? "on" : "off";
  }

  /** Stops the thread and waits for it, so no {@code onChange} call follows the return. */
  @Override
  public void close() {
    closed = true;
    try {
      watcher.close();
    } catch (IOException e) {
      log.debug("closing the match status watch service failed", e);
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
