// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.Command;
import io.dnstapreplay.testing.RequiresTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The shaded jar is honest about what it is and what it bundles, and leaves the JVM alone. */
class JarContentsIT {
  private static final Pattern BUNDLED =
      Pattern.compile("^META-INF/maven/([^/]+)/([^/]+)/pom\\.properties$");

  private static byte[] entry(JarFile jar, String name) throws IOException {
    ZipEntry e = jar.getEntry(name);
    assertTrue(e != null, name + " missing");
    return jar.getInputStream(e).readAllBytes();
  }

  @Test
  void licenceAndNoticeAreTheProjectsOwn() throws IOException {
    try (JarFile jar = new JarFile(Artifacts.jar().toFile())) {
      assertArrayEquals(Files.readAllBytes(Path.of("LICENSE")), entry(jar, "META-INF/LICENSE"));
      assertArrayEquals(Files.readAllBytes(Path.of("NOTICE")), entry(jar, "META-INF/NOTICE"));
      List<String> strays =
          jar.stream()
              .map(ZipEntry::getName)
              .filter(n -> n.matches("(?i)(.*/)?(LICEN[CS]E|NOTICE|COPYING)[^/]*"))
              .filter(n -> !n.startsWith("META-INF/licenses/"))
              .filter(n -> !n.equals("META-INF/LICENSE") && !n.equals("META-INF/NOTICE"))
              .toList();
      assertEquals(List.of(), strays, "licence files that would shadow or confuse ours");
    }
  }

  @Test
  void thirdPartyListNamesEveryBundledLibrary() throws IOException {
    try (JarFile jar = new JarFile(Artifacts.jar().toFile())) {
      String list = new String(entry(jar, "META-INF/THIRD-PARTY.txt"), StandardCharsets.UTF_8);
      // libraries that another one embeds are named in the README instead
      String embedded = new String(entry(jar, "META-INF/licenses/README"), StandardCharsets.UTF_8);
      Set<String> bundled = new TreeSet<>();
      jar.stream()
          .map(ZipEntry::getName)
          .map(BUNDLED::matcher)
          .filter(Matcher::matches)
          .forEach(m -> bundled.add(m.group(1) + ":" + m.group(2)));
      bundled.remove("io.dnstapreplay:dnstap-replay");
      assertTrue(bundled.size() > 10, bundled.toString());
      for (String artifact : bundled) {
        assertTrue(
            list.contains("(" + artifact + ":") || embedded.contains(artifact + ","),
            artifact + " is in neither THIRD-PARTY.txt nor META-INF/licenses/README");
      }
      // the shade and THIRD-PARTY exclusions of unused Netty modules stay in step
      Set<String> listedNetty = new TreeSet<>();
      Matcher netty = Pattern.compile("\\((io\\.netty:[\\w-]+):").matcher(list);
      while (netty.find()) {
        listedNetty.add(netty.group(1));
      }
      Set<String> bundledNetty = new TreeSet<>(bundled);
      bundledNetty.removeIf(a -> !a.startsWith("io.netty:"));
      assertEquals(bundledNetty, listedNetty);
      for (String text : List.of("protobuf.txt", "slf4j.txt", "HdrHistogram.txt")) {
        assertTrue(entry(jar, "META-INF/licenses/" + text).length > 500, text);
      }
    }
  }

  /**
   * No bundled library takes over host name resolution for the whole JVM (Java 18+ loads any
   * registered {@code InetAddressResolverProvider}). dnsjava registers one, and it is a test
   * dependency only; were it bundled again, the shade plugin would have to filter that file out.
   */
  @Test
  void nothingReplacesTheJvmsNameResolution() throws IOException {
    try (JarFile jar = new JarFile(Artifacts.jar().toFile())) {
      assertNull(jar.getEntry("META-INF/services/java.net.spi.InetAddressResolverProvider"));
      assertNull(jar.getEntry("META-INF/services/sun.net.spi.nameservice.NameServiceDescriptor"));
      assertNull(jar.getEntry("org/xbill/DNS/Message.class"), "dnsjava is for the tests only");
    }
  }

  @Test
  void manifestNamesTheVersionAndTheDaemon() throws IOException {
    try (JarFile jar = new JarFile(Artifacts.jar().toFile())) {
      Manifest m = jar.getManifest();
      assertEquals(Artifacts.version(), m.getMainAttributes().getValue("Implementation-Version"));
      assertEquals(
          "io.dnstapreplay.cli.ReplayCommand", m.getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  @RequiresTools({"dpkg-deb", "tar"})
  /** The package's /usr/X is the tarball's X; symlinks there are copies here. */
  void tarballHoldsThePackagesFiles() throws Exception {
    Path here = Path.of("");
    Set<String> deb = new TreeSet<>();
    String listing =
        Command.run(
            here,
            "sh",
            "-c",
            "dpkg-deb --fsys-tarfile \"$1\" | tar -t",
            "sh",
            Artifacts.deb().toString());
    for (String path : listing.lines().toList()) {
      if (!path.endsWith("/")) {
        deb.add(path.replaceFirst("^\\./usr/", "").replaceFirst("^\\./", ""));
      }
    }
    Set<String> tar = new TreeSet<>();
    String prefix = "dnstap-replay-" + Artifacts.version() + "/";
    for (String path :
        Command.run(here, "tar", "-tzf", Artifacts.tarball().toString()).lines().toList()) {
      if (!path.endsWith("/")) {
        tar.add(path.substring(prefix.length()));
      }
    }
    assertEquals(deb, tar);
    assertTrue(tar.contains("share/dnstap-replay/dnstap-replay.jar"), tar.toString());
    assertTrue(tar.contains("lib/systemd/system/dnstap-replay.service"), tar.toString());
  }
}
