// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the monitor on real files; waits are bounded polls, not fixed sleeps. */
class MatchStatusMonitorTest {
  private static final Duration DELAY = Duration.ofMillis(200);

  /** inotify reports within milliseconds; this bound only guards against a stuck test. */
  private static final long EVENT_TIMEOUT_SECONDS = 10;

  /** How long to wait to be confident that no notification is coming. */
  private static final long QUIET_MILLIS = 2 * DELAY.toMillis() + 300;

  @TempDir Path dir;

  private final BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
  private MatchStatusMonitor monitor;

  @AfterEach
  void closeMonitor() {
    if (monitor != null) {
      monitor.close();
    }
  }

  private boolean nextChange() throws InterruptedException {
    Boolean change = changes.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(change != null, "no match status change within " + EVENT_TIMEOUT_SECONDS + " s");
    return change;
  }

  private void assertNoChange() throws InterruptedException {
    assertNull(changes.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
  }

  private List<Path> twoFiles(boolean sameDirectory) throws IOException {
    if (sameDirectory) {
      return List.of(dir.resolve("source.serial"), dir.resolve("target.serial"));
    }
    return List.of(
        Files.createDirectory(dir.resolve("source")).resolve("zone.serial"),
        Files.createDirectory(dir.resolve("target")).resolve("zone.serial"));
  }

  private static void replaceAtomically(Path file, String contents) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, contents);
    Files.move(tmp, file, ATOMIC_MOVE);
  }

  @ParameterizedTest(name = "same directory: {0}")
  @ValueSource(booleans = {true, false})
  void followsTheFilesThroughWritesDeletesAndRenames(boolean sameDirectory) throws Exception {
    List<Path> files = twoFiles(sameDirectory);
    Path source = files.get(0);
    Path target = files.get(1);
    monitor = MatchStatusMonitor.start(files, DELAY, changes::add);
    assertFalse(nextChange(), "initial state with no files");

    Files.writeString(source, "2024010101\n");
    Files.writeString(target, "2024010101\n");
    long identicalAt = System.nanoTime();
    assertTrue(nextChange(), "identical contents");
    assertTrue(System.nanoTime() - identicalAt >= DELAY.toNanos(), "turned on before the delay");

    Files.writeString(source, "2024010102\n");
    assertFalse(nextChange(), "one file changed");

    Files.writeString(target, "2024010102\n");
    assertTrue(nextChange(), "identical again");

    Files.delete(target);
    assertFalse(nextChange(), "one file deleted");

    replaceAtomically(target, "2024010102\n");
    assertTrue(nextChange(), "file renamed into place");

    replaceAtomically(source, "2024010103\n");
    assertFalse(nextChange(), "file replaced by a rename");
    assertTrue(changes.isEmpty());
  }

  @Test
  void initialStateIsReportedBeforeStartReturns() throws Exception {
    List<Path> files = twoFiles(true);
    for (Path file : files) {
      Files.writeString(file, "7");
    }
    monitor = MatchStatusMonitor.start(files, Duration.ZERO, changes::add);
    assertEquals(List.of(true), List.copyOf(changes));
  }

  @Test
  void identicalFilesAtStartUpWaitForTheDelay() throws Exception {
    List<Path> files = twoFiles(false);
    for (Path file : files) {
      Files.writeString(file, "7");
    }
    long startedAt = System.nanoTime();
    monitor = MatchStatusMonitor.start(files, DELAY, changes::add);
    assertFalse(nextChange());
    assertTrue(nextChange());
    assertTrue(System.nanoTime() - startedAt >= DELAY.toNanos());
  }

  @Test
  void writesToOtherFilesInTheDirectoryAreIgnored() throws Exception {
    List<Path> files = twoFiles(true);
    monitor = MatchStatusMonitor.start(files, Duration.ZERO, changes::add);
    assertFalse(nextChange());
    Files.writeString(dir.resolve("unrelated"), "x");
    Files.writeString(dir.resolve("unrelated"), "y");
    assertNoChange();
  }

  @Test
  void rewritingIdenticalContentsDoesNotRestartTheDelay() throws Exception {
    List<Path> files = twoFiles(true);
    Duration delay = Duration.ofMillis(600);
    monitor = MatchStatusMonitor.start(files, delay, changes::add);
    assertFalse(nextChange());
    Files.writeString(files.get(0), "1");
    replaceAtomically(files.get(1), "1");
    long identicalAt = System.nanoTime();
    replaceAtomically(files.get(1), "1");
    replaceAtomically(files.get(0), "1");
    assertTrue(nextChange());
    long elapsed = System.nanoTime() - identicalAt;
    assertTrue(elapsed >= delay.toNanos(), "turned on early: " + elapsed + " ns");
  }

  /**
   * The original reads the files when a writer closes them; here a file rewritten in place can be
   * read empty or half-written. With the clock frozen, differences seen during the rewrites can
   * never last the settle time, so none may turn matching off; then the clock moves on past it: if
   * the monitor's last reading were not the final identical contents, matching would go off now. A
   * real change, written in place the same way, does turn it off.
   */
  @Test
  void filesRewrittenInPlaceWithTheSameContentsNeverSuspendMatching() throws Exception {
    List<Path> files = twoFiles(true);
    for (Path file : files) {
      Files.writeString(file, "2024010101\n");
    }
    AtomicLong clock = new AtomicLong();
    Duration settle = Duration.ofMillis(100);
    monitor = MatchStatusMonitor.start(files, Duration.ZERO, settle, clock::get, changes::add);
    assertTrue(nextChange());
    for (int i = 0; i < 500; i++) {
      Files.writeString(files.get(i % 2), "2024010101\n");
    }
    clock.addAndGet(settle.toNanos());
    Files.writeString(dir.resolve("wake-up"), "tick");
    assertNoChange();

    Files.writeString(files.get(0), "2024010102\n");
    Boolean change = null;
    for (int i = 0; i < 3 && change == null; i++) {
      clock.addAndGet(settle.toNanos());
      Files.writeString(dir.resolve("wake-up"), "tick " + i);
      change = changes.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    assertEquals(false, change);
  }

  @Test
  void aDirectoryThatDisappearsIsWatchedAgainWhenItReturns() throws Exception {
    List<Path> files = twoFiles(false);
    Path target = files.get(1);
    for (Path file : files) {
      Files.writeString(file, "5");
    }
    monitor = MatchStatusMonitor.start(files, Duration.ZERO, changes::add);
    assertTrue(nextChange());

    Files.delete(target);
    Files.delete(target.getParent());
    assertFalse(nextChange(), "directory removed");

    Files.createDirectory(target.getParent());
    Files.writeString(target, "5");
    assertTrue(nextChange(), "directory and file back");
  }

  @Test
  void closeStopsNotificationsAndTheThread() throws Exception {
    List<Path> files = twoFiles(true);
    monitor = MatchStatusMonitor.start(files, Duration.ZERO, changes::add);
    assertFalse(nextChange());
    assertTrue(monitorThreadAlive());

    monitor.close();
    assertFalse(monitorThreadAlive());
    for (Path file : files) {
      Files.writeString(file, "1");
    }
    assertNoChange();
    monitor.close();
  }

  private static boolean monitorThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(MatchStatusMonitor.THREAD_NAME) && t.isAlive());
  }

  @Test
  void fewerThanTwoFilesAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MatchStatusMonitor.start(List.of(dir.resolve("a")), DELAY, changes::add));
    assertThrows(
        IllegalArgumentException.class,
        () -> MatchStatusMonitor.start(List.of(), DELAY, changes::add));
  }

  @Test
  void aNegativeDelayIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MatchStatusMonitor.start(
                List.of(dir.resolve("a"), dir.resolve("b")), Duration.ofMillis(-1), changes::add));
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path missing = dir.resolve("no-such-dir");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                MatchStatusMonitor.start(
                    List.of(dir.resolve("a"), missing.resolve("b")), DELAY, changes::add));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(changes.isEmpty());
  }

  @Test
  void aDirectoryGivenAsAFileIsRejected() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    IOException e =
        assertThrows(
            IOException.class,
            () -> MatchStatusMonitor.start(List.of(dir.resolve("a"), sub), DELAY, changes::add));
    assertTrue(e.getMessage().contains(sub.toString()), e.getMessage());
  }
}
