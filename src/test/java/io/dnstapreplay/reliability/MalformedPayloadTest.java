// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static io.dnstapreplay.testing.Accounting.COMPARISONS;
import static io.dnstapreplay.testing.Accounting.PAYLOADS;
import static io.dnstapreplay.testing.Accounting.QUERIES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.testing.Accounting;
import io.dnstapreplay.testing.DaemonRunner;
import io.dnstapreplay.testing.FrameStreamSender;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import io.dnstapreplay.testing.UdpResponder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dnstap messages that parse but cannot be replayed as they are, sent through the running daemon:
 * each lands in the counter SPEC section 3 names for it, those with a missing or unusable field in
 * {@code /errors} as MISSING_FIELD records carrying the original message, and the replay of
 * well-formed messages goes on unharmed.
 */
class MalformedPayloadTest {
  private static final long SEED = 0xbad_da7aL;

  @TempDir Path dir;

  /** A replayable payload of the capture, which the daemon's target answers as logged. */
  private static Message template() {
    return KnotCapture.parse(KnotCapture.frames().get(KnotCapture.udpFrameIndexes().get(0)))
        .getMessage();
  }

  private static byte[] frame(Message m) {
    return Dnstap.newBuilder().setType(Dnstap.Type.MESSAGE).setMessage(m).build().toByteArray();
  }

  @Test
  void eachBrokenFieldIsCountedAndTheMissingOnesAreRecorded() throws Exception {
    Message ok = template();
    List<Message> missingField =
        List.of(
            ok.toBuilder().setQueryAddress(ByteString.copyFrom(new byte[5])).build(),
            ok.toBuilder().setQueryAddress(ByteString.EMPTY).build(),
            ok.toBuilder().clearQueryAddress().build(),
            ok.toBuilder().setQueryPort(70_000).build(),
            ok.toBuilder().clearQueryPort().build(),
            ok.toBuilder().clearSocketProtocol().build());
    Message unknownProtocol =
        ok.toBuilder()
            .clearSocketProtocol()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        Message.SOCKET_PROTOCOL_FIELD_NUMBER,
                        UnknownFieldSet.Field.newBuilder().addVarint(99).build())
                    .build())
            .build();
    Message shortQuery =
        ok.toBuilder().setQueryMessage(ByteString.copyFrom(new byte[] {1, 2, 3})).build();
    List<Message> skipped =
        List.of(
            ok.toBuilder().clearQueryMessage().build(),
            ok.toBuilder().clearResponseMessage().build());
    List<byte[]> frames = new ArrayList<>();
    missingField.forEach(m -> frames.add(frame(m)));
    frames.add(frame(unknownProtocol));
    frames.add(frame(ok.toBuilder().setSocketProtocol(SocketProtocol.DOH).build()));
    frames.add(frame(shortQuery));
    skipped.forEach(m -> frames.add(frame(m)));
    frames.add(frame(ok.toBuilder().setType(Message.Type.CLIENT_QUERY).build()));
    frames.add(Dnstap.newBuilder().setType(Dnstap.Type.MESSAGE).build().toByteArray());
    frames.add(frame(ok));

    try (DaemonRunner daemon = DaemonRunner.startAgainstTwin(dir)) {
      int authResponses = frames.size() - 2;
      Scrape m = daemon.replay(frames, authResponses);
      assertEquals(missingField.size() + 2 + 1, m.result(PAYLOADS, "error"));
      assertEquals(skipped.size() + 1, m.result(PAYLOADS, "success"));
      assertEquals(
          2, m.result("dnstap_replay_dnstap_handler_internal_errors_total", "discard_non_udp"));
      assertEquals(1, m.result(QUERIES, "error"), "the query shorter than a DNS header");
      assertEquals(1, m.result(COMPARISONS, "matched"));
      assertEquals(2, m.result("dnstap_replay_dnstap_ignored_total", null));
      assertEquals(
          missingField.size(), m.result("dnstap_replay_channel_error_tx_total", "success"));
      Accounting.assertQueriesBalance(m, 2);

      List<Dnstap> records = daemon.drain("/errors");
      assertEquals(missingField.size(), records.size());
      for (int i = 0; i < records.size(); i++) {
        Dnstap record = records.get(i);
        assertEquals(
            FailureRecord.Kind.MISSING_FIELD,
            FailureRecord.decode(record.getExtra().toByteArray()).kind());
        assertEquals(missingField.get(i), record.getMessage(), "record " + i);
      }
    }
  }

  /**
   * Seeded random dnstap messages (random presence and values of every field replay reads) through
   * the daemon: every AUTH_RESPONSE ends in exactly one payload count, and the real capture sent
   * afterwards still replays in full, so nothing in the replay stage died on the way.
   */
  @Test
  void randomMessagesAreAllAccountedAndReplayGoesOn() throws Exception {
    Random r = new Random(SEED);
    Message ok = template();
    List<byte[]> frames = new ArrayList<>();
    int authResponses = 0;
    for (int i = 0; i < 2_000; i++) {
      Message m = randomize(r, ok);
      if (m.getType() == Message.Type.AUTH_RESPONSE) {
        authResponses++;
      }
      frames.add(frame(m));
    }
    try (DaemonRunner daemon =
            DaemonRunner.start(
                dir,
                UdpResponder.logged(KnotCapture.responses()),
                s -> {
                  s.proxy = true;
                  s.proxyTimespec = true;
                });
        FrameStreamSender c = FrameStreamSender.streaming(daemon.socket())) {
      c.send(frames);
      daemon.awaitPayloads(authResponses);
      c.send(KnotCapture.frames());
      c.stop();
      Scrape m = daemon.awaitPayloads(authResponses + KnotCapture.FRAMES);
      assertTrue(m.result(COMPARISONS, "matched") >= KnotCapture.UDP, m.toString());
      Accounting.assertNoConnectionErrors(m);
      Set<String> kinds = new HashSet<>();
      for (Dnstap d : daemon.drain("/errors")) {
        kinds.add(FailureRecord.decode(d.getExtra().toByteArray()).kind().name());
      }
      assertEquals(Set.of("MISSING_FIELD", "MISMATCH"), kinds);
    }
  }

  private static Message randomize(Random r, Message ok) {
    Message.Builder b = ok.toBuilder();
    if (r.nextInt(10) == 0) {
      b.setType(Message.Type.values()[r.nextInt(Message.Type.values().length)]);
    }
    switch (r.nextInt(4)) {
      case 0 -> b.clearQueryAddress();
      case 1 -> b.setQueryAddress(ByteString.copyFrom(bytes(r, r.nextInt(20))));
      default -> {}
    }
    switch (r.nextInt(4)) {
      case 0 -> b.clearQueryPort();
      case 1 -> b.setQueryPort(r.nextInt());
      default -> {}
    }
    switch (r.nextInt(6)) {
      case 0 -> b.clearSocketProtocol();
      case 1 -> b.setSocketProtocol(SocketProtocol.TCP);
      default -> {}
    }
    switch (r.nextInt(5)) {
      case 0 -> b.clearQueryMessage();
      case 1 -> b.setQueryMessage(ByteString.copyFrom(bytes(r, r.nextInt(40))));
      default -> {}
    }
    switch (r.nextInt(5)) {
      case 0 -> b.clearResponseMessage();
      case 1 -> b.setResponseMessage(ByteString.copyFrom(bytes(r, r.nextInt(40))));
      default -> {}
    }
    if (r.nextBoolean()) {
      b.setResponseTimeSec(r.nextLong()).setResponseTimeNsec(r.nextInt());
    }
    return b.build();
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
