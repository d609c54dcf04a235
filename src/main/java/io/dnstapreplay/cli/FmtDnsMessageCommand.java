// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.tools.DnsText;
import io.dnstapreplay.tools.HexInput;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code fmt-dns-message} command, for the hex that dnstap-dump and logs print. A message that
 * does not parse is printed as far as it parses, then {@code ;; PARSE ERROR}, with exit 1.
 */
@Command(
    name = "fmt-dns-message",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    usageHelpAutoWidth = true,
    description = "Prints a DNS message given in hex dig-style. Whitespace in HEX is ignored.")
public final class FmtDnsMessageCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

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
    return text.parseError().isPresent() ? 1 : 0;
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new FmtDnsMessageCommand(), args));
  }
}
