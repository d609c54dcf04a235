// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import io.dnstapreplay.testing.KnotRequirement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * PyYAML as an independent YAML parser: the project has no YAML library, and a real parser is the
 * only convincing proof that the dump is valid YAML. Tests using it are skipped where {@code
 * python3 -c 'import yaml'} fails (install python3-yaml), and fail instead when {@value
 * KnotRequirement#REQUIRE_PROPERTY} is set, like the other tests of external tools.
 */
final class PythonYaml {
  /** Loads every document, drops the empty one after the last {@code ---}, prints JSON. */
  private static final String TO_JSON =
      String.join(
          "\n",
          "import json, sys, yaml",
          "docs = [d for d in yaml.safe_load_all(sys.stdin.buffer) if d is not None]",
          "sys.stdout.write(json.dumps(docs, default=str, ensure_ascii=True))");

  private static final long TIMEOUT_SECONDS = 120;

  /**
   * Debian's interpreter first (lab/install.sh installs python3-yaml for it), then whatever {@code
   * python3} is first on PATH (a pyenv or venv one may have PyYAML of its own).
   */
  private static final List<String> INTERPRETERS = List.of("/usr/bin/python3", "python3");

  private static final String PYTHON = findPython();

  private PythonYaml() {}

  /** Skips (or, where tools are required, fails) the calling test without PyYAML. */
  static void assume() {
    if (PYTHON != null) {
      return;
    }
    String message = "python3 with the yaml module (Debian: python3-yaml) is missing";
    String required = System.getProperty(KnotRequirement.REQUIRE_PROPERTY, "").trim();
    if (required.equals("1") || required.equalsIgnoreCase("true")) {
      throw new IllegalStateException(message + " but tools are required");
    }
    Assumptions.abort("skipped: " + message);
  }

  /**
   * Parses {@code yaml} with PyYAML and returns its documents as a JSON array (timestamps as
   * Python's {@code str} of a datetime, e.g. {@code 2026-11-23 11:46:14.246747}).
   */
  static String toJson(String yaml) throws IOException, InterruptedException {
    Path in = Files.createTempFile("dump-", ".yaml");
    try {
      Files.writeString(in, yaml, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(List.of(PYTHON, "-c", TO_JSON))
              .redirectInput(in.toFile())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("python3 still running after " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "PyYAML rejected the YAML: " + new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.US_ASCII);
    } finally {
      Files.delete(in);
    }
  }

  private static String findPython() {
    for (String python : INTERPRETERS) {
      if (hasYaml(python)) {
        return python;
      }
    }
    return null;
  }

  private static boolean hasYaml(String python) {
    try {
      Process p =
          new ProcessBuilder(List.of(python, "-c", "import yaml"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
