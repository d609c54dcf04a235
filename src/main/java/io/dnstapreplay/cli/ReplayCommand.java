// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.ReplayDaemon;
import io.dnstapreplay.daemon.StopSignals;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code dnstap-replay} command: every option is validated before anything is bound, so a typo
 * is a one-line error (exit 2) rather than a half-started daemon. An address or path that cannot be
 * used is exit 1 with nothing left behind; SIGTERM or SIGINT stops it cleanly with exit 0.
 */
@Command(
    name = "dnstap-replay",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Replays the queries of dnstap AUTH_RESPONSE messages received over Frame Streams (a Unix"
            + " socket, TCP or both) to a nameserver and compares its responses with the logged"
            + " ones, byte for byte.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped by SIGTERM or SIGINT after replaying what it had received",
      "1:an address or path could not be used (nothing is left behind)",
      "2:bad command line"
    })
public final class ReplayCommand implements Callable<Integer> {
  /** Exit status when an address or path cannot be used. */
  static final int EXIT_START_FAILED = 1;

  @Spec CommandSpec spec;

  @Mixin ReplayCommandOptions options;

  @Override
  public Integer call() throws InterruptedException {
    DaemonConfig config = options.toConfig(spec.commandLine());
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

  public static void main(String[] args) {
    Logging.configure(Logging.verbosity(args), ReplayDaemon.LIFECYCLE_LOGGER);
    System.exit(Cli.run(new ReplayCommand(), args));
  }
}
