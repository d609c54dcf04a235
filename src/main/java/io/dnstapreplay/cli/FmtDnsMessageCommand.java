// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.dnstext.DnsText;
import io.dnstapreplay.tools.HexInput;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code fmt-dns-message} command, for the hex that dnstap-dump and logs print. The text is the
 * original's; where the original silently leaves out a part of the message that does not parse,
 * this one also says so on stderr and exits 1, so that a script can tell a clean message from a
 * broken one.
 */
@Command(
    name = "fmt-dns-message",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    usageHelpAutoWidth = true,
    description =
        "Prints a DNS message given in hex as the original fmt-dns-message does."
            + " Whitespace in HEX is ignored.")
public final class FmtDnsMessageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "HEX", description = "The message, in hex.")
  List<String> hex;

  private final PrintWriter out;

  public FmtDnsMessageCommand() {
    this(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
  }

  FmtDnsMessageCommand(PrintWriter out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    byte[] wire;
    try {
      wire = HexInput.parse(String.join(" ", hex));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("fmt-dns-message: " + e.getMessage());
      return 1;
    }
    DnsText text = DnsText.format(wire);
    out.print(text.text());
    out.flush();
    if (text.problem().isPresent()) {
      spec.commandLine().getErr().println("fmt-dns-message: not shown: " + text.problem().get());
      return 1;
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new FmtDnsMessageCommand(), args));
  }
}
