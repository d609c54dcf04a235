// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.daemon.Addresses;
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
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code dnstap-inject} command. The summary is printed also when the file turns out to be
 * damaged part-way, followed by a one-line error and exit 1; queries that time out are a result,
 * not an error (exit 0).
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
  static final String LOGGER = "io.dnstapreplay.tools.inject";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

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
      description = "-v: log each query not answered; -vv: also each query and answer, in hex.")
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
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--timeout must be at least 1: " + timeoutMillis);
    }
    Logging.configure(verbose.length, LOGGER);
    Logger log = LoggerFactory.getLogger(LOGGER);
    InjectSummary summary = new InjectSummary();
    String error = null;
    try (DnstapFileReader reader = DnstapFileReader.open(file, stdin);
        QueryInjector injector = new QueryInjector(dns, proxy, Duration.ofMillis(timeoutMillis))) {
      summary.injectAll(reader, injector, (m, r) -> logResult(log, m, r));
    } catch (IOException e) {
      error = e.getMessage();
    }
    out.print(summary);
    out.flush();
    if (error != null) {
      spec.commandLine().getErr().println("dnstap-inject: " + error);
      return 1;
    }
    return 0;
  }

  private void logResult(
      Logger log, io.dnstapreplay.dnstap.DnstapProto.Message m, QueryInjector.Result r) {
    switch (r.outcome()) {
      case ANSWERED ->
          log.debug(
              "query {} answered {}", hex(m.getQueryMessage().toByteArray()), hex(r.answer()));
      case TIMED_OUT, REFUSED ->
          log.info(
              "query {} to {}: {}",
              hex(m.getQueryMessage().toByteArray()),
              Addresses.format(dns),
              r.outcome());
      default -> {}
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new InjectCommand(), args));
  }
}
