// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.testing.KnotLab.TargetZone;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * KnotTargets shares Knot targets among the tests of a class: each zone's target starts on first
 * use (a lab takes seconds to start) and all stop after the class. Register it as a static field
 * with {@code @RegisterExtension}.
 */
public final class KnotTargets implements AfterAllCallback {
  private final Map<TargetZone, KnotLab> labs = new EnumMap<>(TargetZone.class);

  /** A target serving {@code zone} that accepts PROXY v2 from loopback. */
  public synchronized KnotLab get(TargetZone zone) {
    return labs.computeIfAbsent(zone, z -> KnotLab.builder().target(z).start());
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    labs.values().forEach(KnotLab::close);
    labs.clear();
  }
}
