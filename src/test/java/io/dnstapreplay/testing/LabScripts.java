// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The repository's {@code lab/} scripts run for one lab: its own run directory ({@code LAB_RUN})
 * and knobs, so the Java labs ({@link KnotLab}, {@link ServerLab}) start and stop the same servers
 * a person does by hand, and several labs run side by side.
 */
final class LabScripts implements AutoCloseable {
  private static final long STOP_SECONDS = 60;
  private static final int MAX_START_ATTEMPTS = 3;

  /** How each server says that another took its port; the lab then retries with new ports. */
  private static final List<String> PORT_TAKEN =
      List.of("address already in use", "unable to listen on any configured interfaces");

  private final Path labDir;
  private final Path runDir;
  private final Map<String, String> environment = new HashMap<>();
  private final Thread shutdownHook = new Thread(this::stopQuietly, "lab-shutdown");
  private boolean closed;

  /** A lab in a new temporary run directory named after {@code prefix}. */
  LabScripts(String prefix) {
    this.labDir = findLabDir();
    try {
      this.runDir = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    environment.put("LAB_RUN", runDir.toString());
  }

  Path runDir() {
    return runDir;
  }

  /** Sets a knob (see lab/lib.sh) for every script this lab runs. */
  void set(String knob, String value) {
    environment.put(knob, value);
  }

  /** Runs a lab script; returns its output, fails with it on a non-zero exit. */
  String run(long timeoutSeconds, String script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", labDir.resolve(script).toString()));
    command.addAll(List.of(args));
    Path output = runDir.resolve("script-output.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(labDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " still running after " + timeoutSeconds + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new LabScriptException(
            String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + script, e);
    }
  }

  /**
   * Creates labs with {@code create} (each picks new ports) and starts them with {@code start}
   * until one starts, retrying if another lab took a port meanwhile.
   */
  static <T> T startRetrying(Supplier<T> create, Consumer<T> start) {
    for (int attempt = 1; ; attempt++) {
      T lab = create.get();
      try {
        start.accept(lab);
        return lab;
      } catch (LabScriptException e) {
        if (!e.portTaken() || attempt == MAX_START_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Runs the steps that start the lab's processes; if one fails, stops what the others started.
   * Until {@link #close()}, the lab stops when the JVM exits.
   */
  void start(Runnable steps) {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      steps.run();
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Stops every process the lab started ({@code down.sh}: the servers, then the capture) and
   * deletes the run directory. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or about to: it stops the lab
    }
    run(STOP_SECONDS, "down.sh");
    deleteRunDir();
  }

  private void stopQuietly() {
    try {
      run(STOP_SECONDS, "down.sh");
    } catch (RuntimeException ignored) {
      // JVM exit: nothing left to report to
    }
  }

  private void deleteRunDir() {
    try (Stream<Path> paths = Files.walk(runDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete lab run dir " + runDir, e);
    }
  }

  /** The repository's {@code lab/} dir, found upwards from the working directory. */
  static Path findLabDir() {
    Path dir = Path.of("").toAbsolutePath();
    for (; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("lab/knot.sh"))) {
        return dir.resolve("lab");
      }
    }
    throw new IllegalStateException("no lab/knot.sh above " + Path.of("").toAbsolutePath());
  }

  /** A lab script failed; the message holds its output, including the end of the server's log. */
  static final class LabScriptException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LabScriptException(String message) {
      super(message);
    }

    boolean portTaken() {
      String m = getMessage().toLowerCase(Locale.ROOT);
      return PORT_TAKEN.stream().anyMatch(m::contains);
    }
  }
}
