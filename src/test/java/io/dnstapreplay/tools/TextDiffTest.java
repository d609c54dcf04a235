// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TextDiffTest {
  private static final Pattern HUNK = Pattern.compile("@@ -(\\d+),(\\d+) \\+(\\d+),(\\d+) @@");

  private static String diff(String from, String to) {
    return TextDiff.unified("a", from, "b", to);
  }

  @Test
  void equalTextsHaveNoDiff() {
    assertEquals("", diff("x\ny\n", "x\ny\n"));
    assertEquals("", diff("", ""));
  }

  @Test
  void oneChangedLineWithOneLineOfContextThatIsNotEmpty() {
    assertEquals(
        String.join(
            "\n",
            "--- a",
            "+++ b",
            "@@ -2,2 +2,2 @@",
            " ;; ANSWERS:",
            "-whoami.test.\t\t60\tIN\tA\t127.0.0.1",
            "+whoami.test.\t\t60\tIN\tA\t192.0.2.77",
            ""),
        diff(
            "header\n;; ANSWERS:\nwhoami.test.\t\t60\tIN\tA\t127.0.0.1\n\n;; AUTHORITY:\n",
            "header\n;; ANSWERS:\nwhoami.test.\t\t60\tIN\tA\t192.0.2.77\n\n;; AUTHORITY:\n"));
  }

  @Test
  void distantChangesAreSeparateHunksAndNearOnesOne() {
    String from = "1\n2\n3\n4\n5\n6\n7\n";
    assertEquals(
        "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-1\n+one\n 2\n@@ -6,2 +6,2 @@\n 6\n-7\n+seven\n",
        diff(from, "one\n2\n3\n4\n5\n6\nseven\n"));
    assertEquals(
        "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n-3\n+three\n 4\n",
        diff(from, "one\n2\nthree\n4\n5\n6\n7\n"));
  }

  @Test
  void emptyLinesInsideAHunkArePrintedEmpty() {
    assertEquals("--- a\n+++ b\n@@ -1,3 +1,3 @@\n-x\n+y\n\n-x\n+y\n", diff("x\n\nx\n", "y\n\ny\n"));
  }

  @Test
  void emptyRangesNameTheLineBefore() {
    assertEquals("--- a\n+++ b\n@@ -1,1 +1,2 @@\n x\n+new\n", diff("x\n", "x\nnew\n"));
    assertEquals("--- a\n+++ b\n@@ -0,0 +1,1 @@\n+only\n", diff("", "only\n"));
    assertEquals("--- a\n+++ b\n@@ -1,1 +0,0 @@\n-only\n", diff("only\n", ""));
  }

  /** Applying the printed hunks to the first text gives the second, minimal or not. */
  @Test
  void diffsApplyBackToTheSecondText() {
    Random random = new Random(5);
    for (int run = 0; run < 2_000; run++) {
      List<String> from = randomLines(random, random.nextInt(12));
      List<String> to = edit(from, random);
      String fromText = text(from);
      String toText = text(to);
      assertEquals(toText, apply(fromText, diff(fromText, toText)), fromText + "=>\n" + toText);
    }
  }

  @Test
  void textsTooLongForTheTableStillGiveACorrectDiff() {
    int lines = (int) Math.sqrt(TextDiff.MAX_TABLE_CELLS) + 10;
    List<String> from = new ArrayList<>();
    List<String> to = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      from.add("a" + i);
      to.add(i % 2 == 0 ? "a" + i : "b" + i);
    }
    String diff = diff(text(from), text(to));
    assertEquals(text(to), apply(text(from), diff));
    assertEquals("@@ -1," + lines + " +1," + lines + " @@", diff.lines().toList().get(2));
  }

  private static List<String> randomLines(Random random, int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(List.of("a", "b", "c", "").get(random.nextInt(4)));
    }
    return lines;
  }

  private static List<String> edit(List<String> lines, Random random) {
    List<String> copy = new ArrayList<>(lines);
    for (int edits = random.nextInt(5); edits > 0; edits--) {
      int at = random.nextInt(copy.size() + 1);
      switch (random.nextInt(3)) {
        case 0 -> copy.add(at, "new" + random.nextInt(3));
        case 1 -> {
          if (at < copy.size()) {
            copy.remove(at);
          }
        }
        default -> {
          if (at < copy.size()) {
            copy.set(at, "changed");
          }
        }
      }
    }
    return copy;
  }

  private static String text(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l).append('\n'));
    return sb.toString();
  }

  /** A strict patch: every context and removed line must be where the hunk header says. */
  private static String apply(String fromText, String diff) {
    List<String> from = fromText.lines().toList();
    List<String> out = new ArrayList<>();
    List<String> d = diff.lines().toList();
    if (d.isEmpty()) {
      return fromText;
    }
    assertEquals(List.of("--- a", "+++ b"), d.subList(0, 2));
    int next = 0;
    for (int k = 2; k < d.size(); ) {
      Matcher h = HUNK.matcher(d.get(k++));
      assertEquals(true, h.matches(), d.get(k - 1));
      int start = Integer.parseInt(h.group(1));
      int fromLength = Integer.parseInt(h.group(2));
      int at = fromLength == 0 ? start : start - 1;
      out.addAll(from.subList(next, at));
      next = at;
      int seenFrom = 0;
      int seenTo = 0;
      while (k < d.size() && !d.get(k).startsWith("@@")) {
        String line = d.get(k++);
        line = line.isEmpty() ? " " : line;
        String body = line.substring(1);
        switch (line.charAt(0)) {
          case ' ' -> {
            assertEquals(from.get(next++), body);
            out.add(body);
            seenFrom++;
            seenTo++;
          }
          case '-' -> {
            assertEquals(from.get(next++), body);
            seenFrom++;
          }
          case '+' -> {
            out.add(body);
            seenTo++;
          }
          default -> throw new AssertionError("bad diff line: " + line);
        }
      }
      assertEquals(fromLength, seenFrom, "hunk length");
      assertEquals(Integer.parseInt(h.group(4)), seenTo, "hunk length");
    }
    out.addAll(from.subList(next, from.size()));
    return text(out);
  }
}
