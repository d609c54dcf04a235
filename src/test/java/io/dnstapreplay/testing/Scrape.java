// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.util.List;

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

  /**
   * Equal scrapes have the same {@code dnstap_replay_} series with the same values. The JVM and
   * process series change all the time and say nothing about the replay, so they are not compared.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Scrape other && ours().equals(other.ours());
  }

  @Override
  public int hashCode() {
    return ours().hashCode();
  }

  /** The lines of the {@code dnstap_replay_} series only. */
  private List<String> ours() {
    return text.lines().filter(l -> l.startsWith("dnstap_replay_")).toList();
  }

  @Override
  public String toString() {
    return text;
  }
}
