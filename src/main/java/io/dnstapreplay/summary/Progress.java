// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.summary;

import io.dnstapreplay.metrics.Metrics;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress is the one line a replay of files keeps up to date on a terminal: payloads done and how
 * they went, how much of the input is read, the rate, and the time left (from the share of bytes
 * read; for standard input, whose size is unknown, there is none). Pure.
 */
public final class Progress {
  private Progress() {}

  /**
   * @param bytesRead bytes of the inputs read so far
   * @param totalBytes their total size, or -1 when unknown
   * @param elapsed since reading started
   */
  public static String line(Metrics m, long bytesRead, long totalBytes, Duration elapsed) {
    long payloads = Math.round(m.payloadsSuccess.count() + m.payloadsError.count());
    double seconds = elapsed.toNanos() / 1e9;
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d payloads: %d matched, %d mismatched, %d timed out",
                payloads,
                Math.round(m.matched.count()),
                Math.round(m.mismatched.count()),
                Math.round(m.queriesTimeout.count())));
    if (seconds > 0) {
      b.append(String.format(Locale.ROOT, "; %.0f/s", payloads / seconds));
    }
    if (totalBytes > 0) {
      double done = Math.min(1, (double) bytesRead / totalBytes);
      b.append(String.format(Locale.ROOT, "; %.0f%% read", done * 100));
      if (done > 0 && done < 1) {
        long left = Math.round(seconds * (1 - done) / done);
        b.append(String.format(Locale.ROOT, ", about %d:%02d left", left / 60, left % 60));
      }
    } else {
      b.append(String.format(Locale.ROOT, "; %d KiB read", bytesRead / 1024));
    }
    return b.toString();
  }
}
