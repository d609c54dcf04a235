// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * InFlightTable lets one UDP socket carry many queries at once, where the original sent one and
 * waited. A response is matched to its query by DNS ID plus question; a response without a question
 * (FORMERR and friends) or with another question by ID alone, and only when exactly one query with
 * that ID is in flight.
 *
 * <p>The table refuses ({@link #tryAdd}) a query that would be indistinguishable from one already
 * in flight, so a response can never be compared with the wrong query; the caller sends it on
 * another socket or {@link #hold holds} it until the first completes. Timed-out keys are remembered
 * for one more timeout period, to tell a late response from an unknown one.
 *
 * <p>Deadlines are insertion order (the timeout is fixed), so expiry is a scan from the oldest
 * entry and costs O(1) per query. Time is passed in by the caller, in nanoseconds, which makes the
 * table a pure data structure; it is not thread-safe and lives on one event loop.
 *
 * @param <V> what is tracked per query
 */
public final class InFlightTable<V> {
  private static final int IDS = 1 << 16;

  /** Why a response matched nothing. */
  public enum Miss {
    /** Its query timed out not long ago. */
    LATE,
    /** Nothing in flight or recently timed out has that key, or it is too short to have one. */
    UNKNOWN
  }

  private record Entry<V>(QueryKey key, V value, long deadline) {}

  private final long timeoutNanos;
  private final int rememberedLimit;
  private final LinkedHashMap<QueryKey, Entry<V>> inFlight = new LinkedHashMap<>();
  private final int[] perId = new int[IDS];
  private final int[] questionlessPerId = new int[IDS];
  private final LinkedHashMap<QueryKey, Long> timedOut = new LinkedHashMap<>();
  private final Map<QueryKey, ArrayDeque<V>> held = new HashMap<>();
  private int heldCount;

  /**
   * @param timeoutNanos how long a query waits for its response
   * @param rememberedLimit how many timed-out keys are kept for late-response detection
   */
  public InFlightTable(long timeoutNanos, int rememberedLimit) {
    this.timeoutNanos = timeoutNanos;
    this.rememberedLimit = rememberedLimit;
  }

  /**
   * Adds a query unless one that its response could be confused with is in flight.
   *
   * @return false on such a conflict; nothing was added
   */
  public boolean tryAdd(QueryKey key, V value, long now) {
    if (conflicts(key)) {
      return false;
    }
    inFlight.put(key, new Entry<>(key, value, now + timeoutNanos));
    perId[key.id()]++;
    if (!key.hasQuestion()) {
      questionlessPerId[key.id()]++;
    }
    return true;
  }

  private boolean conflicts(QueryKey key) {
    int id = key.id();
    if (key.hasQuestion()) {
      return questionlessPerId[id] > 0 || inFlight.containsKey(key);
    }
    return perId[id] > 0;
  }

  /** Parks a query that conflicts everywhere until {@link #nextHeld} releases it. */
  public void hold(QueryKey key, V value) {
    held.computeIfAbsent(key, k -> new ArrayDeque<>()).add(value);
    heldCount++;
  }

  /**
   * The next held query waiting for {@code key}, now that the query in flight under that key has
   * completed; null if none.
   */
  public V nextHeld(QueryKey key) {
    ArrayDeque<V> q = held.get(key);
    if (q == null) {
      return null;
    }
    V v = q.poll();
    if (q.isEmpty()) {
      held.remove(key);
    }
    heldCount--;
    return v;
  }

  /**
   * Removes and returns the query that {@code response} answers, or null; see {@link #miss} for
   * why. A response whose question matches no query in flight, and is not a late answer, is taken
   * as the answer of the only query in flight with its DNS ID, if there is exactly one: the target
   * answered the wrong question, which the comparison then reports as a mismatch with the evidence,
   * as the original (which takes whatever datagram comes next) does.
   */
  public Completed<V> complete(QueryKey response) {
    Entry<V> e = inFlight.remove(response);
    if (e == null && perId[response.id()] == 1 && !timedOut.containsKey(response)) {
      e = removeOnlyEntryWithId(response.id());
    }
    if (e == null) {
      return null;
    }
    forget(e.key);
    return new Completed<>(e.key, e.value);
  }

  /** A matched query and the key it was sent under (for {@link #nextHeld}). */
  public record Completed<V>(QueryKey key, V value) {}

  private Entry<V> removeOnlyEntryWithId(int id) {
    for (Iterator<Entry<V>> it = inFlight.values().iterator(); it.hasNext(); ) {
      Entry<V> e = it.next();
      if (e.key.id() == id) {
        it.remove();
        return e;
      }
    }
    return null;
  }

  private void forget(QueryKey key) {
    perId[key.id()]--;
    if (!key.hasQuestion()) {
      questionlessPerId[key.id()]--;
    }
  }

  /** Classifies a response that {@link #complete} did not match (null key: too short). */
  public Miss miss(QueryKey response, long now) {
    dropRememberedBefore(now);
    return response != null && timedOut.containsKey(response) ? Miss.LATE : Miss.UNKNOWN;
  }

  /**
   * Calls {@code action} for each query in flight that was added before {@code time}, oldest first.
   */
  public void forEachAddedBefore(long time, Consumer<V> action) {
    for (Entry<V> e : inFlight.values()) {
      if (e.deadline - timeoutNanos - time >= 0) {
        break;
      }
      action.accept(e.value);
    }
  }

  /** Removes every query whose deadline has passed, oldest first, and remembers their keys. */
  public List<Completed<V>> expire(long now) {
    List<Completed<V>> expired = new ArrayList<>();
    for (Iterator<Entry<V>> it = inFlight.values().iterator(); it.hasNext(); ) {
      Entry<V> e = it.next();
      if (e.deadline - now > 0) {
        break;
      }
      it.remove();
      forget(e.key);
      remember(e.key, e.deadline + timeoutNanos);
      expired.add(new Completed<>(e.key, e.value));
    }
    dropRememberedBefore(now);
    return expired;
  }

  /** Removes every query, in flight and held, oldest first; for closing a socket. */
  public List<V> drain() {
    List<V> all = new ArrayList<>(inFlight.size() + heldCount);
    for (Completed<V> c : removeAll()) {
      all.add(c.value());
    }
    held.values().forEach(all::addAll);
    held.clear();
    heldCount = 0;
    return all;
  }

  /** Removes every query in flight (the target is unreachable); held queries stay held. */
  public List<Completed<V>> removeAll() {
    List<Completed<V>> all = new ArrayList<>(inFlight.size());
    for (Entry<V> e : inFlight.values()) {
      forget(e.key);
      all.add(new Completed<>(e.key, e.value));
    }
    inFlight.clear();
    return all;
  }

  private void remember(QueryKey key, long until) {
    timedOut.remove(key);
    timedOut.put(key, until);
    if (timedOut.size() > rememberedLimit) {
      Iterator<Long> it = timedOut.values().iterator();
      it.next();
      it.remove();
    }
  }

  private void dropRememberedBefore(long now) {
    for (Iterator<Long> it = timedOut.values().iterator(); it.hasNext(); ) {
      if (it.next() - now > 0) {
        break;
      }
      it.remove();
    }
  }

  public int size() {
    return inFlight.size();
  }

  public int heldCount() {
    return heldCount;
  }
}
