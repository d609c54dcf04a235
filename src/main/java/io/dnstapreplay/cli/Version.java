// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import io.dnstapreplay.metrics.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** Version prints the version Maven wrote into the jar manifest (see {@link BuildInfo}). */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-NAME} " + BuildInfo.version()};
  }
}
