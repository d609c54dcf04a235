// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.daemon.DaemonConfig;
import io.dnstapreplay.daemon.ReplayDaemon;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The {@code dnstap-replay} command: every option is validated before anything is bound, so a typo
 * is a one-line error (exit 2) rather than a half-started daemon. An address or path that cannot be
 * used is exit 1; SIGTERM or SIGINT stops it cleanly with exit 0.
 */
@Command(
    name = "dnstap-replay",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Replays the queries of dnstap AUTH_RESPONSE messages received over Frame Streams to a"
            + " nameserver and compares its responses with the logged ones, byte for byte.")
public final class ReplayCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ReplayCommandOptions options;

  @Override
  public Integer call() throws InterruptedException {
    DaemonConfig config = options.toConfig(spec.commandLine());
    Logging.configure(options.verbose.length, ReplayDaemon.LIFECYCLE_LOGGER);
    ReplayDaemon daemon;
    try {
      daemon = ReplayDaemon.start(config);
    } catch (IOException e) {
      spec.commandLine().getErr().println("dnstap-replay: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new ReplayCommand(), args));
  }
}
