// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.dnstap.Payload;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Pacer decides when each message of a capture is due, to replay it at {@code speed} times the pace
 * it was logged at ({@code --speed}). Pure: the caller waits and sends. Not thread-safe.
 *
 * <p>A message's time is its {@code query_time}, else its {@code response_time}. DNS servers log
 * from several threads, so a capture is only roughly in time order (Knot's by tens of
 * milliseconds): messages are held back until {@link #WINDOW_NANOS} of capture time follow them,
 * and released in time order. The window holds at most {@link #MAX_HELD} messages and {@link
 * #HEAP_SHARE a share of the heap} by their {@link Payload#weight weight}; beyond either, the
 * earliest is released before its window has passed. The first message released is due at 0, each
 * other at its time since that one divided by the speed, so the replay lasts as long as the capture
 * did (divided by the speed). A message without a time takes the latest time seen before it, so it
 * keeps its place; one that comes before any time is due at once.
 */
final class Pacer {
  /** How far out of order a capture may be; a later message is released in file order. */
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Bounds the memory the window takes in a busy capture. */
  static final int MAX_HELD = 10_000;

  /**
   * The held messages weigh at most this share of the maximum heap: a capture may hold frames of up
   * to 1 MiB, and 10,000 of those would take ten gigabytes. Not an option: releasing a message
   * early costs at most the order of one that was logged more out of order than the window that is
   * left, never a message, and 10,000 messages as Knot logs them weigh 2 MB, under a thirty-second
   * from a 64 MiB heap up.
   */
  static final int HEAP_SHARE = 32;

  private static final long NO_TIME = Long.MIN_VALUE;
  private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

  /** A message and when it is due, in nanoseconds since the first one was released. */
  record Release(Payload message, long dueNanos) {}

  private record Held(Payload message, long timeNanos, long sequence) {}

  private final double speed;
  private final PriorityQueue<Held> held =
      new PriorityQueue<>(
          Comparator.comparingLong(Held::timeNanos).thenComparingLong(Held::sequence));
  private final long maxHeldBytes;
  private long heldBytes;
  private long sequence;
  private long latest = NO_TIME;
  private long first = NO_TIME;

  /**
   * @param speed how many times faster than it was logged: 1 is real time, 10 ten times faster
   */
  Pacer(double speed) {
    this(speed, Runtime.getRuntime().maxMemory() / HEAP_SHARE);
  }

  /**
   * @param maxHeldBytes the weight the held messages may reach; one heavier than all of it goes at
   *     once
   */
  Pacer(double speed, long maxHeldBytes) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number: " + speed);
    }
    this.speed = speed;
    this.maxHeldBytes = maxHeldBytes;
  }

  void add(Payload message) {
    long t = timeNanos(message);
    if (t == NO_TIME) {
      t = latest;
    } else {
      latest = Math.max(latest, t);
    }
    held.add(new Held(message, t, sequence++));
    heldBytes += message.weight();
  }

  /**
   * Returns the next message to send, or null when none may go yet.
   *
   * @param all release every held message: the capture has ended
   */
  Release poll(boolean all) {
    Held h = held.peek();
    if (h == null
        || !(all
            || held.size() > MAX_HELD
            || heldBytes > maxHeldBytes
            || h.timeNanos() == NO_TIME
            || latest - h.timeNanos() >= WINDOW_NANOS)) {
      return null;
    }
    held.poll();
    heldBytes -= h.message().weight();
    if (h.timeNanos() == NO_TIME) {
      return new Release(h.message(), 0);
    }
    if (first == NO_TIME) {
      first = h.timeNanos();
    }
    return new Release(h.message(), (long) (Math.max(0, h.timeNanos() - first) / speed));
  }

  /** Messages added and not yet released. */
  int held() {
    return held.size();
  }

  /** Their weight. */
  long heldBytes() {
    return heldBytes;
  }

  /** The message's time in nanoseconds since the epoch, or {@link #NO_TIME}. */
  static long timeNanos(Payload d) {
    if (d.hasQueryTimeSec()) {
      return nanos(d.queryTimeSec(), d.queryTimeNsec());
    }
    if (d.hasResponseTimeSec()) {
      return nanos(d.responseTimeSec(), d.responseTimeNsec());
    }
    return NO_TIME;
  }

  private static long nanos(long seconds, int nanos) {
    if (seconds < 0 || seconds > MAX_SECONDS) {
      return NO_TIME; // beyond the year 2262: not a time a server logged
    }
    return seconds * 1_000_000_000L + Integer.toUnsignedLong(nanos);
  }
}
