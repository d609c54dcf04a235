// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.dnstap.Payload;

/**
 * ReplayQuery is one payload on its way through the UDP stage: the original message (kept for the
 * failure record), what to send, and where it has been. Only the event loop that owns it at a given
 * moment touches its mutable fields.
 */
final class ReplayQuery {
  final Payload original;
  final PayloadFilter.Decision.Replay replay;
  final QueryKey key;

  /** Which target it goes to: its index in the replay's target list. */
  final int target;

  long sentAtNanos;
  int hops;

  /** Unanswered for so long that it no longer counts against the congestion window. */
  boolean presumedLost;

  ReplayQuery(Payload original, PayloadFilter.Decision.Replay replay, QueryKey key, int target) {
    this.original = original;
    this.replay = replay;
    this.key = key;
    this.target = target;
  }

  /**
   * What it counts against {@code --max-in-flight-bytes}: its payload's {@link Payload#weight
   * weight}, as in the queue. It holds about its frame more: the query and logged response copied
   * out to send and compare.
   */
  int weight() {
    return original.weight();
  }
}
