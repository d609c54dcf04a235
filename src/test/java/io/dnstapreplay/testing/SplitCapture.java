// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * The Knot capture as servers without {@code responses-with-queries} log it: each message split
 * into a query message and a response message without its query, the response a few frames after
 * its query (so timestamps run backwards between neighbours), in the three ways servers type them.
 */
public final class SplitCapture {
  /** How many frames, at most, a response comes after its query. */
  public static final int MAX_DISTANCE = 6;

  /** The query message's time, this long before the logged response. */
  static final int QUERY_BEFORE_RESPONSE_NANOS = 40_000;

  private static final int STYLES = 3;

  private SplitCapture() {}

  /** The query and response types of Knot message {@code i}: NSD's, BIND's with RD=1, Unbound's. */
  static Message.Type[] types(int i) {
    return switch (i % STYLES) {
      case 0 -> new Message.Type[] {Message.Type.AUTH_QUERY, Message.Type.AUTH_RESPONSE};
      case 1 -> new Message.Type[] {Message.Type.AUTH_QUERY, Message.Type.CLIENT_RESPONSE};
      default -> new Message.Type[] {Message.Type.CLIENT_QUERY, Message.Type.CLIENT_RESPONSE};
    };
  }

  /** The query message split from Knot message {@code i}. */
  public static Dnstap query(Dnstap knot, int i) {
    Message m = knot.getMessage();
    long t = m.getResponseTimeSec() * 1_000_000_000L + m.getResponseTimeNsec();
    t -= QUERY_BEFORE_RESPONSE_NANOS;
    return knot.toBuilder()
        .setMessage(
            m.toBuilder()
                .setType(types(i)[0])
                .clearResponseMessage()
                .clearResponseTimeSec()
                .clearResponseTimeNsec()
                .setQueryTimeSec(t / 1_000_000_000L)
                .setQueryTimeNsec((int) (t % 1_000_000_000L)))
        .build();
  }

  /** The response message split from Knot message {@code i}: without its query. */
  public static Dnstap response(Dnstap knot, int i) {
    return knot.toBuilder()
        .setMessage(knot.getMessage().toBuilder().setType(types(i)[1]).clearQueryMessage())
        .build();
  }

  /** What pairing must make of the two: the response with the query and its time filled in. */
  public static Dnstap paired(Dnstap knot, int i) {
    Message q = query(knot, i).getMessage();
    return knot.toBuilder()
        .setMessage(
            knot.getMessage().toBuilder()
                .setType(types(i)[1])
                .setQueryTimeSec(q.getQueryTimeSec())
                .setQueryTimeNsec(q.getQueryTimeNsec()))
        .build();
  }

  /**
   * Every Knot message split in two, each response 0 to {@link #MAX_DISTANCE} queries after its
   * own, chosen by {@code seed}.
   */
  public static List<Dnstap> split(List<Dnstap> knot, long seed) {
    Random random = new Random(seed);
    List<Dnstap> out = new ArrayList<>();
    List<int[]> due = new ArrayList<>(); // {index, queries still to come before it}
    for (int i = 0; i < knot.size(); i++) {
      out.add(query(knot.get(i), i));
      due.add(new int[] {i, random.nextInt(MAX_DISTANCE + 1)});
      for (Iterator<int[]> it = due.iterator(); it.hasNext(); ) {
        int[] d = it.next();
        if (d[1]-- == 0) {
          out.add(response(knot.get(d[0]), d[0]));
          it.remove();
        }
      }
    }
    due.forEach(d -> out.add(response(knot.get(d[0]), d[0])));
    return out;
  }

  /** The Knot capture's messages, parsed. */
  public static List<Dnstap> knot() {
    return KnotCapture.frames().stream().map(KnotCapture::parse).toList();
  }

  /** Serialised, as frames to send. */
  public static List<byte[]> frames(List<Dnstap> messages) {
    return messages.stream().map(Dnstap::toByteArray).toList();
  }
}
