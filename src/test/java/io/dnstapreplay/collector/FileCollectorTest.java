// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.testing.Await;
import io.dnstapreplay.testing.KnotCapture;
import io.dnstapreplay.testing.Scrape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files into the replay queue: every frame in order and counted once, through a queue far smaller
 * than the file; damage reported with its file and byte offset after what came before it; a stop
 * that still hands over what was read.
 */
class FileCollectorTest {
  private static final int SMALL_QUEUE = 7;

  @TempDir Path dir;
  private final Metrics metrics = new Metrics();
  private final PayloadQueue<Payload> queue = new PayloadQueue<>(SMALL_QUEUE);

  /** Takes from the queue until the collector has ended, as the replay stage would. */
  private List<Dnstap> consume(FileCollector c, FileCollector.Result[] result) throws Exception {
    List<Payload> out = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                result[0] = c.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    reader.start();
    while (reader.isAlive() || queue.size() > 0) {
      queue.drainTo(out, 3, 10, TimeUnit.MILLISECONDS);
    }
    reader.join();
    return out.stream().map(Payload::dnstap).toList();
  }

  private FileCollector.Result readAll(List<Dnstap> into, double speed, String... files)
      throws Exception {
    FileCollector c =
        FileCollector.start(
            InputFiles.openAll(List.of(files), InputStream.nullInputStream()),
            queue,
            metrics,
            speed);
    FileCollector.Result[] result = new FileCollector.Result[1];
    into.addAll(consume(c, result));
    assertEquals(0, queue.heldByProducers(), "nothing held once reading has ended");
    return result[0];
  }

  private static List<Dnstap> capture() {
    return KnotCapture.frames().stream().map(KnotCapture::parse).toList();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void everyFrameOfTheCaptureInOrderThroughASmallQueue() throws Exception {
    List<Dnstap> got = new ArrayList<>();
    FileCollector.Result r = readAll(got, 0, KnotCapture.path().toString());
    assertEquals(new FileCollector.Result(KnotCapture.FRAMES, null, false), r);
    assertTrue(r.complete());
    assertEquals(capture(), got);
    Scrape m = new Scrape(metrics.scrape());
    assertEquals(KnotCapture.FRAMES, m.value("dnstap_replay_data_frames_total"));
    assertEquals(
        KnotCapture.FRAMES,
        m.value("dnstap_replay_transport_data_frames_total{transport=\"file\"}"));
    assertEquals(
        KnotCapture.frames().stream().mapToInt(f -> f.length).sum(),
        m.value("dnstap_replay_data_bytes_total"));
  }

  @Test
  void filesAreReadOneAfterTheOtherAndTheirSizeIsKnown() throws Exception {
    Path second = write("second.tap", KnotCapture.bytes());
    FileCollector c =
        FileCollector.start(
            InputFiles.openAll(
                List.of(KnotCapture.path().toString(), second.toString()),
                InputStream.nullInputStream()),
            queue,
            metrics,
            0);
    assertEquals(2 * Files.size(second), c.totalBytes());
    FileCollector.Result[] result = new FileCollector.Result[1];
    List<Dnstap> got = consume(c, result);
    assertEquals(2 * KnotCapture.FRAMES, result[0].frames());
    assertEquals(capture(), got.subList(0, KnotCapture.FRAMES));
    assertEquals(capture(), got.subList(KnotCapture.FRAMES, got.size()));
    assertEquals(c.totalBytes(), c.bytesRead());
  }

  @Test
  void anEmptyFileAndConcatenatedStreamsAreNoDamage() throws Exception {
    Path empty = write("empty.tap", new byte[0]);
    byte[] twice = new byte[2 * KnotCapture.bytes().length];
    System.arraycopy(KnotCapture.bytes(), 0, twice, 0, KnotCapture.bytes().length);
    System.arraycopy(
        KnotCapture.bytes(), 0, twice, KnotCapture.bytes().length, KnotCapture.bytes().length);
    Path cat = write("cat.tap", twice);
    List<Dnstap> got = new ArrayList<>();
    FileCollector.Result r = readAll(got, 0, empty.toString(), cat.toString());
    assertTrue(r.complete(), String.valueOf(r.trouble()));
    assertEquals(2 * KnotCapture.FRAMES, got.size());
  }

  @Test
  void standardInputIsReadAndHasNoKnownSize() throws Exception {
    InputFiles.Input stdin =
        InputFiles.open(InputFiles.STDIN, new ByteArrayInputStream(KnotCapture.bytes()));
    FileCollector c = FileCollector.start(List.of(stdin), queue, metrics, 0);
    assertEquals(-1, c.totalBytes());
    FileCollector.Result[] result = new FileCollector.Result[1];
    assertEquals(capture(), consume(c, result));
    assertTrue(result[0].complete());
  }

  @Test
  void aTruncatedFileIsReplayedUpToTheDamageAndNamesItsOffset() throws Exception {
    byte[] whole = KnotCapture.bytes();
    Path cut = write("cut.tap", Arrays.copyOf(whole, 3000));
    List<Dnstap> got = new ArrayList<>();
    FileCollector.Result r = readAll(got, 0, cut.toString());
    assertFalse(r.complete());
    assertFalse(r.stopped());
    assertTrue(
        r.trouble().matches(cut + ": frame at byte offset \\d+: input ends inside .*"),
        r.trouble());
    assertEquals(r.frames(), got.size());
    assertEquals(capture().subList(0, got.size()), got, "every whole frame before the damage");
    assertTrue(got.size() > 5);
  }

  @Test
  void aFrameThatIsNotDnstapEndsTheReadingAtItsOffset() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (FrameStreamWriter w = new FrameStreamWriter(bytes, FrameStreams.DNSTAP_CONTENT_TYPE)) {
      w.write(KnotCapture.frames().get(0));
      w.write(new byte[] {(byte) 0xff, (byte) 0xff});
      w.write(KnotCapture.frames().get(1));
    }
    Path bad = write("bad.tap", bytes.toByteArray());
    long startFrame = 5 * Integer.BYTES + FrameStreams.DNSTAP_CONTENT_TYPE.length();
    long offset = startFrame + Integer.BYTES + KnotCapture.frames().get(0).length;
    List<Dnstap> got = new ArrayList<>();
    FileCollector.Result r = readAll(got, 0, bad.toString());
    assertTrue(
        r.trouble().startsWith(bad + ": frame at byte offset " + offset + ": not a dnstap message"),
        r.trouble());
    assertEquals(List.of(capture().get(0)), got);
    assertEquals(2, r.frames());
    assertEquals(1, new Scrape(metrics.scrape()).value("dnstap_replay_dnstap_decode_errors_total"));
  }

