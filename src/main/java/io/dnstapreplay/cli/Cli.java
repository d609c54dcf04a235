// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Cli runs a command with the conventions every tool here shares: one-line errors, exit 2. */
final class Cli {
  private Cli() {}

  static int run(Object command, String[] args) {
    return run(command, args, new PrintWriter(System.err, true));
  }

  static int run(Object command, String[] args, PrintWriter err) {
    CommandLine cl = new CommandLine(command).setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println(c.getCommandName() + ": " + ex.getMessage() + " (see --help)");
          return CommandLine.ExitCode.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr().println(c.getCommandName() + ": " + ex);
          return CommandLine.ExitCode.SOFTWARE;
        });
    return cl.execute(args);
  }
}
