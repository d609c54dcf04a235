// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pairer gives each response message that lacks its query (BIND, NSD, Unbound, dnsdist, Knot
 * without {@code responses-with-queries}) the query of the query message logged before it, so that
 * the replay stage sees one message with both, as Knot can log it. Any {@code *_QUERY} pairs with
 * any {@code *_RESPONSE} of the same {@link PairKey}: BIND logs AUTH_QUERY with CLIENT_RESPONSE
 * when RD=1.
 *
 * <p>Pending queries are bounded in time, in number and in bytes. A pending query weighs what it
 * holds: its query, its key's bytes (client address, question) and {@link #PENDING_OVERHEAD} for
 * the objects around them; a query message may be a whole frame of up to 1 MiB, so the count alone
 * would let 10,000 of them take gigabytes. When a query would exceed either bound, the oldest go
 * first ({@link PairOutcome#EVICTED}); one heavier than the whole byte bound waits alone, as the
 * queue lets such a payload in alone, and its response still finds it if it comes next, as servers
 * log them. Time is the dnstap clock: the latest timestamp seen so far, never the wall clock, so
 * that a file replays with the same pairs whatever its speed, and timestamps that run backwards
 * between neighbours (BIND's 4 ms ticks) cannot age anything. Each query is stamped with that clock
 * when it arrives, so stamps grow in arrival order and the oldest query is always the first to go.
 * Queries with the same key (a client's retransmissions) pair first in, first out.
 *
 * <p>Pure and single-threaded: it is fed by the queue's one consumer, in arrival order.
 */
public final class Pairer {
  /**
   * What a pending query holds besides its query and key bytes, near enough: the entry, the key,
   * two byte strings and their arrays' headers, and its place in the map.
   */
  static final int PENDING_OVERHEAD = 256;

  private static final long NO_NSEC = -1;

  private final long windowNanos;
  private final int maxPending;
  private final long maxPendingBytes;
  private final Consumer<PairOutcome> outcomes;
  private final Runnable oversized;

  /** The first pending query of each key; later ones of the key hang off it. */
  private final Map<PairKey, Pending> firstOfKey = new HashMap<>();

  private Pending oldest;
  private Pending newest;
  private int pending;
  private long pendingBytes;

  /** Nanoseconds since the epoch; 0 until a message with a timestamp arrives. */
  private long clock;

  /**
   * A query waiting for its response, on the arrival-ordered list and its key's list. It keeps what
   * the pair takes from its query message (the query and its time) and nothing else of that
   * message: a query message may carry anything up to a whole frame.
   */
  private static final class Pending {
    final PairKey key;
    final ByteString query;
    final boolean hasTime;
    final long timeSec;

    /** {@code query_time_nsec} as an unsigned value, or {@link #NO_NSEC}. */
    final long timeNsec;

    final long stamp;
    final int weight;
    Pending prev;
    Pending next;
    Pending nextOfKey;

    /** On the first of a key only: the last of that key, where a retransmission is appended. */
    Pending lastOfKey;

    Pending(PairKey key, Message queryMessage, long stamp) {
      this.key = key;
      this.query = queryMessage.getQueryMessage();
      this.hasTime = queryMessage.hasQueryTimeSec();
      this.timeSec = queryMessage.getQueryTimeSec();
      this.timeNsec =
          queryMessage.hasQueryTimeNsec()
              ? Integer.toUnsignedLong(queryMessage.getQueryTimeNsec())
              : NO_NSEC;
      this.stamp = stamp;
      this.weight = query.size() + key.bytes() + PENDING_OVERHEAD;
    }
  }

  /**
   * @param outcomes told of each message's outcome, as it happens
   * @param oversized told of each query heavier than the whole byte bound, before it evicts the
   *     rest
   */
  public Pairer(PairingConfig config, Consumer<PairOutcome> outcomes, Runnable oversized) {
    this.windowNanos = config.window().toNanos();
    this.maxPending = config.maxPending();
    this.maxPendingBytes = config.maxPendingBytes();
    this.outcomes = outcomes;
    this.oversized = oversized;
  }

  /**
   * Takes the next message in arrival order. Returns what the replay stage gets instead: the
   * message itself, a response with its query filled in, or null for a query that now waits for its
   * response. Messages that are neither a keyed query nor a response (other types, a query without
   * its DNS message) pass unchanged and uncounted.
   */
  public Dnstap accept(Dnstap d) {
    if (d.getType() != Dnstap.Type.MESSAGE || !d.hasMessage()) {
      return d;
    }
    Message m = d.getMessage();
    advanceClock(m);
    Dnstap out = d;
    switch (m.getType()) {
      case AUTH_QUERY, CLIENT_QUERY -> {
        PairKey key = m.hasQueryMessage() ? PairKey.of(m, m.getQueryMessage()) : null;
        if (key != null) {
          hold(new Pending(key, m, clock));
          out = null;
        }
      }
      case AUTH_RESPONSE, CLIENT_RESPONSE -> out = response(d);
      default -> {}
    }
    expire();
    return out;
  }

  /**
   * The input has ended (end of file, shutdown): every query still waiting is one without response.
   */
  public void finish() {
    while (oldest != null) {
      remove(oldest);
      outcomes.accept(PairOutcome.QUERY_WITHOUT_RESPONSE);
    }
  }

  /** Queries waiting for their response. */
  public int pending() {
    return pending;
  }

  /** What the queries waiting hold, in bytes, as weighed for the byte bound. */
  public long pendingBytes() {
    return pendingBytes;
  }

  /**
   * A response that carries its query already (Knot with {@code responses-with-queries}) stays as
   * it is, but still takes a pending query of its key, which Knot's {@code log-queries} logged too:
   * it would otherwise wait in vain.
   */
  private Dnstap response(Dnstap d) {
    Message m = d.getMessage();
    // nothing pending (a Knot source with both in one message): no key to compute
    PairKey key =
        pending > 0 && m.hasResponseMessage() ? PairKey.of(m, m.getResponseMessage()) : null;
    Pending p = key == null ? null : firstOfKey.get(key);
    if (p != null) {
      remove(p);
    }
    if (m.hasQueryMessage()) {
      outcomes.accept(p == null ? PairOutcome.PASSED_THROUGH : PairOutcome.PAIRED);
      return d;
    }
    if (p == null) {
      outcomes.accept(PairOutcome.RESPONSE_WITHOUT_QUERY);
      return d;
    }
    outcomes.accept(PairOutcome.PAIRED);
    Message.Builder b = m.toBuilder().setQueryMessage(p.query);
    if (!m.hasQueryTimeSec() && p.hasTime) {
      b.setQueryTimeSec(p.timeSec);
      if (p.timeNsec != NO_NSEC) {
        b.setQueryTimeNsec((int) p.timeNsec);
      }
    }
    return d.toBuilder().setMessage(b).build();
  }

  private void hold(Pending p) {
    if (p.weight > maxPendingBytes) {
      oversized.run();
    }
    while (oldest != null && (pending == maxPending || pendingBytes + p.weight > maxPendingBytes)) {
      remove(oldest);
      outcomes.accept(PairOutcome.EVICTED);
    }
    Pending first = firstOfKey.putIfAbsent(p.key, p);
    if (first == null) {
      p.lastOfKey = p;
    } else {
      first.lastOfKey.nextOfKey = p;
      first.lastOfKey = p;
    }
    p.prev = newest;
    if (newest == null) {
      oldest = p;
    } else {
      newest.next = p;
    }
    newest = p;
    pending++;
    pendingBytes += p.weight;
  }

  /** Gives up the queries the dnstap clock has moved more than the window past. */
  private void expire() {
    while (oldest != null && clock - oldest.stamp > windowNanos) {
      remove(oldest);
      outcomes.accept(PairOutcome.QUERY_WITHOUT_RESPONSE);
    }
  }

  /**
   * Removes {@code p}, which is the first of its key: either the oldest of all (its key's earlier
   * ones arrived before it) or the one a response takes.
   */
  private void remove(Pending p) {
    if (p.nextOfKey == null) {
      firstOfKey.remove(p.key);
    } else {
      p.nextOfKey.lastOfKey = p.lastOfKey;
      firstOfKey.put(p.key, p.nextOfKey);
    }
    if (p.prev == null) {
      oldest = p.next;
    } else {
      p.prev.next = p.next;
    }
    if (p.next == null) {
      newest = p.prev;
    } else {
      p.next.prev = p.prev;
    }
    pending--;
    pendingBytes -= p.weight;
  }

  /** Moves the dnstap clock to the message's time if that is later; a message without one waits. */
  private void advanceClock(Message m) {
    boolean query =
        m.getType() == Message.Type.AUTH_QUERY || m.getType() == Message.Type.CLIENT_QUERY;
    long t;
    if (!query && m.hasResponseTimeSec()) {
      t = nanos(m.getResponseTimeSec(), m.getResponseTimeNsec());
    } else if (m.hasQueryTimeSec()) {
      t = nanos(m.getQueryTimeSec(), m.getQueryTimeNsec());
    } else {
      return;
    }
    clock = Math.max(clock, t);
  }

  /**
   * Nanoseconds since the epoch of an unsigned {@code sec} and {@code nsec}, saturated: a bogus
   * year cannot wrap the clock around.
   */
  private static long nanos(long sec, int nsec) {
    long maxSec = (Long.MAX_VALUE - 0xFFFF_FFFFL) / 1_000_000_000L;
    long s = Long.compareUnsigned(sec, maxSec) > 0 ? maxSec : sec;
    return s * 1_000_000_000L + Integer.toUnsignedLong(nsec);
  }
}
