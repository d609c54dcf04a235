// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.ReplayDaemon;
import io.dnstapreplay.daemon.StopSignals;
import io.dnstapreplay.fault.FatalErrors;
import io.dnstapreplay.pairing.Intake;
import io.dnstapreplay.summary.RunSummary;
import io.dnstapreplay.summary.SummaryFormat;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code dnstap-replay} command: every option is validated before anything is bound, so a typo
 * is a one-line error (exit 2) rather than a half-started daemon.
 *
 * <p>Live, an address or path that cannot be used is exit 1 with nothing left behind; SIGTERM or
 * SIGINT stops it cleanly with exit 0. With {@code --read} it replays the files, prints a summary
 * and exits like diff(1): 0 when every payload matched, 1 when some failed, 2 on trouble; SIGTERM
 * or SIGINT stops the reading, and what was read is replayed and summarised.
 */
@Command(
    name = "dnstap-replay",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Replays the queries of dnstap AUTH_RESPONSE messages received over Frame Streams (a Unix"
            + " socket, TCP or both), or read from files with --read, to a nameserver and compares"
            + " its responses with the logged ones, byte for byte.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped by SIGTERM or SIGINT after replaying what it had received; with --read, every"
          + " payload matched",
      "1:an address or path could not be used (nothing is left behind); with --read, payloads"
          + " mismatched, timed out or lacked a field",
      "2:bad command line; with --read, trouble: an input unreadable or damaged, the target or"
          + " a record file unusable, the run interrupted, or nothing replayed but responses"
          + " the options cannot use (--pair)",
      "3:a stage failed (out of memory, or another fatal error): restart it"
    })
public final class ReplayCommand implements Callable<Integer> {
  /** Exit status when an address or path cannot be used. */
  static final int EXIT_START_FAILED = 1;

  @Spec CommandSpec spec;

  @Mixin ReplayCommandOptions options;

  @Override
  public Integer call() throws InterruptedException {
    DaemonConfig config = options.toConfig(spec.commandLine());
    return config.files() == null ? runLive(config) : replayFiles(config);
  }

  private int runLive(DaemonConfig config) throws InterruptedException {
    StopSignals signals = StopSignals.install();
    ReplayDaemon daemon;
    try {
      daemon = ReplayDaemon.start(config);
    } catch (IOException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("dnstap-replay: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    // Any other way the JVM ends (SIGHUP, System.exit) still removes the socket file.
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
    SystemdNotify systemd = SystemdNotify.fromEnvironment(System.getenv());
    notify(() -> systemd.ready("replaying"));
    signals.await();
    notify(systemd::stopping);
    daemon.close();
    return 0;
  }

  private interface Notification {
    void send() throws IOException;
  }

  /** A service manager that cannot be told is worth a line, not a failed daemon. */
  private void notify(Notification n) {
    try {
      n.send();
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("dnstap-replay: cannot notify systemd: " + e);
    }
  }

  private int replayFiles(DaemonConfig config) throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    StopSignals signals = StopSignals.install();
    ReplayDaemon daemon;
    try {
      daemon = ReplayDaemon.start(config);
    } catch (IOException | IllegalArgumentException e) {
      err.println("dnstap-replay: " + e.getMessage());
      return RunSummary.TROUBLE;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
    Thread stopReading =
        new Thread(
            () -> {
              try {
                signals.await();
                daemon.files().stopReading();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "stop-reading");
    stopReading.setDaemon(true);
    stopReading.start();
    ProgressTicker progress = Terminal.isStderr() ? ProgressTicker.start(daemon, err) : null;
    daemon.files().awaitReading();
    daemon.close();
    if (progress != null) {
      progress.stop();
    }
    RunSummary summary =
        RunSummary.of(
            daemon.metrics(),
            config.files().inputs(),
            NetUtil.toSocketAddressString(config.replay().target()),
            config.replay().ipv6Target() == null
                ? null
                : NetUtil.toSocketAddressString(config.replay().ipv6Target()),
            daemon.filesOutcome());
    for (String trouble : summary.troubles()) {
      err.println("dnstap-replay: " + trouble);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(options.json() ? SummaryFormat.json(summary) : SummaryFormat.text(summary));
    out.flush();
    return summary.exitStatus();
  }

  public static void main(String[] args) {
    NettyMachineId.setIfAbsent();
    int verbosity = Logging.verbosity(args);
    if (readsFiles(args)) {
      // A replay of files speaks through its summary; its log shows only what goes wrong.
      Logging.configure(verbosity);
    } else {
      Logging.configure(verbosity, ReplayDaemon.LIFECYCLE_LOGGER);
    }
    Logging.showWarnings(verbosity, Intake.HINTS_LOGGER);
    Thread.setDefaultUncaughtExceptionHandler(
        FatalErrors.exiting(
            LoggerFactory.getLogger(ReplayDaemon.LIFECYCLE_LOGGER), Runtime.getRuntime()::halt));
    System.exit(Cli.run(new ReplayCommand(), args));
  }

  /** Whether {@code args} ask for a replay of files, looked at before picocli (see Logging). */
  static boolean readsFiles(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.equals("-r") || a.equals("--read") || a.startsWith("--read=")) {
        return true;
      }
    }
    return false;
  }
}
