// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.framestream.FrameStreamException;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.queue.PayloadQueue;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FileCollector reads Frame Streams files ({@code --read}: {@code fstrm_capture} and {@code dnstap
 * -w} output, our own {@code /errors} and {@code /timeouts}, standard input) one after the other on
 * its own thread, and feeds their dnstap messages into the replay queue like a sender would: a full
 * queue makes it wait, so a capture of any size is replayed in bounded memory, as fast as the
 * replay stage takes it or, with a speed, at the pace it was logged (see {@link Pacer}).
 *
 * <p>Damage ends the reading: a broken frame, or a data frame that is not dnstap, is reported with
 * its file and byte offset, and what was read before it is replayed. A stop ends it too, and then
 * the messages the pacer still holds are dropped with the rest of the input. A frame is counted
 * ({@code data_frames_total}, {@link Result#frames}) when its message goes to the queue, so every
 * frame counted reaches the replay stage.
 */
public final class FileCollector {
  /** Messages handed to the queue at once, as a socket read's worth from a sender. */
  static final int BATCH = 256;

  /**
   * Or this {@link Payload#weight weight} of messages, whichever comes first: 256 messages of up to
   * 1 MiB each would hold a quarter of a gigabyte outside the queue's byte bound.
   */
  static final int BATCH_BYTES = 1 << 20;

  /**
   * How reading ended.
   *
   * @param frames data frames read and handed to the replay stage
   * @param trouble what ended it early (a damaged or unreadable input, with its name and byte
   *     offset), or null
   * @param stopped whether {@link #stop} ended it before the end of the input
   */
  public record Result(long frames, String trouble, boolean stopped) {
    /** Whether every input was read to its end. */
    public boolean complete() {
      return trouble == null && !stopped;
    }
  }

  private final List<InputFiles.Input> inputs;
  private final PayloadQueue<Payload> queue;
  private final Metrics metrics;
  private final Pacer pacer;
  private final Thread thread;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final AtomicLong bytesRead = new AtomicLong();
  private final ArrayDeque<Payload> pending = new ArrayDeque<>();
  private long pendingBytes;
  private volatile Result result;
  private volatile long firstNanos;
  private long frames;
  private boolean started;
  private long startNanos;

  private FileCollector(
      List<InputFiles.Input> inputs, PayloadQueue<Payload> queue, Metrics metrics, Pacer pacer) {
    this.inputs = inputs;
    this.queue = queue;
    this.metrics = metrics;
    this.pacer = pacer;
    this.thread = new Thread(this::run, "file-reader");
    thread.setDaemon(true);
  }

  /**
   * Starts reading {@code inputs}, which the collector closes when done.
   *
   * @param speed replay at this many times the pace the messages were logged at, or 0 for as fast
   *     as the replay stage takes them
   */
  public static FileCollector start(
      List<InputFiles.Input> inputs, PayloadQueue<Payload> queue, Metrics metrics, double speed) {
    FileCollector c =
        new FileCollector(
            List.copyOf(inputs), queue, metrics, speed == 0 ? null : new Pacer(speed));
    c.thread.start();
    return c;
  }

  /** Stops reading at the next frame; what was read still goes to the queue. Returns at once. */
  public void stop() {
    stopRequested.countDown();
  }

  /** Waits until reading has ended and every message read is in the queue. */
  public Result await() throws InterruptedException {
    thread.join();
    return result;
  }

  /**
   * When the first message was ready for the replay stage ({@link System#nanoTime}), or 0 before:
   * the replay's start, after the inputs were opened and the pacer's window filled.
   */
  public long firstNanos() {
    return firstNanos;
  }

  /** Bytes taken from the inputs so far, for progress. */
  public long bytesRead() {
    return bytesRead.get();
  }

  /** The inputs' total size, or -1 if one of them has no known size. */
  public long totalBytes() {
    long total = 0;
    for (InputFiles.Input i : inputs) {
      if (i.size() < 0) {
        return -1;
      }
      total += i.size();
    }
    return total;
  }

  private void run() {
    String trouble = null;
    try {
      for (InputFiles.Input input : inputs) {
        trouble = read(input);
        if (trouble != null || stopping()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      trouble = "interrupted";
    } catch (RuntimeException e) {
      trouble = "internal error: " + e;
    } finally {
      try {
        if (pacer != null && !stopping()) {
          release(true);
        }
        handOver();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      InputFiles.closeAll(inputs);
      result = new Result(frames, trouble, trouble == null && stopping());
    }
  }

  /** Reads one input to its end; returns what damaged it, or null. */
  private String read(InputFiles.Input input) throws InterruptedException {
    FrameStreamReader reader =
        new FrameStreamReader(new Counting(input.in()), InputFiles.MAX_FRAME_LENGTH);
    while (!stopping()) {
      byte[] frame;
      try {
        frame = reader.next();
      } catch (IOException | FrameStreamException e) {
        return input.name() + ": " + e.getMessage();
      }
      if (frame == null) {
        return null;
      }
      Payload d;
      try {
        d = Payload.decode(frame);
      } catch (InvalidProtocolBufferException e) {
        count(frame.length);
        metrics.dnstapDecodeErrors.increment();
        return input.name()
            + ": frame at byte offset "
            + reader.frameOffset()
            + ": not a dnstap message: "
            + e.getMessage();
      }
      if (pacer == null) {
        hold(d);
      } else {
        pacer.add(d);
        release(false);
      }
    }
    return null;
  }

  /**
   * Sends each message the pacer releases when it is due; the first one sets the start. A stop ends
   * the wait and the sending.
   */
  private void release(boolean all) throws InterruptedException {
    for (Pacer.Release r; (r = pacer.poll(all)) != null; ) {
      if (!started) {
        started = true;
        startNanos = System.nanoTime();
      }
      long wait = startNanos + r.dueNanos() - System.nanoTime();
      if (wait > 0) {
        handOver();
        if (stopRequested.await(wait, TimeUnit.NANOSECONDS)) {
          return;
        }
      }
      hold(r.message());
    }
  }

  /** Keeps {@code d} for the queue, handing a batch over once it is full. */
  private void hold(Payload d) throws InterruptedException {
    if (frames == 0) {
      firstNanos = System.nanoTime();
    }
    count(d.length());
    pending.add(d);
    pendingBytes += d.weight();
    queue.heldByProducers(1);
    if (pending.size() >= BATCH || pendingBytes >= BATCH_BYTES) {
      handOver();
    }
  }

  /**
   * Moves what is held into the queue, waiting for room as a paused connection does: the replay
   * stage is woken once per batch, not once per message.
   */
  private void handOver() throws InterruptedException {
    queue.heldByProducers(-queue.offerAll(pending));
    while (!pending.isEmpty()) {
      CountDownLatch room = new CountDownLatch(1);
      queue.onSpace(room::countDown);
      room.await();
      queue.heldByProducers(-queue.offerAll(pending));
    }
    pendingBytes = 0;
  }

  private void count(int frameLength) {
    frames++;
    metrics.dataFrame(Transport.FILE, frameLength);
  }

  private boolean stopping() {
    return stopRequested.getCount() == 0;
  }

  /** Counts the bytes read from an input, for progress. */
  private final class Counting extends FilterInputStream {
    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        bytesRead.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        bytesRead.addAndGet(n);
      }
      return n;
    }
  }
}
