// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Decides what happens to a test whose external tools are missing: skipped on a developer's
 * machine, failed where {@value #REQUIRE_PROPERTY} is {@code 1} or {@code true} (CI sets it through
 * {@code scripts/test}), so a broken install can never pass as a green build of skipped tests. Used
 * through {@link RequiresTools}, or {@link #assumeTools} from code.
 */
public final class KnotRequirement implements ExecutionCondition {
  /** System property that turns a missing tool from a skip into a failure. */
  public static final String REQUIRE_PROPERTY = "dnstapreplay.requireKnot";

  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin");

  /** Tools that are DNS servers: they run only in a network namespace that has only loopback. */
  private static final Set<String> SERVERS = Set.of("knotd", "named", "nsd", "unbound", "dnsdist");

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<RequiresTools> annotation =
        context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresTools.class));
    if (annotation.isEmpty()) {
      return ConditionEvaluationResult.enabled("no tools required");
    }
    Optional<String> problem = problem(annotation.get().value());
    if (problem.isEmpty()) {
      return ConditionEvaluationResult.enabled("tools present");
    }
    if (required()) {
      throw new IllegalStateException(problem.get() + " but " + REQUIRE_PROPERTY + " is set");
    }
    return ConditionEvaluationResult.disabled("skipped: " + problem.get());
  }

  /**
   * Aborts the calling test (skip) when a tool is missing, or a server would start outside a
   * loopback-only network namespace; fails it instead when tools are required.
   */
  public static void assumeTools(String... tools) {
    Optional<String> problem = problem(tools);
    if (problem.isEmpty()) {
      return;
    }
    if (required()) {
      throw new IllegalStateException(problem.get() + " but " + REQUIRE_PROPERTY + " is set");
    }
    Assumptions.abort("skipped: " + problem.get());
  }

  /** Why a test needing {@code tools} cannot run here, if it cannot. */
  static Optional<String> problem(String... tools) {
    List<String> missing = missingTools(tools);
    if (!missing.isEmpty()) {
      return Optional.of(
          "missing " + String.join(", ", missing) + " (install them with lab/install.sh)");
    }
    if (Arrays.stream(tools).anyMatch(SERVERS::contains) && !loopbackOnly(PROC_NET_DEV)) {
      return Optional.of(
          "DNS servers start only in a network namespace with only loopback"
              + " (run the tests with scripts/test, or under scripts/netns)");
    }
    return Optional.empty();
  }

  private static final Path PROC_NET_DEV = Path.of("/proc/net/dev");

  /**
   * Whether {@code procNetDev} (the format of {@code /proc/net/dev}, which is per network
   * namespace) lists no interface but {@code lo}.
   */
  static boolean loopbackOnly(Path procNetDev) {
    try {
      List<String> lines = Files.readAllLines(procNetDev);
      return lines.stream()
          .skip(2)
          .map(l -> l.substring(0, Math.max(0, l.indexOf(':'))).strip())
          .allMatch("lo"::equals);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Aborts the calling test (skip) when not running as root, or fails it when tools are required:
   * installing a package needs root, and CI runs as root.
   */
  public static void assumeRoot() {
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      return;
    }
    if (required()) {
      throw new IllegalStateException(
          "not root but " + REQUIRE_PROPERTY + " is set: run the tests as root (CI does)");
    }
    Assumptions.abort("skipped: needs root");
  }

  /** The given executables that are found neither on {@code PATH} nor in the sbin dirs. */
  public static List<String> missingTools(String... tools) {
    List<Path> dirs = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        dirs.add(Path.of(dir));
      }
    }
    EXTRA_DIRS.forEach(dir -> dirs.add(Path.of(dir)));
    return Arrays.stream(tools)
        .filter(tool -> dirs.stream().noneMatch(dir -> Files.isExecutable(dir.resolve(tool))))
        .toList();
  }

  static boolean required() {
    String value = System.getProperty(REQUIRE_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    return value.equals("1") || value.equals("true");
  }
}
