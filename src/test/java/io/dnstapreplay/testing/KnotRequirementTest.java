// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

class KnotRequirementTest {
  private static final String ABSENT = "no-such-tool-7f3c1d";

  private final String saved = System.getProperty(KnotRequirement.REQUIRE_PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(KnotRequirement.REQUIRE_PROPERTY);
    } else {
      System.setProperty(KnotRequirement.REQUIRE_PROPERTY, saved);
    }
  }

  @Test
  void missingToolsListsOnlyAbsentExecutables() {
    assertEquals(List.of(ABSENT), KnotRequirement.missingTools("bash", ABSENT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "false", "${env.DNSTAP_REPLAY_REQUIRE_KNOT}"})
  void missingToolSkipsWhenNotRequired(String value) {
    System.setProperty(KnotRequirement.REQUIRE_PROPERTY, value);

    assertThrows(TestAbortedException.class, () -> KnotRequirement.assumeTools("bash", ABSENT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "TRUE"})
  void missingToolFailsWhenRequired(String value) {
    System.setProperty(KnotRequirement.REQUIRE_PROPERTY, value);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> KnotRequirement.assumeTools(ABSENT));
    assertEquals(
        "missing "
            + ABSENT
            + " (install them with lab/install.sh) but dnstapreplay.requireKnot is set",
        e.getMessage());
  }

  private static final String HEADER =
      "Inter-|   Receive                            |  Transmit\n"
          + " face |bytes    packets errs drop fifo frame compressed multicast|bytes\n";

  @Test
  void onlyLoopbackMeansAnIsolatedNamespace(@TempDir Path dir) throws IOException {
    Path dev = Files.writeString(dir.resolve("dev"), HEADER + "    lo:   1220  12 0 0 0 0 0 0\n");

    assertTrue(KnotRequirement.loopbackOnly(dev));
  }

  @Test
  void anyOtherInterfaceMeansTheHostNetwork(@TempDir Path dir) throws IOException {
    Path dev =
        Files.writeString(
            dir.resolve("dev"),
            HEADER + "    lo:   1220  12 0 0 0 0 0 0\n  eth0: 99  3 0 0 0 0 0 0\n");

    assertFalse(KnotRequirement.loopbackOnly(dev));
    assertFalse(KnotRequirement.loopbackOnly(dir.resolve("absent")));
  }

  @Test
  void presentToolsPassEvenWhenRequired() {
    System.setProperty(KnotRequirement.REQUIRE_PROPERTY, "1");

    assertDoesNotThrow(() -> KnotRequirement.assumeTools("bash"));
  }
}
