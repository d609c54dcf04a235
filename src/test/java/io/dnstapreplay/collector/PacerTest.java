// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.testing.KnotCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacerTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long EPOCH_SECONDS = 1_700_000_000L;

  /** The weight of a message of {@link #at} with a one-letter identity. */
  private static final long WEIGHT = Payload.of(at("a", 0)).weight();

  /** A message logged {@code millis} after {@link #EPOCH_SECONDS}, identified by its identity. */
  private static Dnstap at(String id, long millis) {
    Dnstap d = untimed(id);
    return d.toBuilder()
        .setMessage(
            d.getMessage().toBuilder()
                .setResponseTimeSec(EPOCH_SECONDS + millis / 1000)
                .setResponseTimeNsec((int) (millis % 1000 * MS)))
        .build();
  }

  private static Dnstap untimed(String id) {
    return Dnstap.newBuilder()
        .setType(Dnstap.Type.MESSAGE)
        .setIdentity(ByteString.copyFromUtf8(id))
        .setMessage(Message.newBuilder().setType(Message.Type.AUTH_RESPONSE))
        .build();
  }

  /** Adds every message, then drains, as the file collector does at the end of its input. */
  private static List<String> run(Pacer p, Dnstap... messages) {
    List<String> out = new ArrayList<>();
    for (Dnstap m : messages) {
      p.add(Payload.of(m));
      for (Pacer.Release r; (r = p.poll(false)) != null; ) {
        out.add(describe(r));
      }
    }
    for (Pacer.Release r; (r = p.poll(true)) != null; ) {
      out.add(describe(r));
    }
    return out;
  }

  private static String describe(Pacer.Release r) {
    return r.message().dnstap().getIdentity().toStringUtf8() + "@" + r.dueNanos() / MS;
  }

  @Test
  void realTimeKeepsTheOffsetsFromTheFirstMessage() {
    assertEquals(
        List.of("a@0", "b@250", "c@1500", "d@4000"),
        run(new Pacer(1), at("a", 500), at("b", 750), at("c", 2000), at("d", 4500)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 10})
  void speedDividesTheOffsets(double speed) {
    List<String> out = run(new Pacer(speed), at("a", 0), at("b", 1000), at("c", 3000));
    assertEquals(List.of("a@0", "b@" + (long) (1000 / speed), "c@" + (long) (3000 / speed)), out);
  }

  @Test
  void messagesOutOfOrderWithinTheWindowAreSentInTimeOrder() {
    assertEquals(
        List.of("b@0", "a@30", "d@50", "c@80"),
        run(new Pacer(1), at("a", 130), at("b", 100), at("c", 180), at("d", 150)));
  }

  @Test
  void aMessageIsHeldUntilAWindowOfCaptureTimeFollowsIt() {
    Pacer p = new Pacer(1);
    p.add(Payload.of(at("a", 0)));
    p.add(Payload.of(at("b", 999)));
    assertNull(p.poll(false));
    p.add(Payload.of(at("c", 1000)));
    assertEquals("a@0", describe(p.poll(false)));
    assertNull(p.poll(false), "b has not a whole window after it yet");
    assertEquals(2, p.held());
    assertEquals("b@999", describe(p.poll(true)));
    assertEquals("c@1000", describe(p.poll(true)));
    assertNull(p.poll(true));
  }

  @Test
  void theWindowHoldsAtMostMaxHeldMessages() {
    Pacer p = new Pacer(1);
    for (int i = 0; i <= Pacer.MAX_HELD; i++) {
      p.add(Payload.of(at("m" + i, 0)));
    }
    assertEquals("m0@0", describe(p.poll(false)));
    assertNull(p.poll(false));
    assertEquals(Pacer.MAX_HELD, p.held());
  }

  /** A pacer whose window holds two messages of {@link #WEIGHT} by bytes, holding {@code first}. */
  private static Pacer twoMessagesHolding(Dnstap... first) {
    Pacer p = new Pacer(1, 2 * WEIGHT);
    for (Dnstap d : first) {
      p.add(Payload.of(d));
    }
    assertNull(p.poll(false), "exactly the bound is within it");
    assertEquals(2 * WEIGHT, p.heldBytes());
    return p;
  }

  @Test
  void theWindowHoldsAtMostItsBytesAndReleasesTheEarliestFirst() {
    Pacer p = twoMessagesHolding(at("c", 300), at("a", 100));
    p.add(Payload.of(at("b", 200)));
    assertEquals("a@0", describe(p.poll(false)));
    assertNull(p.poll(false));
    assertEquals(2, p.held());
    assertEquals(2 * WEIGHT, p.heldBytes());
    assertEquals("b@100", describe(p.poll(true)));
    assertEquals("c@200", describe(p.poll(true)));
    assertEquals(0, p.heldBytes());
  }

  @Test
  void aMessageHeavierThanTheWholeBoundGoesAtOnceAfterTheEarlierOnes() {
    Pacer p = twoMessagesHolding(at("a", 0), at("b", 10));
    Payload heavy =
        Payload.of(
            at("h", 20).toBuilder()
                .setExtra(ByteString.copyFrom(new byte[(int) (3 * WEIGHT)]))
                .build());
    assertTrue(heavy.weight() > 2 * WEIGHT);
    p.add(heavy);
    assertEquals("a@0", describe(p.poll(false)));
    assertEquals("b@10", describe(p.poll(false)));
    assertEquals("h@20", describe(p.poll(false)));
    assertNull(p.poll(false));
    assertEquals(0, p.heldBytes());
  }

  @Test
  void aMessageWithoutTimeKeepsItsPlaceAfterTheLatestTime() {
    assertEquals(
        List.of("x@0", "a@0", "b@200", "y@200", "c@300"),
        run(new Pacer(1), untimed("x"), at("a", 100), at("b", 300), untimed("y"), at("c", 400)));
  }

  @Test
  void queryTimeComesBeforeResponseTime() {
    Dnstap both =
        at("a", 0).toBuilder()
            .setMessage(
                at("a", 0).getMessage().toBuilder()
                    .setQueryTimeSec(EPOCH_SECONDS - 1)
                    .setQueryTimeNsec(0))
            .build();
    assertEquals((EPOCH_SECONDS - 1) * 1_000_000_000L, Pacer.timeNanos(Payload.of(both)));
    assertEquals(EPOCH_SECONDS * 1_000_000_000L, Pacer.timeNanos(Payload.of(at("a", 0))));
  }

  @Test
  void theKnotCaptureLastsAsLongAsItWasLogged() {
    Pacer p = new Pacer(1);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long lastDue = -1;
    List<Pacer.Release> out = new ArrayList<>();
    for (byte[] f : KnotCapture.frames()) {
      Payload d = Payload.of(KnotCapture.parse(f));
      min = Math.min(min, Pacer.timeNanos(d));
      max = Math.max(max, Pacer.timeNanos(d));
      p.add(d);
    }
    for (Pacer.Release r; (r = p.poll(true)) != null; ) {
      out.add(r);
      assertTrue(r.dueNanos() >= lastDue, "in time order");
      lastDue = r.dueNanos();
    }
    assertEquals(KnotCapture.FRAMES, out.size());
    assertEquals(0, out.get(0).dueNanos());
    assertEquals(max - min, lastDue, "the capture's whole duration, not from its first frame");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void aSpeedMustBePositive(double speed) {
    assertThrows(IllegalArgumentException.class, () -> new Pacer(speed));
  }
}
