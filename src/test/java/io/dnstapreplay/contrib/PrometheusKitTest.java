// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.contrib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Command;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.RequiresTools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus kit in contrib/prometheus and /metrics, checked by Prometheus's own promtool. */
@RequiresTools("promtool")
class PrometheusKitTest {
  private static final Path KIT = Path.of("contrib/prometheus");

  @TempDir Path dir;

  private static String promtool(byte[] input, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    return Command.run(KIT, input, command.toArray(String[]::new));
  }

  @Test
  void rulesAreValidAndTheirUnitTestsPass() throws Exception {
    assertTrue(
        promtool(new byte[0], "check", "rules", "dnstap-replay-rules.yml").contains("9 rules"));
    assertTrue(
        promtool(new byte[0], "test", "rules", "dnstap-replay-rules.test.yml").contains("SUCCESS"));
  }

  @Test
  void scrapeConfigIsValid() throws Exception {
    promtool(new byte[0], "check", "config", "prometheus.yml");
  }

  @Test
  void metricsPassPromtoolsLint() throws Exception {
    byte[] scrape = scrape();
    // promtool exits 3 on lint problems and prints them; 0 with no output means clean
    assertEquals("", promtool(scrape, "check", "metrics"));
  }

  private byte[] scrape() throws IOException, InterruptedException {
    try (DaemonRunner d = DaemonRunner.start(dir, new InetSocketAddress("127.0.0.1", 9), s -> {})) {
      return d.get("/metrics").body();
    }
  }
}
