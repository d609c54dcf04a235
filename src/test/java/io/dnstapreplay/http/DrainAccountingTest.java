// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drains whose client misbehaves, over real sockets, with records of 60 KB and a client whose
 * receive buffer is 4 KiB: it resets mid-drain, it stops reading until the server closes it, or new
 * records arrive meanwhile. Throughout, every record accepted is handed out (counted once its bytes
 * were written) or still buffered, and no record reaches two clients.
 */
class DrainAccountingTest {
  private static final int RECORDS = 100;
  private static final int SIZE = 60_000;
  private static final Duration IDLE = Duration.ofMillis(500);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final byte[] GET =
      "GET /errors HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Metrics metrics = new Metrics();
  private final RecordBuffer errors = new RecordBuffer(RECORDS, (long) RECORDS * SIZE);
  private final BitSet accepted = new BitSet();
  private int nextId;
  private LoopbackHttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = LoopbackHttpServer.start(metrics, errors, new RecordBuffer(1), IDLE);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Offers records as the replay stage does; returns how many were accepted. */
  private int offer(int n) {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      int id = nextId++;
      byte[] r = new byte[SIZE];
      ByteBuffer.wrap(r).putInt(id);
      if (errors.offer(r)) {
        accepted.set(id);
        ok++;
      }
    }
    return ok;
  }

  private int handedOut() {
    return (int) metrics.errorRxSuccess.count();
  }

  /** Waits until no drain holds a record: each is either handed out or waiting again. */
  private void awaitSettled() throws Exception {
    Await.settled(
        () -> List.of(handedOut(), errors.size(), errors.waiting()),
        s -> s.get(1).equals(s.get(2)),
        WAIT,
        "records held by a drain");
  }

  private Socket slowClient() throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(server.localAddress());
    s.setSoTimeout((int) WAIT.toMillis());
    s.getOutputStream().write(GET);
    return s;
  }

  /** The first drain's client got {@code first}; a second drain gets the rest, and no more. */
  private void assertTheRestGoesToTheNextClient(BitSet first) throws Exception {
    int buffered = errors.size();
    assertEquals(
        accepted.cardinality(), handedOut() + buffered, "accepted = handed out + buffered");
    BitSet second;
    try (Socket s = new Socket()) {
      s.connect(server.localAddress());
      s.setSoTimeout((int) WAIT.toMillis());
      s.getOutputStream().write(GET);
      second = ids(readUntil(s.getInputStream(), true));
    }
    assertEquals(buffered, second.cardinality(), "the second client gets what was buffered");
    assertFalse(first.intersects(second), "no record reaches two clients");
    BitSet both = (BitSet) first.clone();
    both.or(second);
    BitSet notAccepted = (BitSet) both.clone();
    notAccepted.andNot(accepted);
    assertTrue(notAccepted.isEmpty(), "only accepted records are handed out");
    awaitSettled();
    assertEquals(0, errors.size());
    assertEquals(accepted.cardinality(), handedOut());
  }

  /**
   * The server closes a client that read nothing for the idle time. Graceful: what the socket took
   * still reaches the client, so it gets exactly the records counted as handed out.
   */
  @Test
  void idleClientClosedByTheServerGetsExactlyWhatWasCounted() throws Exception {
    offer(RECORDS);
    BitSet first;
    try (Socket s = slowClient()) {
      Await.until(() -> handedOut() > 0, WAIT, () -> "the drain never started");
      awaitSettled(); // closed after the idle time; nothing held any more
      first = ids(readUntil(s.getInputStream(), true));
    }
    assertTrue(errors.size() > 0, "a client that read nothing cannot have taken everything");
    assertEquals(handedOut(), first.cardinality(), "received = handed out");
    assertTheRestGoesToTheNextClient(first);
  }

  /**
   * The client resets mid-drain: records written to its socket are handed out even if it never read
   * them (TCP cannot tell), the others go back; none vanishes, none is given twice.
   */
  @Test
  void clientResetMidDrainLosesNothingUncounted() throws Exception {
    offer(RECORDS);
    BitSet first;
    try (Socket s = slowClient()) {
      byte[] some = readAtLeast(s.getInputStream(), 2 * SIZE);
      first = ids(some);
      s.setSoLinger(true, 0); // close with RST
    }
    awaitSettled();
    assertTrue(first.cardinality() >= 1, "read a record before the reset");
    assertTrue(first.cardinality() <= handedOut(), "every record received was counted");
    assertTrue(errors.size() > 0);
    assertTheRestGoesToTheNextClient(first);
  }

  /**
   * New records arrive while a drain is stuck: the ones the drain holds still count against the
   * bounds, so the newcomers that do not fit are refused at the door (and counted there as dropped,
   * {@code channel_error_tx_total{result="error"}}), never the ones going back.
   */
  @Test
  void refillsDuringAStuckDrainAreRefusedNotTheRecordsGoingBack() throws Exception {
    offer(RECORDS);
    BitSet first;
    try (Socket s = slowClient()) {
      // stuck: the socket buffers are full and the client reads nothing
      int before = Await.settled(this::handedOut, n -> n > 0, WAIT, "records handed out");
      assertEquals(before, offer(RECORDS), "only the room of what was handed out");
      awaitSettled();
      offer(RECORDS); // room freed by what the drain wrote before it was closed
      first = ids(readUntil(s.getInputStream(), true));
    }
    assertEquals(handedOut(), first.cardinality());
    assertEquals(RECORDS, errors.size(), "full again");
    assertTheRestGoesToTheNextClient(first);
  }

  /** Reads until the server closes (or resets) the connection. */
  private static byte[] readUntil(InputStream in, boolean toTheEnd) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    try {
      for (int r; toTheEnd && (r = in.read(buf)) >= 0; ) {
        out.write(buf, 0, r);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (IOException reset) {
      // what arrived before the reset is kept
    }
    return out.toByteArray();
  }

  private static byte[] readAtLeast(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new AssertionError("closed after " + b.length + " bytes");
    }
    return b;
  }

  /**
   * The ids of the records in a response as much of it as arrived: HTTP head, chunks, and in them
   * Frame Streams START and data frames. Only whole chunks count: a record cut short was not handed
   * out.
   */
  private static BitSet ids(byte[] raw) {
    ByteBuffer in = ByteBuffer.wrap(raw);
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    assertTrue(text.startsWith("HTTP/1.1 200 "), text.substring(0, Math.min(40, text.length())));
    in.position(text.indexOf("\r\n\r\n") + 4);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int lineEnd = text.indexOf("\r\n", in.position());
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(text.substring(in.position(), lineEnd), 16);
      if (size == 0 || lineEnd + 2 + size + 2 > raw.length) {
        break;
      }
      body.write(raw, lineEnd + 2, size);
      in.position(lineEnd + 2 + size + 2);
    }
    ByteBuffer frames = ByteBuffer.wrap(body.toByteArray());
    BitSet ids = new BitSet();
    boolean started = false;
    while (frames.remaining() >= 4) {
      int length = frames.getInt();
      if (length == 0) {
        int control = frames.getInt();
        frames.position(frames.position() + control);
        started = true;
        continue;
      }
      assertTrue(started, "data before START");
      assertEquals(SIZE, length);
      int id = frames.getInt(frames.position());
      assertFalse(ids.get(id), "record " + id + " twice in one response");
      ids.set(id);
      frames.position(frames.position() + length);
    }
    return ids;
  }
}
