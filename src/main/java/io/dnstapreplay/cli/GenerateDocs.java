// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * GenerateDocs writes the manual pages and bash completions of every command, at build time (see
 * the pom), so neither can drift from the options. Pages are gzipped as Debian ships them; Java's
 * gzip header has no time or name, so the output is reproducible.
 *
 * <p>Usage: {@code GenerateDocs OUTPUT_DIR TIMESTAMP VERSION} (TIMESTAMP as in ISO 8601, e.g. the
 * build's {@code project.build.outputTimestamp}) writes {@code OUTPUT_DIR/man/man1/NAME.1.gz} and
 * {@code OUTPUT_DIR/bash-completion/completions/NAME}.
 */
public final class GenerateDocs {
  private static final String SEE_ALSO_TOOLS =
      "dnstap-replay(1), dnstap-dump(1), fmt-dns-message(1), dnstap-inject(1),"
          + " fstrm_replay(1)";

  private record Page(Object command, List<ManPage.Section> extra) {}

  private GenerateDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: GenerateDocs OUTPUT_DIR TIMESTAMP VERSION");
    }
    LocalDate date = OffsetDateTime.parse(args[1]).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
    generate(Path.of(args[0]), date.toString(), args[2]);
  }

  static void generate(Path out, String date, String version) throws IOException {
    Path man = Files.createDirectories(out.resolve("man/man1"));
    Path completions = Files.createDirectories(out.resolve("bash-completion/completions"));
    for (Page page : pages()) {
      CommandLine cl = new CommandLine(page.command());
      String name = cl.getCommandName();
      String roff = ManPage.render(cl.getCommandSpec(), date, version, page.extra());
      try (OutputStream gz =
          new GZIPOutputStream(Files.newOutputStream(man.resolve(name + ".1.gz")))) {
        gz.write(roff.getBytes(StandardCharsets.UTF_8));
      }
      try (Writer w = Files.newBufferedWriter(completions.resolve(name))) {
        w.write(AutoComplete.bash(name, cl));
      }
    }
  }

  private static List<Page> pages() {
    ManPage.Section seeAlso = new ManPage.Section("SEE ALSO", List.of(SEE_ALSO_TOOLS));
    return List.of(
        new Page(
            new ReplayCommand(),
            List.of(
                new ManPage.Section(
                    "SIGNALS",
                    List.of(
                        "SIGTERM or SIGINT stops it in order: no new senders, what was received"
                            + " is replayed, queries in flight get their answer or time out (at"
                            + " most --timeout), then it exits 0. The same signal again exits at"
                            + " once.")),
                new ManPage.Section(
                    "FILES",
                    List.of(
                        "/etc/default/dnstap-replay: DNSTAP_REPLAY_OPTS (the options) and"
                            + " JAVA_OPTS for the systemd unit dnstap-replay.service.",
                        "/run/dnstap-replay/dnstap.sock: the socket the packaged unit listens"
                            + " on.")),
                new ManPage.Section(
                    "PAIRING",
                    List.of(
                        "With --pair, a response logged without its query (BIND, NSD, Unbound,"
                            + " dnsdist) takes the query of the query message logged before it"
                            + " for the same client address and port, transport, DNS ID and"
                            + " question, and is then replayed as Knot's messages with both are."
                            + " A query waits for at most --pair-window of dnstap time (the"
                            + " latest timestamp seen), and at most --pair-max-pending queries"
                            + " holding at most --pair-max-pending-bytes wait at once, the oldest"
                            + " pushed out first; what never pairs is counted in"
                            + " dnstap_replay_pairing_total.",
                        "Responses the options cannot replay (CLIENT_RESPONSE or responses"
                            + " without their query, without --pair; only TCP) are counted in"
                            + " dnstap_replay_unusable_responses_total, and the first of each"
                            + " kind logs a hint naming the fix.")),
                new ManPage.Section(
                    "HTTP",
                    List.of(
                        "/metrics (Prometheus or OpenMetrics text), /healthz (200 or 503),"
                            + " /errors and /timeouts (the failure records as a dnstap file;"
                            + " fetching drains them).")),
                seeAlso)),
        new Page(new DumpCommand(), List.of(seeAlso)),
        new Page(new FmtDnsMessageCommand(), List.of(seeAlso)),
        new Page(new InjectCommand(), List.of(seeAlso)));
  }
}
