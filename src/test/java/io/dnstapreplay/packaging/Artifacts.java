// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.packaging;

import java.nio.file.Path;

/** Where `mvn package` put what the packaging tests check (failsafe passes the properties). */
final class Artifacts {
  private Artifacts() {}

  static String version() {
    return System.getProperty("dnstapreplay.version", "0.1.0");
  }

  static Path buildDirectory() {
    return Path.of(System.getProperty("dnstapreplay.buildDirectory", "target"));
  }

  static Path jar() {
    return buildDirectory().resolve("dnstap-replay.jar");
  }

  static Path deb() {
    return buildDirectory().resolve("dnstap-replay_" + version() + "_all.deb");
  }

  static Path tarball() {
    return buildDirectory().resolve("dnstap-replay-" + version() + ".tar.gz");
  }
}
