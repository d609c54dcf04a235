// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.tools.DnstapFileReader;
import io.dnstapreplay.tools.InjectSummary;
import io.dnstapreplay.tools.QueryInjector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code dnstap-inject} command. A file or target that cannot be used is one line and exit 1; a
 * file damaged part-way gets the summary of what was sent, then that line. Queries that time out
 * are a result, not an error (exit 0).
 */
@Command(
    name = "dnstap-inject",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Sends the query of every message in a dnstap file that has a query address to a"
            + " nameserver over UDP, one at a time, and prints how many were answered.")
public final class InjectCommand implements Callable<Integer> {
  private static final HexFormat HEX = HexFormat.of();

  /** {@code -vvvv}: the original logs each query and answer at trace. */
  private static final int TRACE = 4;

  @Spec CommandSpec spec;

  @Option(
      names = {"-r", "--read"},
      required = true,
      paramLabel = "FILE",
      description = "dnstap file (Frame Streams) to read; - for standard input.")
  String file;

  @Option(
      names = "--dns",
      required = true,
      paramLabel = "IP:PORT",
      converter = AddressConverter.class,
      description = "Nameserver to send the queries to, e.g. 192.0.2.1:53 or [2001:db8::1]:53.")
  InetSocketAddress dns;

  @Option(
      names = "--proxy",
      description = "Prepend a PROXY v2 header with the original client (needs query_port).")
  boolean proxy;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "500",
      description = "Milliseconds to wait for each answer (default: ${DEFAULT-VALUE}).")
  long timeoutMillis;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "More logging, as the original: errors by default (each query not answered), -v"
              + " warnings, -vv info, -vvv debug, -vvvv trace (each query and its answer).")
  boolean[] verbose = new boolean[0];

  private final InputStream stdin;
  private final PrintWriter out;

  public InjectCommand() {
    this(System.in, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
  }

  InjectCommand(InputStream stdin, PrintWriter out) {
    this.stdin = stdin;
    this.out = out;
  }

  @Override
  public Integer call() {
    if (timeoutMillis < 1) {
      throw new ParameterException(
          spec.commandLine(), "--timeout must be at least 1: " + timeoutMillis);
    }
    PrintWriter err = spec.commandLine().getErr();
    try (DnstapFileReader reader = DnstapFileReader.open(file, stdin);
        QueryInjector injector = new QueryInjector(dns, proxy, Duration.ofMillis(timeoutMillis))) {
      return injectAll(reader, injector, err);
    } catch (IOException e) {
      err.println("dnstap-inject: " + e.getMessage());
      return 1;
    }
  }

  private int injectAll(DnstapFileReader reader, QueryInjector injector, PrintWriter err) {
    InjectSummary summary = new InjectSummary();
    String error = null;
    try {
      summary.injectAll(reader, injector, (m, r) -> report(err, m, r));
    } catch (IOException e) {
      error = e.getMessage();
    }
    out.print(summary);
    out.flush();
    if (error != null) {
      err.println("dnstap-inject: " + error);
      return 1;
    }
    return 0;
  }

  /**
   * On the original's levels: a query not answered is an error (always shown), a query and its
   * answer are trace ({@code -vvvv}).
   */
  private void report(PrintWriter err, DnstapProto.Message m, QueryInjector.Result r) {
    switch (r.outcome()) {
      case ANSWERED -> {
        if (verbose.length >= TRACE) {
          err.println("answered: " + hex(m) + " -> " + HEX.formatHex(r.answer()));
        }
      }
      case TIMED_OUT, REFUSED ->
          err.println(
              r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + hex(m));
      default -> {}
    }
  }

  private static String hex(DnstapProto.Message m) {
    return HEX.formatHex(m.getQueryMessage().toByteArray());
  }

  public static void main(String[] args) {
    NettyMachineId.setIfAbsent();
    Logging.configure(Logging.verbosity(args));
    System.exit(Cli.run(new InjectCommand(), args));
  }
}
