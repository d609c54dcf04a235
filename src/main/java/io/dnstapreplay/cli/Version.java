// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import picocli.CommandLine.IVersionProvider;

/** Version reads the version Maven wrote into the jar manifest, so it is never out of date. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return new String[] {"${COMMAND-NAME} " + (v == null ? "(development build)" : v)};
  }
}
