// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

/**
 * BuildInfo is the version Maven wrote into the jar manifest, so it is never out of date; classes
 * run from a build directory have none.
 */
public final class BuildInfo {
  /** The version outside a packaged jar. */
  public static final String DEVELOPMENT = "development build";

  private BuildInfo() {}

  /** This build's version, e.g. {@code 0.1.0}, or {@link #DEVELOPMENT}. */
  public static String version() {
    String v = BuildInfo.class.getPackage().getImplementationVersion();
    return v == null ? DEVELOPMENT : v;
  }
}
