// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * HealthChecks is what {@code /healthz} reports: named conditions, each of which names its problem
 * in a few words or passes. The daemon is healthy while every check passes. A new condition is one
 * {@link #add} wherever its state lives; checks run on the HTTP thread at each request, so each
 * must be quick and must not block.
 *
 * <p>A {@link #addCritical critical} check fails {@code /metrics} too: a daemon with a dead stage
 * must not look alive to a scraper either.
 */
public final class HealthChecks {
  /** One condition of health. */
  @FunctionalInterface
  public interface Check {
    /** What is wrong, in a few words, or empty when all is well. */
    Optional<String> problem();
  }

  /** The outcome of one check at one moment. */
  public record Result(String name, Optional<String> problem) {
    public boolean healthy() {
      return problem.isEmpty();
    }
  }

  private record Named(String name, Check check, boolean critical) {}

  private final List<Named> checks = new CopyOnWriteArrayList<>();

  /**
   * Adds a check reported under {@code name}.
   *
   * @throws IllegalArgumentException when the name is taken or not a lower-case word
   */
  public void add(String name, Check check) {
    add(name, check, false);
  }

  /** As {@link #add}, for a check whose failure also fails {@code /metrics}. */
  public void addCritical(String name, Check check) {
    add(name, check, true);
  }

  private void add(String name, Check check, boolean critical) {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("health check name must be snake_case: " + name);
    }
    if (checks.stream().anyMatch(c -> c.name().equals(name))) {
      throw new IllegalArgumentException("health check " + name + " exists");
    }
    checks.add(new Named(name, check, critical));
  }

  /** Runs every check, in the order they were added. */
  public List<Result> run() {
    List<Result> results = new ArrayList<>(checks.size());
    for (Named c : checks) {
      results.add(new Result(c.name(), c.check().problem()));
    }
    return results;
  }

  /** Runs the critical checks, in the order they were added. */
  public List<Result> runCritical() {
    List<Result> results = new ArrayList<>();
    for (Named c : checks) {
      if (c.critical()) {
        results.add(new Result(c.name(), c.check().problem()));
      }
    }
    return results;
  }

  /** Whether every result passed. */
  public static boolean healthy(List<Result> results) {
    return results.stream().allMatch(Result::healthy);
  }
}
