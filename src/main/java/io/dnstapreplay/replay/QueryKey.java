// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a response shares with its query on one UDP socket: the DNS ID and the first question, so
 * that several queries can be in flight on a socket (the original allows one) and a late answer to
 * a timed-out query is not taken for another query's answer.
 *
 * <p>The question is kept as its exact wire bytes (name, type, class), not folded to one case: an
 * answer whose question differs from the query's in any byte, case included, finds no query and
 * that query is reported as a timeout. A message without a parseable question (QDCOUNT 0, a
 * compression pointer or reserved label type in the question, a name longer than 255 bytes, or one
 * that runs past the end) is keyed by its ID alone.
 */
public final class QueryKey {
  /** Length of the DNS header, where the question section starts. */
  private static final int DNS_HEADER_LENGTH = 12;

  /** Longest name on the wire, length bytes and root label included (RFC 1035, 3.1). */
  public static final int MAX_NAME_LENGTH = 255;

  private static final int QDCOUNT_OFFSET = 4;
  private static final int LABEL_TYPE_MASK = 0xC0;
  private static final int TYPE_AND_CLASS_LENGTH = 4;

  private final int id;
  private final byte[] question;
  private final int hash;

  private QueryKey(int id, byte[] question) {
    this.id = id;
    this.question = question;
    this.hash = 31 * id + Arrays.hashCode(question);
  }

  /**
   * Returns the key of {@code dnsMessage}, or null if it is shorter than a DNS header. Allocates
   * the key and one array of the question's length; does not keep {@code dnsMessage}.
   */
  public static QueryKey of(byte[] dnsMessage) {
    if (dnsMessage.length < DNS_HEADER_LENGTH) {
      return null;
    }
    int id = readU16(dnsMessage, 0);
    int questionEnd = readU16(dnsMessage, QDCOUNT_OFFSET) == 0 ? -1 : questionEnd(dnsMessage);
    byte[] question =
        questionEnd < 0 ? null : Arrays.copyOfRange(dnsMessage, DNS_HEADER_LENGTH, questionEnd);
    return new QueryKey(id, question);
  }

  public int id() {
    return id;
  }

  public boolean hasQuestion() {
    return question != null;
  }

  /** Returns the offset just past the first question's class, or -1 if it does not parse. */
  private static int questionEnd(byte[] msg) {
    int pos = DNS_HEADER_LENGTH;
    int nameEnd = DNS_HEADER_LENGTH + MAX_NAME_LENGTH;
    while (pos < msg.length && pos < nameEnd) {
      int labelLength = msg[pos] & 0xFF;
      if (labelLength == 0) {
        int end = pos + 1 + TYPE_AND_CLASS_LENGTH;
        return end <= msg.length ? end : -1;
      }
      if ((labelLength & LABEL_TYPE_MASK) != 0) {
        return -1;
      }
      pos += 1 + labelLength;
    }
    return -1;
  }

  private static int readU16(byte[] msg, int offset) {
    return (msg[offset] & 0xFF) << 8 | (msg[offset + 1] & 0xFF);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof QueryKey key && id == key.id && Arrays.equals(question, key.question);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "QueryKey[id="
        + id
        + (question == null
            ? ", no question]"
            : ", question=" + HexFormat.of().formatHex(question) + "]");
  }
}
