// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.Arrays;

/**
 * Decides whether the target answered a replayed query as the logged server did. The comparison is
 * byte for byte because any difference, even in record order or case, is what the replay exists to
 * find; {@code --ignore-tc} only forgives pairs where one side was truncated, since a truncated
 * answer depends on sizes and not on zone content.
 */
public final class ResponseComparator {
  /** Outcome of one comparison, named as the {@code dns_comparisons_total} label values. */
  public enum Result {
    MATCHED,
    MISMATCHED,
    UDP_TC_IGNORED
  }

  /** Length of the DNS header; a shorter message has no flags to read. */
  private static final int DNS_HEADER_LENGTH = 12;

  private static final int FLAGS_HIGH_BYTE = 2;
  private static final int TC_BIT = 0x02;

  private ResponseComparator() {}

  public static Result compare(byte[] logged, byte[] received, boolean ignoreTc) {
    if (Arrays.equals(logged, received)) {
      return Result.MATCHED;
    }
    if (ignoreTc && (hasTc(logged) || hasTc(received))) {
      return Result.UDP_TC_IGNORED;
    }
    return Result.MISMATCHED;
  }

  /** Whether {@code msg} is a DNS message of at least a full header with the TC bit set. */
  public static boolean hasTc(byte[] msg) {
    return msg.length >= DNS_HEADER_LENGTH && (msg[FLAGS_HIGH_BYTE] & TC_BIT) != 0;
  }
}
