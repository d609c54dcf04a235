// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import java.util.Locale;

/**
 * What became of a message the {@link Pairer} took: each query message ends in exactly one of
 * {@link #PAIRED}, {@link #QUERY_WITHOUT_RESPONSE} or {@link #EVICTED} (or is still pending), each
 * response message in exactly one of {@link #PAIRED}, {@link #PASSED_THROUGH} or {@link
 * #RESPONSE_WITHOUT_QUERY}. A pair counts once.
 */
public enum PairOutcome {
  /**
   * A response took the query of its pending query message (one that carries its query already
   * keeps it, and the query message is dropped).
   */
  PAIRED,
  /**
   * A response that carries its query already (Knot's {@code responses-with-queries}), with no
   * query message pending.
   */
  PASSED_THROUGH,
  /** A query whose response did not come within the window, or before the end of the input. */
  QUERY_WITHOUT_RESPONSE,
  /** A response without its query, and no pending query of its key. */
  RESPONSE_WITHOUT_QUERY,
  /** A query pushed out, before its window ended, because the most queries were waiting. */
  EVICTED;

  /** The value of the metric's {@code result} label. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
