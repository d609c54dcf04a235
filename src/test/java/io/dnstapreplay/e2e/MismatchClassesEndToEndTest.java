// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.e2e;

import static io.dnstapreplay.mismatch.MismatchClass.COMPRESSION;
import static io.dnstapreplay.mismatch.MismatchClass.ORDER;
import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static io.dnstapreplay.testing.KnotCapture.FRAMES;
import static io.dnstapreplay.testing.KnotCapture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstext.DnsMessage;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.mismatch.MismatchClassifier;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.KnotLab;
import io.dnstapreplay.testing.KnotLab.TargetZone;
import io.dnstapreplay.testing.RequiresTools;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import io.dnstapreplay.tools.DnstapFileReader;
import io.dnstapreplay.tools.MismatchSummary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** The capture replayed into real Knot serving changed zones gives the right mismatch classes. */
@RequiresTools({"knotd", "kdig", "fstrm_replay"})
class MismatchClassesEndToEndTest {
  private static final String CLASSES = "dnstap_replay_dns_mismatch_classes_total";

  @TempDir Path dir;

  /** How many mismatches had each question (lower case) and set of classes, and the metrics. */
  private record Replayed(Scrape metrics, Map<String, Integer> classes, byte[] errors) {
    double result(String comparison) {
      return metrics.result(COMPARISONS, comparison);
    }

    double count(MismatchClass c) {
      return metrics.value(CLASSES + "{class=\"" + c.label() + "\"}");
    }
  }

  /** Starts a daemon with {@code --proxy} and the test's settings. */
  private interface Start {
    DaemonRunner start(Consumer<DaemonRunner.Settings> settings) throws Exception;
  }

  private Replayed replay(Start start, Set<MismatchClass> equivalent) throws Exception {
    try (DaemonRunner d =
        start.start(
            s -> {
              s.proxy = true;
              s.equivalent = equivalent;
            })) {
      d.fstrmReplay(KnotCapture.path());
      Scrape m =
          d.awaitMetrics(
              x ->
                  Accounting.payloads(x) == FRAMES
                      && x.result(QUERIES, "success") + x.result(QUERIES, "timeout") == UDP);
      assertEquals(UDP, m.result(QUERIES, "success"));
      Accounting.assertQueriesBalance(m, UDP);
      Map<String, Integer> classes = new TreeMap<>();
      byte[] errors = d.get("/errors").body();
      for (Dnstap r : DaemonRunner.records(errors)) {
        byte[] logged = r.getMessage().getResponseMessage().toByteArray();
        byte[] received = FailureRecord.decode(r.getExtra().toByteArray()).mismatchResponse();
        String question = DnsMessage.parse(logged).questions().get(0).toLowerCase(Locale.ROOT);
        classes.merge(
            question + " " + MismatchClassifier.classify(logged, received).classes(),
            1,
            Integer::sum);
      }
      return new Replayed(m, classes, errors);
    }
  }

  private Replayed replayToKnot(KnotLab lab, Set<MismatchClass> equivalent) throws Exception {
    return replay(s -> DaemonRunner.start(dir, lab.targetAddress(), s), equivalent);
  }

  /** Replays to a responder answering with the logged responses passed through {@code change}. */
  private Replayed replayToTwin(UnaryOperator<byte[]> change, Set<MismatchClass> equivalent)
      throws Exception {
    Map<String, byte[]> responses = KnotCapture.responses();
    responses.replaceAll((k, v) -> change.apply(v));
    return replay(s -> DaemonRunner.start(dir, UdpResponder.logged(responses), s), equivalent);
  }

  /** The summary of {@code dnstap-dump --summary} up to its examples. */
  private static String summaryTable(byte[] errors) throws IOException {
    StringWriter out = new StringWriter();
    MismatchSummary.summarize(
        new DnstapFileReader(new ByteArrayInputStream(errors), "/errors"), false, out);
    String text = out.toString();
    return text.substring(0, text.indexOf("\nexample of each class:\n"));
  }

