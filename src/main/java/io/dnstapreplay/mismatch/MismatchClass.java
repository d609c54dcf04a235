// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.mismatch;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What differs between a logged response and the target's, by field, after CZ.NIC respdiff's idea:
 * a user who sees a mismatch learns at once whether the answer changed or only its encoding. The
 * label value of {@code dnstap_replay_dns_mismatch_classes_total} and the {@code --equivalent} name
 * is the lower-case name.
 */
public enum MismatchClass {
  /** The response code differs (the OPT record's extended bits included). */
  RCODE,
  /** The opcode differs. */
  OPCODE,
  /** A header flag other than TC differs (QR, AA, RD, RA, Z, AD, CD). */
  FLAGS,
  /** The question section or the message ID differs: the response answers another query. */
  QUESTION,
  /** Answer record sets added, removed or changed. */
  ANSWER,
  /** Authority record sets added, removed or changed. */
  AUTHORITY,
  /** Additional record sets added, removed or changed (the OPT record is {@link #EDNS}). */
  ADDITIONAL,
  /** The same records with other TTLs. */
  TTL,
  /** The same records in another order within a section. */
  ORDER,
  /** The OPT record: present on one side only, or its version, flags, UDP size or options. */
  EDNS,
  /** Equal when parsed, different bytes: name compression or other encoding choices. */
  COMPRESSION,
  /** TC set on one side only. */
  TRUNCATED,
  /** One side or both do not parse as a DNS message. */
  MALFORMED;

  /** The name users write and metrics show. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a comma-separated list of labels, as {@code --equivalent} takes it.
   *
   * @throws IllegalArgumentException naming the first unknown class and the known ones
   */
  public static Set<MismatchClass> parseList(String list) {
    Set<MismatchClass> classes = EnumSet.noneOf(MismatchClass.class);
    for (String item : list.split(",", -1)) {
      classes.add(ofLabel(item.trim()));
    }
    return classes;
  }

  private static MismatchClass ofLabel(String label) {
    for (MismatchClass c : values()) {
      if (c.label().equals(label)) {
        return c;
      }
    }
    StringBuilder known = new StringBuilder();
    for (MismatchClass c : values()) {
      known.append(known.isEmpty() ? "" : ", ").append(c.label());
    }
    throw new IllegalArgumentException(
        "unknown mismatch class '" + label + "' (known: " + known + ")");
  }
}
