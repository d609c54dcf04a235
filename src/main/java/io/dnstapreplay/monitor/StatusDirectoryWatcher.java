// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.monitor;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StatusDirectoryWatcher waits for changes to the status files by watching their directories:
 * watching a file itself would miss it being created, or replaced by a rename, which is how servers
 * usually write such files atomically. A directory that disappears (such as a runtime directory
 * removed while its server is stopped) is registered again once it is back.
 *
 * <p>{@link #awaitChange} is for one thread; {@link #close} may be called from any thread.
 */
final class StatusDirectoryWatcher implements Closeable {
  /** How often to try registering a directory that has disappeared. */
  static final long REREGISTER_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Logger log = LoggerFactory.getLogger(StatusDirectoryWatcher.class);

  private final WatchService service;
  private final Map<Path, Set<Path>> namesByDirectory;

  /** One key may stand for several paths of the same directory (e.g. through a symlink). */
  private final Map<WatchKey, Set<Path>> directoriesByKey = new HashMap<>();

  private final Set<Path> unwatched = new LinkedHashSet<>();

  private StatusDirectoryWatcher(WatchService service, Map<Path, Set<Path>> namesByDirectory) {
    this.service = service;
    this.namesByDirectory = namesByDirectory;
  }

  /**
   * Starts watching the directories of {@code files}, which must be absolute and normalized.
   *
   * @throws IOException if a directory cannot be watched
   */
  static StatusDirectoryWatcher open(List<Path> files) throws IOException {
    Map<Path, Set<Path>> namesByDirectory = new HashMap<>();
    for (Path file : files) {
      namesByDirectory
          .computeIfAbsent(file.getParent(), d -> new HashSet<>())
          .add(file.getFileName());
    }
    WatchService service = files.get(0).getFileSystem().newWatchService();
    StatusDirectoryWatcher watcher = new StatusDirectoryWatcher(service, namesByDirectory);
    try {
      for (Path directory : namesByDirectory.keySet()) {
        watcher.register(directory);
      }
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
    return watcher;
  }

  /**
   * Waits until a status file may have changed, or until {@code timeoutNanos} has passed.
   *
   * @param timeoutNanos the longest wait; negative waits without limit
   * @return true if a status file may have changed, false if the wait ended without news
   * @throws ClosedWatchServiceException once {@link #close} has been called
   */
  boolean awaitChange(long timeoutNanos) throws InterruptedException {
    long timeout = timeoutNanos;
    if (!unwatched.isEmpty()) {
      if (registerUnwatched()) {
        return true;
      }
      timeout =
          timeout < 0 ? REREGISTER_INTERVAL_NANOS : Math.min(timeout, REREGISTER_INTERVAL_NANOS);
    }
    WatchKey key = timeout < 0 ? service.take() : service.poll(timeout, TimeUnit.NANOSECONDS);
    return key != null && consume(key);
  }

  private boolean consume(WatchKey key) {
    Set<Path> directories = directoriesByKey.getOrDefault(key, Set.of());
    boolean relevant = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      relevant |= event.kind() == OVERFLOW || concernsStatusFile(directories, event.context());
    }
    if (!key.reset()) {
      directoriesByKey.remove(key);
      unwatched.addAll(directories);
      log.warn("match status directory {} is gone; watching for it to return", directories);
      relevant = true;
    }
    return relevant;
  }

  private boolean concernsStatusFile(Set<Path> directories, Object name) {
    for (Path directory : directories) {
      if (namesByDirectory.get(directory).contains(name)) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether any directory came back, since its files may have come back with it. */
  private boolean registerUnwatched() {
    boolean registered = false;
    for (Iterator<Path> it = unwatched.iterator(); it.hasNext(); ) {
      Path directory = it.next();
      try {
        register(directory);
        it.remove();
        registered = true;
        log.info("match status directory {} is back", directory);
      } catch (IOException e) {
        log.debug("match status directory {} still unavailable: {}", directory, e.toString());
      }
    }
    return registered;
  }

  private void register(Path directory) throws IOException {
    WatchKey key = directory.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
    directoriesByKey.computeIfAbsent(key, k -> new HashSet<>()).add(directory);
  }

  @Override
  public void close() throws IOException {
    service.close();
  }
}
