// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class FmtDnsMessageCommandTest {
  /** Knot's answer to {@code whoami.test. A} from 127.0.0.1. */
  private static final String WHOAMI =
      "0029850000010001000000000677686f616d6904746573740000010001c00c000100010000003c00047f000001";

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    FmtDnsMessageCommand command = new FmtDnsMessageCommand(new PrintWriter(out, true));
    int exit = Cli.run(command, args, new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void printsTheMessageDigStyleWhateverTheWhitespace() {
    String spaced = WHOAMI.substring(0, 24) + "\n " + WHOAMI.substring(24, 50);
    Result r = run(spaced, WHOAMI.substring(50));
    assertEquals(
        new Result(
            0,
            """
            ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 41
            ;; flags: qr aa rd ; qd: 1 an: 1 au: 0 ad: 0
            ;; QUESTIONS:
            ;;	whoami.test., type = A, class = IN

            ;; ANSWERS:
            whoami.test.		60	IN	A	127.0.0.1

            ;; AUTHORITY RECORDS:

            ;; ADDITIONAL RECORDS:

            ;; Message size: 45 bytes
            """,
            ""),
        r);
  }

  @Test
  void aMessageThatDoesNotParseShowsWhatDidThenExit1() {
    Result r = run(WHOAMI.substring(0, WHOAMI.length() - 4));
    assertEquals(
        new Result(
            1,
            """
            ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 41
            ;; flags: qr aa rd ; qd: 1 an: 1 au: 0 ad: 0
            ;; QUESTIONS:
            ;;	whoami.test., type = A, class = IN

            ;; ANSWERS:

            ;; PARSE ERROR: truncated record
            """,
            ""),
        r);
  }

  @Test
  void badHexIsOneLineAndExit1() {
    assertEquals(
        new Result(1, "", "fmt-dns-message: 'x' at position 3 is not a hex digit\n"), run("00x1"));
    assertEquals(
        new Result(1, "", "fmt-dns-message: odd number of hex digits (3): a byte is two digits\n"),
        run("00", "1"));
  }

  @Test
  void noHexIsAUsageError() {
    Result r = run();
    assertEquals(2, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
  }
}
