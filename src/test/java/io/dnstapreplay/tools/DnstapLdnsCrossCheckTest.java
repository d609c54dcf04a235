// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.tools.DnstapDump.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every field dnstap-ldns (the dnstap project's own dumper) prints for the Knot capture has the
 * same value in our dump: addresses, ports, times (ldns shows microseconds), enum names, identity.
 */
@RequiresTools({"dnstap-ldns"})
class DnstapLdnsCrossCheckTest {
  private static final Set<String> TIMES = Set.of("message.query_time", "message.response_time");

  /**
   * type, identity, version; message: type, response_time, family, protocol, 2 addresses, 2 ports.
   */
  private static final int FIELDS_PER_MESSAGE = 11;

  private static final Pattern SCALAR = Pattern.compile("^( {2})?([a-z_]+): (.+)$");

  @TempDir Path dir;

  @Test
  void everyFieldDnstapLdnsShowsHasTheSameValue() throws Exception {
    Path tap = dir.resolve("knot.tap");
    Files.write(tap, KnotCapture.bytes());
    List<Map<String, String>> theirs = scalars(dnstapLdns(tap));
    List<Map<String, String>> ours = scalars(ToolsFixtures.dump(KnotCapture.bytes(), Format.YAML));
    assertEquals(KnotCapture.FRAMES, theirs.size());
    assertEquals(theirs.size(), ours.size());
    int compared = 0;
    for (int i = 0; i < theirs.size(); i++) {
      for (Map.Entry<String, String> field : theirs.get(i).entrySet()) {
        String key = field.getKey();
        String mine = ours.get(i).get(key);
        String where = "message " + i + " " + key + ": ours " + mine + ", dnstap-ldns ";
        if (TIMES.contains(key)) {
          assertTrue(mine != null && mine.startsWith(field.getValue()), where + field.getValue());
        } else {
          assertEquals(field.getValue(), mine, where + field.getValue());
        }
        compared++;
      }
    }
    assertEquals(KnotCapture.FRAMES * FIELDS_PER_MESSAGE, compared);
  }

  /**
   * The one-line {@code key: value} fields of each document (the formatted DNS messages, literal
   * blocks, are left out), nested ones as {@code message.key}.
   */
  private static List<Map<String, String>> scalars(String yaml) {
    List<Map<String, String>> docs = new ArrayList<>();
    Map<String, String> doc = new LinkedHashMap<>();
    for (String line : yaml.lines().toList()) {
      if (line.equals("---")) {
        docs.add(doc);
        doc = new LinkedHashMap<>();
        continue;
      }
      Matcher m = SCALAR.matcher(line);
      if (m.matches() && !m.group(3).equals("|")) {
        doc.put((m.group(1) == null ? "" : "message.") + m.group(2), m.group(3));
      }
    }
    return docs;
  }

  private static String dnstapLdns(Path tap) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("dnstap-ldns", "-y", "-r", tap.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dnstap-ldns still running");
    assertEquals(0, p.exitValue(), "dnstap-ldns exit status");
    return new String(out, StandardCharsets.UTF_8);
  }
}
