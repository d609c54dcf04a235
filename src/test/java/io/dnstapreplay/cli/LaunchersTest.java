// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launchers (bin/ of a checkout, packaging/launcher of the package) make the JVM exit at its
 * first OutOfMemoryError and run the JIT and GC chosen for speed from the first query (README, "JVM
 * settings"), before the operator's JAVA_OPTS so that these can still undo either. Run in a copy of
 * their surroundings with a {@code java} that only prints its arguments.
 */
class LaunchersTest {
  private static final String FLAG = "-XX:+ExitOnOutOfMemoryError";

  @TempDir Path dir;

  private static void executable(Path p) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Lays out what {@code launcher} expects around it and returns the path to run. */
  private Path layOut(String launcher) throws IOException {
    Path top = dir.resolve("top");
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    if (launcher.equals("bin/dnstap-replay")) {
      Files.createDirectories(top.resolve("bin"));
      Files.createDirectories(top.resolve("scripts"));
      Files.copy(Path.of("scripts/lib.sh"), top.resolve("scripts/lib.sh"));
      for (String source : List.of("src/main", "proto")) {
        Files.setLastModifiedTime(Files.createDirectories(top.resolve(source)), old);
      }
      Files.setLastModifiedTime(Files.writeString(top.resolve("pom.xml"), ""), old);
      Files.createDirectories(top.resolve("target"));
      Files.writeString(top.resolve("target/dnstap-replay.jar"), "");
    } else {
      Files.createDirectories(top.resolve("bin"));
      Files.createDirectories(top.resolve("share/dnstap-replay"));
      Files.writeString(top.resolve("share/dnstap-replay/dnstap-replay.jar"), "");
    }
    Path script = top.resolve("bin/dnstap-replay");
    Files.copy(Path.of(launcher), script);
    executable(script);
    return script;
  }

  @ParameterizedTest
  @ValueSource(strings = {"bin/dnstap-replay", "packaging/launcher"})
  void theJvmExitsAtItsFirstOutOfMemoryError(String launcher) throws Exception {
    Path script = layOut(launcher);
    Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
    Path java = fakeBin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    executable(java);

    ProcessBuilder pb = new ProcessBuilder(script.toString(), "--version");
    Map<String, String> env = pb.environment();
    env.put("PATH", fakeBin + ":/usr/bin:/bin");
    env.remove("JAVA_HOME");
    env.put("JAVA_OPTS", "-Xmx128m -XX:-ExitOnOutOfMemoryError");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    List<String> args = out.lines().toList();
    assertEquals(FLAG, args.get(0), out);
    int operator = args.indexOf("-XX:-ExitOnOutOfMemoryError");
    assertTrue(operator > 0, "JAVA_OPTS after the flag, so they can undo it: " + out);
    for (String setting : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")) {
      int at = args.indexOf(setting);
      assertTrue(at > 0 && at < operator, setting + " by default, before JAVA_OPTS: " + out);
    }
    assertEquals("io.dnstapreplay.cli.ReplayCommand", args.get(args.size() - 2), out);
  }

  /**
   * A {@code java} that prints its arguments, and in a training run ({@code
   * -XX:ArchiveClassesAtExit}) writes the archive only if {@code archives} is true.
   */
  private List<String> runWithFakeJava(Path script, boolean archives) throws Exception {
    Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
    Path java = fakeBin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\nfor a in \"$@\"; do\n  case \"$a\" in\n"
            + "    -XX:ArchiveClassesAtExit=*) "
            + (archives ? "echo archive > \"${a#*=}\"; exit 2 ;;\n" : "exit 2 ;;\n")
            + "  esac\ndone\nfor a in \"$@\"; do echo \"$a\"; done\n");
    executable(java);
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "--version");
    pb.environment().put("PATH", fakeBin + ":/usr/bin:/bin");
    pb.environment().put("JAVA_OPTS", "-Xmx128m");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }

  @Test
  void theCheckoutsLauncherMakesAndUsesAClassDataSharingArchive() throws Exception {
    Path script = layOut("bin/dnstap-replay");
    Path jsa = dir.resolve("top/target/dnstap-replay.jsa");

    List<String> args = runWithFakeJava(script, true);

    assertTrue(Files.exists(jsa), "made from the jar by a training run");
    int at = args.indexOf("-XX:SharedArchiveFile=" + jsa);
    assertTrue(at > 0 && at < args.indexOf("-Xmx128m"), "before JAVA_OPTS: " + args);
    assertTrue(args.contains("-Xlog:cds*=off"), "its warnings would go to stdout: " + args);
  }

  @Test
  void anArchiveOlderThanTheJarIsNotUsed() throws Exception {
    Path script = layOut("bin/dnstap-replay");
    Path jsa = Files.writeString(dir.resolve("top/target/dnstap-replay.jsa"), "old");
    Files.setLastModifiedTime(jsa, FileTime.fromMillis(1_000_000_000_000L));

    List<String> args = runWithFakeJava(script, false);

    assertTrue(
        args.stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")), args.toString());
    assertEquals("io.dnstapreplay.cli.ReplayCommand", args.get(args.size() - 2), args.toString());
    // a training run that made nothing leaves an empty archive: no retraining at every launch
    assertEquals(0, Files.size(jsa));
    assertTrue(Files.getLastModifiedTime(jsa).toMillis() > 1_000_000_000_000L);
  }
}
