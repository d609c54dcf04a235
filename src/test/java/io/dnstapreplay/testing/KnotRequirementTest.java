// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
            + " but dnstapreplay.requireKnot is set: install them with lab/install.sh"
            + " (scripts/test does)",
        e.getMessage());
  }

  @Test
  void presentToolsPassEvenWhenRequired() {
    System.setProperty(KnotRequirement.REQUIRE_PROPERTY, "1");

    assertDoesNotThrow(() -> KnotRequirement.assumeTools("bash"));
  }
}
