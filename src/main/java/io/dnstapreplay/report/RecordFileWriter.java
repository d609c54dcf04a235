// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.report;

import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.framestream.FrameStreams;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * RecordFileWriter moves failure records from a {@link RecordBuffer} to a Frame Streams file
 * ({@code --errors-file}, {@code --timeouts-file}) on its own thread, as {@code /errors} would hand
 * them out: the replay stage only offers records to the bounded buffer and never waits for the
 * disk. Each batch is flushed when written, so a run that is interrupted, or killed, keeps what it
 * found; the file is a complete stream (with STOP) once {@link #finish} returns.
 */
public final class RecordFileWriter {
  /** Records and bytes taken from the buffer per write, as one {@code /errors} chunk. */
  static final int BATCH_RECORDS = 256;

  static final long BATCH_BYTES = 64 * 1024;

  /** How long an idle writer sleeps before looking at the buffer again. */
  static final long IDLE_MILLIS = 50;

  /**
   * What was written.
   *
   * @param file the file
   * @param records records written to it
   * @param trouble why writing stopped early (records then stay in the buffer), or null
   */
  public record Result(Path file, long records, String trouble) {}

  private final Path file;
  private final RecordBuffer records;
  private final Counter handedOut;
  private final FrameStreamWriter out;
  private final Thread thread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private long written;
  private String trouble;

  private RecordFileWriter(
      Path file, RecordBuffer records, Counter handedOut, FrameStreamWriter out) {
    this.file = file;
    this.records = records;
    this.handedOut = handedOut;
    this.out = out;
    this.thread = new Thread(this::run, "record-writer " + file.getFileName());
    thread.setDaemon(true);
  }

  /**
   * Creates (or truncates) {@code file} and starts moving records into it.
   *
   * @param handedOut counts each record written, as {@code channel_*_rx_total} counts those {@code
   *     /errors} hands out
   * @throws IOException naming the file when it cannot be created
   */
  public static RecordFileWriter start(Path file, RecordBuffer records, Counter handedOut)
      throws IOException {
    FrameStreamWriter out;
    try {
      OutputStream stream = Files.newOutputStream(file);
      out = new FrameStreamWriter(stream, FrameStreams.DNSTAP_CONTENT_TYPE);
      out.flush();
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    RecordFileWriter w = new RecordFileWriter(file, records, handedOut, out);
    w.thread.start();
    return w;
  }

  private void run() {
    try {
      boolean last = false;
      while (!last) {
        last = closing.getCount() == 0;
        if (!writeWhatIsBuffered() && !last) {
          closing.await(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
    } catch (IOException e) {
      trouble = "cannot write " + file + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      trouble = "interrupted writing " + file;
    }
    try {
      out.close();
    } catch (IOException e) {
      if (trouble == null) {
        trouble = "cannot write " + file + ": " + e.getMessage();
      }
    }
  }

  /** Writes every record in the buffer now; returns whether there was any. */
  private boolean writeWhatIsBuffered() throws IOException {
    boolean any = false;
    for (List<byte[]> batch; !(batch = records.take(BATCH_RECORDS, BATCH_BYTES)).isEmpty(); ) {
      any = true;
      int done = 0;
      try {
        for (byte[] r : batch) {
          out.write(r);
          records.delivered(r);
          done++;
        }
        out.flush();
      } catch (IOException e) {
        records.putBack(batch.subList(done, batch.size()));
        throw e;
      } finally {
        written += done;
        handedOut.increment(done);
      }
    }
    return any;
  }

  /**
   * Writes what the buffer still holds, completes the file and closes it. Call once the replay
   * stage has stopped offering records.
   *
   * @return what was written
   */
  public Result finish() {
    closing.countDown();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Result(file, written, trouble);
  }
}
