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

  /** The text the original prints, byte for byte (see DnsTextTest for every kind of message). */
  @Test
  void printsTheMessageAsTheOriginalWhateverTheWhitespace() {
    String spaced = WHOAMI.substring(0, 24) + "\n " + WHOAMI.substring(24, 50);
    Result r = run(spaced, WHOAMI.substring(50));
    assertEquals(
        new Result(
            0,
            """
            ;; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 41
            ;; flags: qr aa rd ; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;whoami.test. IN A

            ;; ANSWER SECTION:
            whoami.test. 60 IN A 127.0.0.1

            ;; AUTHORITY SECTION:

            ;; ADDITIONAL SECTION:
            """,
            ""),
        r);
  }

  /**
   * The original shows only the header of a message whose sections do not parse, and exits 0; this
   * one shows the same and says on stderr what it left out, with exit 1.
   */
  @Test
  void aMessageThatDoesNotParseShowsWhatTheOriginalShowsThenExit1() {
    Result r = run(WHOAMI.substring(0, WHOAMI.length() - 4));
    assertEquals(
        new Result(
            1,
            """
            ;; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 41
            ;; flags: qr aa rd ; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0

            """,
            "fmt-dns-message: not shown: the sections do not parse: unexpected end of input\n"),
        r);
  }

  @Test
  void aMessageShorterThanAHeaderIsAParseError() {
    assertEquals(
        new Result(
            1, ";; PARSE ERROR: short message\n", "fmt-dns-message: not shown: short message\n"),
        run("0029"));
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
