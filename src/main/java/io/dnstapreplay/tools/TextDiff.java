// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, line by line, so that a person sees at once which records of a
 * mismatched response differ from the logged one.
 *
 * <p>An empty unchanged line shows nothing, so it is not used as context at either end of a hunk,
 * and inside one it is printed empty, without the usual leading blank (as GNU diff's {@code
 * --suppress-blank-empty}): no line of the diff ends in a blank.
 *
 * <p>Lines the texts share at their start and end are set aside first; the rest is matched by a
 * longest common subsequence when that fits in {@link #MAX_TABLE_CELLS}, and otherwise shown as all
 * removed then all added: still a correct diff, only not minimal, and memory stays bounded for any
 * input.
 */
public final class TextDiff {
  /** Lines of unchanged context around each change. */
  private static final int CONTEXT_LINES = 1;

  /** Largest LCS table (4 bytes a cell): 16 MiB. */
  static final long MAX_TABLE_CELLS = 1 << 22;

  private static final char SAME = ' ';
  private static final char REMOVED = '-';
  private static final char ADDED = '+';

  private record Edit(char tag, String line) {}

  private TextDiff() {}

  /**
   * Returns the unified diff from {@code from} to {@code to}, each line ending in {@code \n}, or an
   * empty string when the texts have the same lines.
   */
  public static String unified(String fromName, String from, String toName, String to) {
    List<Edit> edits = edits(lines(from), lines(to));
    if (edits.stream().allMatch(e -> e.tag() == SAME)) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(fromName).append('\n');
    out.append("+++ ").append(toName).append('\n');
    appendHunks(out, edits);
    return out.toString();
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static List<Edit> edits(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix
        && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<Edit> edits = new ArrayList<>();
    for (String line : a.subList(0, prefix)) {
      edits.add(new Edit(SAME, line));
    }
    List<String> x = a.subList(prefix, a.size() - suffix);
    List<String> y = b.subList(prefix, b.size() - suffix);
    if ((long) x.size() * y.size() <= MAX_TABLE_CELLS) {
      matchMiddle(x, y, edits);
    } else {
      x.forEach(line -> edits.add(new Edit(REMOVED, line)));
      y.forEach(line -> edits.add(new Edit(ADDED, line)));
    }
    for (String line : a.subList(a.size() - suffix, a.size())) {
      edits.add(new Edit(SAME, line));
    }
    return edits;
  }

  /** Classic LCS table: {@code lcs[i][j]} is the LCS length of x[i..] and y[j..]. */
  private static void matchMiddle(List<String> x, List<String> y, List<Edit> edits) {
    int[][] lcs = new int[x.size() + 1][y.size() + 1];
    for (int i = x.size() - 1; i >= 0; i--) {
      for (int j = y.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            x.get(i).equals(y.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < x.size() || j < y.size()) {
      if (i < x.size() && j < y.size() && x.get(i).equals(y.get(j))) {
        edits.add(new Edit(SAME, x.get(i++)));
        j++;
      } else if (j == y.size() || (i < x.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
        edits.add(new Edit(REMOVED, x.get(i++)));
      } else {
        edits.add(new Edit(ADDED, y.get(j++)));
      }
    }
  }

  /** Groups changes into hunks with {@link #CONTEXT_LINES} of context, as {@code diff -U1}. */
  private static void appendHunks(StringBuilder out, List<Edit> edits) {
    int n = edits.size();
    int[] fromLine = new int[n + 1];
    int[] toLine = new int[n + 1];
    for (int k = 0; k < n; k++) {
      char tag = edits.get(k).tag();
      fromLine[k + 1] = fromLine[k] + (tag == ADDED ? 0 : 1);
      toLine[k + 1] = toLine[k] + (tag == REMOVED ? 0 : 1);
    }
    int next = 0;
    while (true) {
      int change = next;
      while (change < n && edits.get(change).tag() == SAME) {
        change++;
      }
      if (change == n) {
        return;
      }
      int start = Math.max(next, change - CONTEXT_LINES);
      int end = change;
      while (true) {
        while (end < n && edits.get(end).tag() != SAME) {
          end++;
        }
        int same = end;
        while (same < n && edits.get(same).tag() == SAME) {
          same++;
        }
        if (same < n && same - end <= 2 * CONTEXT_LINES) {
          end = same;
        } else {
          end = Math.min(end + CONTEXT_LINES, n);
          break;
        }
      }
      while (isEmptyContext(edits.get(start))) {
        start++;
      }
      while (isEmptyContext(edits.get(end - 1))) {
        end--;
      }
      out.append("@@ -")
          .append(range(fromLine[start], fromLine[end] - fromLine[start]))
          .append(" +")
          .append(range(toLine[start], toLine[end] - toLine[start]))
          .append(" @@\n");
      for (Edit e : edits.subList(start, end)) {
        if (!isEmptyContext(e)) {
          out.append(e.tag());
        }
        out.append(e.line()).append('\n');
      }
      next = end;
    }
  }

  private static boolean isEmptyContext(Edit e) {
    return e.tag() == SAME && e.line().isEmpty();
  }

  /** Unified diff ranges are 1-based; an empty range names the line before it. */
  private static String range(int before, int length) {
    return (length == 0 ? before : before + 1) + "," + length;
  }
}
