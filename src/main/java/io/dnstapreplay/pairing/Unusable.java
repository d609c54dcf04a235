// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import java.util.Locale;

/** Why a response message cannot be replayed with the options given; see {@link Guardrails}. */
public enum Unusable {
  /** CLIENT_RESPONSE without {@code --pair}: only AUTH_RESPONSE is replayed then. */
  CLIENT_RESPONSE,
  /** An AUTH_RESPONSE without its query, without {@code --pair}. */
  RESPONSE_WITHOUT_QUERY,
  /**
   * A response over another transport than UDP; the same payloads as the original's {@code
   * discard_non_udp}.
   */
  NON_UDP;

  /** The value of the metric's {@code reason} label. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
