// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.tools.DnstapDump;
import io.dnstapreplay.tools.DnstapFileReader;
import io.dnstapreplay.tools.MismatchSummary;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code dnstap-dump} command. A damaged file is dumped up to the damage, then a one-line error
 * naming its byte offset and exit 1. When the reader of a pipe goes away (as {@code head} does) the
 * dump stops silently with the status of a process killed by SIGPIPE, as C tools do.
 */
@Command(
    name = "dnstap-dump",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Prints each message of a dnstap file as a YAML document (or a JSON line), decoding"
            + " the failure records dnstap-replay puts in the extra field.")
public final class DumpCommand implements Callable<Integer> {
  /** What a shell reports for a process killed by SIGPIPE (128 + 13). */
  static final int BROKEN_PIPE_STATUS = 141;

  /** How Linux (strerror(EPIPE)) and so the JDK describe a write to a pipe nobody reads. */
  private static final String BROKEN_PIPE = "Broken pipe";

  private static final int OUTPUT_BUFFER_SIZE = 1 << 16;

  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Input input;

  /** Either a dump of every message or the mismatch summary, of one file. */
  static final class Input {
    @Option(
        names = {"-r", "--read"},
        required = true,
        paramLabel = "FILE",
        description = "dnstap file (Frame Streams) to read; - for standard input.")
    String file;

    @Option(
        names = "--summary",
        required = true,
        paramLabel = "FILE",
        description =
            "Instead of a dump, a table of the mismatch classes of FILE's failure records, with"
                + " counts, the most frequent query names and types and an example of each.")
    String summary;
  }

  @Option(
      names = "--json",
      description = "One JSON object per line instead of YAML (with --summary: one object).")
  boolean json;

  private final InputStream stdin;
  private final OutputStream stdout;

  public DumpCommand() {
    this(System.in, new FileOutputStream(FileDescriptor.out));
  }

  DumpCommand(InputStream stdin, OutputStream stdout) {
    this.stdin = stdin;
    this.stdout = stdout;
  }

  @Override
  public Integer call() {
    Writer out =
        new BufferedWriter(
            new OutputStreamWriter(stdout, StandardCharsets.UTF_8), OUTPUT_BUFFER_SIZE);
    String file = input.summary != null ? input.summary : input.file;
    try (DnstapFileReader reader = DnstapFileReader.open(file, stdin)) {
      if (input.summary != null) {
        MismatchSummary.summarize(reader, json, out);
      } else {
        DnstapDump.dump(reader, json ? DnstapDump.Format.JSON : DnstapDump.Format.YAML, out);
      }
      return 0;
    } catch (DnstapDump.OutputException e) {
      if (BROKEN_PIPE.equals(e.getMessage())) {
        return BROKEN_PIPE_STATUS;
      }
      spec.commandLine().getErr().println("dnstap-dump: cannot write output: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      spec.commandLine().getErr().println("dnstap-dump: " + e.getMessage());
      return 1;
    }
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new DumpCommand(), args));
  }
}
