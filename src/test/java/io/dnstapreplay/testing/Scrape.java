// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

/** Scrape reads one series out of a Prometheus text exposition. */
public final class Scrape {
  private final String text;

  public Scrape(String text) {
    this.text = text;
  }

  /** The value of {@code name} with the {@code result} label, or of {@code name} when null. */
  public double result(String name, String result) {
    return value(result == null ? name : name + "{result=\"" + result + "\"}");
  }

  /** The value of the series written exactly as {@code series} (name plus labels). */
  public double value(String series) {
    String prefix = series + " ";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(prefix.length()).trim());
      }
    }
    throw new AssertionError("no series " + series + " in\n" + text);
  }

  /** The raw value text of the series, e.g. {@code "0.0"}. */
  public String raw(String series) {
    String prefix = series + " ";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    throw new AssertionError("no series " + series + " in\n" + text);
  }

  /** Equal scrapes have the same text: every series with the same value. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Scrape other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
