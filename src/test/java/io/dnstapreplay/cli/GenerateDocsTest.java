// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Command;
import io.dnstapreplay.testing.RequiresTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The man pages and completions the build generates, read back as man and bash read them. */
class GenerateDocsTest {
  private static final List<Object> COMMANDS =
      List.of(
          new ReplayCommand(), new DumpCommand(), new FmtDnsMessageCommand(), new InjectCommand());

  @TempDir Path out;

  @BeforeEach
  void generate() throws IOException {
    GenerateDocs.generate(out, "2026-11-30", "9.8.7");
  }

  private String page(String name) throws IOException {
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(out.resolve("man/man1/" + name + ".1.gz")))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyOptionOfEveryCommandIsInItsPage() throws IOException {
    for (Object command : COMMANDS) {
      CommandLine cl = new CommandLine(command);
      String page = page(cl.getCommandName());
      assertTrue(
          page.startsWith(
              ".TH \"" + ManPage.escape(cl.getCommandName().toUpperCase(java.util.Locale.ROOT))),
          page);
      assertTrue(page.contains("\"" + ManPage.escape(cl.getCommandName()) + " 9.8.7\""), page);
      for (OptionSpec o : cl.getCommandSpec().options()) {
        assertTrue(
            page.contains("\\fB" + ManPage.escape(o.longestName()) + "\\fR"), o.longestName());
        assertTrue(
            page.contains(ManPage.escape(String.join(" ", o.description()))), o.longestName());
      }
    }
  }

  @Test
  void theDaemonPageHasItsExitStatusesAndFiles() throws IOException {
    String page = page("dnstap-replay");
    assertTrue(page.contains(".SH \"EXIT STATUS\"\n.TP\n0\n"), page);
    assertTrue(page.contains(".TP\n2\nbad command line; with \\-\\-read, trouble"), page);
    assertTrue(page.contains("/etc/default/dnstap\\-replay"), page);
  }

  @Test
  void escapingKeepsLinesFromBecomingRequests() {
    assertEquals("\\&.x \\e \\-", ManPage.escape(".x \\ -"));
    assertEquals("a\n\\&'b", ManPage.escape("a\n'b"));
  }

  @Test
  @RequiresTools({"groff", "bash"})
  void pagesAreCleanRoffAndCompletionsComplete() throws Exception {
    for (Object command : COMMANDS) {
      String name = new CommandLine(command).getCommandName();
      Files.writeString(out.resolve(name + ".1"), page(name));
      // -ww: every warning; -z: no output. groff prints warnings and still exits 0.
      assertEquals("", Command.run(out, "groff", "-man", "-Tutf8", "-ww", "-z", name + ".1"), name);
    }
    String script =
        ". bash-completion/completions/dnstap-replay\n"
            + "COMP_WORDS=(dnstap-replay --num); COMP_CWORD=1; COMP_LINE='dnstap-replay --num'\n"
            + "$(complete -p dnstap-replay | sed -E 's/.* -F ([^ ]+) .*/\\1/') 2>/dev/null\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    assertEquals("--num-sockets\n", Command.run(out, "bash", "-c", script));
  }
}