  /** Asserts that every mismatch has the one class {@code expected}; returns how many. */
  private static double assertOnly(Replayed r, MismatchClass expected) {
    r.classes().forEach((k, n) -> assertTrue(k.endsWith(" [" + expected + "]"), k));
    double mismatched = r.result("mismatched");
    assertEquals(mismatched, r.classes().values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(mismatched, r.count(expected));
    return mismatched;
  }

  @Test
  void variantZoneGivesFortyMismatchesEachWithItsClass() throws Exception {
    try (KnotLab lab = KnotLab.builder().target(TargetZone.VARIANT).start()) {
      Replayed r = replayToKnot(lab, Set.of());
      assertEquals(40, r.result("mismatched"));
      // www A, txt TXT and mail2 A changed: in the answer to them (ftp is a CNAME to www),
      // and in the additional section of MX answers (mail2 is an exchange).
      assertEquals(
          Map.of(
              "example.test. in mx [ADDITIONAL]", 10,
              "ftp.example.test. in a [ANSWER]", 10,
              "mail2.example.test. in a [ANSWER]", 10,
              "txt.example.test. in txt [ANSWER]", 5,
              "www.example.test. in a [ANSWER]", 5),
          r.classes());
      assertEquals(
          """
              40 mismatch records of 40 records

              class       count  top query names                                                    top query types
              answer         30  ftp.example.test. 10, mail2.example.test. 10, txt.example.test. 5  A 25, TXT 5
              additional     10  example.test. 10                                                   MX 10
              """,
          summaryTable(r.errors()));
      assertEquals(30, r.count(MismatchClass.ANSWER));
      assertEquals(10, r.count(MismatchClass.ADDITIONAL));
      for (MismatchClass c : MismatchClass.values()) {
        if (c != MismatchClass.ANSWER && c != MismatchClass.ADDITIONAL) {
          assertEquals(0, r.count(c), c.label());
        }
      }
    }
  }

  @Test
  void ttlZoneDiffersInTtlOnlyAndIsEquivalentWithEquivalentTtl() throws Exception {
    try (KnotLab lab = KnotLab.builder().target(TargetZone.TTL).start()) {
      double mismatched = assertOnly(replayToKnot(lab, Set.of()), MismatchClass.TTL);
      assertTrue(mismatched > 0);
      Replayed equivalent = replayToKnot(lab, Set.of(MismatchClass.TTL));
      assertEquals(0, equivalent.result("mismatched"));
      assertEquals(mismatched, equivalent.result("equivalent"));
      assertEquals(UDP - mismatched, equivalent.result("matched"));
    }
  }

  @Test
  void knotsResponsesUncompressedDifferInCompressionOnly() throws Exception {
    double mismatched = assertOnly(replayToTwin(r -> reencode(r, false), Set.of()), COMPRESSION);
    assertTrue(mismatched > 0);
    Replayed equivalent = replayToTwin(r -> reencode(r, false), Set.of(COMPRESSION));
    assertEquals(0, equivalent.result("mismatched"));
    assertEquals(mismatched, equivalent.result("equivalent"));
  }

  @Test
  void knotsResponsesInReverseOrderDifferInOrder() throws Exception {
    Replayed r = replayToTwin(w -> reencode(w, true), Set.of());
    r.classes()
        .forEach((k, n) -> assertTrue(k.endsWith(" [ORDER]") || k.endsWith(" [COMPRESSION]"), k));
    assertTrue(r.count(ORDER) > 0);
    assertEquals(r.result("mismatched"), r.count(ORDER) + r.count(COMPRESSION));
    Replayed equivalent = replayToTwin(w -> reencode(w, true), Set.of(ORDER, COMPRESSION));
    assertEquals(0, equivalent.result("mismatched"));
    assertEquals(r.result("mismatched"), equivalent.result("equivalent"));
  }

  /**
   * Knot's response written again without name compression, and with the records of each section in
   * reverse order if {@code reverse}: what another server could send for the same zone.
   */
  private static byte[] reencode(byte[] wire, boolean reverse) {
    try {
      org.xbill.DNS.Message m = new org.xbill.DNS.Message(wire);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(wire, 0, 12);
      for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
        List<Record> records = new ArrayList<>(m.getSection(section));
        if (reverse && section != Section.QUESTION) {
          Collections.reverse(records);
        }
        for (Record rec : records) {
          out.writeBytes(rec.toWire(section));
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