  /**
   * Paced at a thousandth of real time, the capture would take minutes: a stop ends the pacing at
   * once, and what the pacer still holds is dropped uncounted.
   */
  @Test
  void aStopEndsPacedReadingAndHandsOverWhatWasRead() throws Exception {
    FileCollector c =
        FileCollector.start(
            InputFiles.openAll(
                List.of(KnotCapture.path().toString()), InputStream.nullInputStream()),
            queue,
            metrics,
            0.001);
    AtomicBoolean stopped = new AtomicBoolean();
    List<Dnstap> got = new ArrayList<>();
    FileCollector.Result[] result = new FileCollector.Result[1];
    Thread stopper =
        new Thread(
            () -> {
              while (metrics.dataFrames.count() < 1) {
                Thread.onSpinWait();
              }
              stopped.set(true);
              c.stop();
            });
    stopper.start();
    got.addAll(consume(c, result));
    stopper.join();
    assertTrue(stopped.get());
    assertTrue(result[0].stopped());
    assertNull(result[0].trouble());
    assertEquals(result[0].frames(), got.size(), "every frame counted reaches the queue");
    assertEquals(got.size(), new Scrape(metrics.scrape()).value("dnstap_replay_data_frames_total"));
    assertTrue(got.size() >= 1 && got.size() < KnotCapture.FRAMES, "frames: " + got.size());
    assertEquals(capture().get(1), got.get(0), "the earliest message, in time order");
  }

  /**
   * Large messages go to the queue by the mebibyte, not by the batch of 256: the reader, stopped
   * inside the sixth 300 KB message, has handed over the first four (1.2 MB) and holds only the
   * fifth.
   */
  @Test
  void largeMessagesAreHandedOverByTheMebibyte() throws Exception {
    PayloadQueue<Payload> roomy = new PayloadQueue<>(1000);
    byte[] large =
        Dnstap.newBuilder()
            .setType(Dnstap.Type.MESSAGE)
            .setExtra(ByteString.copyFrom(new byte[300_000]))
            .build()
            .toByteArray();
    PipedInputStream in = new PipedInputStream(4 << 20);
    FrameStreamWriter w =
        new FrameStreamWriter(new PipedOutputStream(in), FrameStreams.DNSTAP_CONTENT_TYPE);
    for (int i = 0; i < 5; i++) {
      w.write(large);
    }
    w.flush();
    FileCollector c =
        FileCollector.start(List.of(InputFiles.open(InputFiles.STDIN, in)), roomy, metrics, 0);
    Await.until(
        () -> roomy.size() + roomy.heldByProducers() == 5,
        Duration.ofSeconds(30),
        () -> roomy.size() + " queued, " + roomy.heldByProducers() + " held");
    assertEquals(4, roomy.size(), "handed over at 1.2 MB");
    w.close();
    assertTrue(c.await().complete());
    assertEquals(5, roomy.size());
    assertEquals(0, roomy.heldByProducers());
  }

  @Test
  void anInputThatCannotBeOpenedIsNamedAndNothingIsLeftOpen() throws IOException {
    Path missing = dir.resolve("missing.tap");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                InputFiles.openAll(
                    List.of(KnotCapture.path().toString(), missing.toString()),
                    InputStream.nullInputStream()));
    assertEquals(missing + ": no such file", e.getMessage());
    IOException d =
        assertThrows(
            IOException.class,
            () -> InputFiles.open(dir.toString(), InputStream.nullInputStream()));
    assertEquals(dir + ": is a directory", d.getMessage());
  }
}
