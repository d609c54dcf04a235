// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import io.dnstapreplay.collector.FileCollector;
import io.dnstapreplay.collector.InputFiles;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.queue.PayloadQueue;
import io.dnstapreplay.report.RecordBuffer;
import io.dnstapreplay.report.RecordFileWriter;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * FileReplay is the input and the outputs of a replay of files ({@code --read}): the file reader,
 * and the writers that move failure records from the buffers to {@code --errors-file} and {@code
 * --timeouts-file}. The daemon starts it in steps, so that an input that cannot be read is an error
 * before anything is bound, and ends it after the replay stage has drained.
 */
public final class FileReplay {
  /**
   * How a replay of files went, for its summary.
   *
   * @param read how reading ended
   * @param errors what went to {@code --errors-file}, or null without one
   * @param timeouts what went to {@code --timeouts-file}, or null without one
   * @param elapsed from the first payload ready for the replay stage until every query had its
   *     outcome
   */
  public record Outcome(
      FileCollector.Result read,
      RecordFileWriter.Result errors,
      RecordFileWriter.Result timeouts,
      Duration elapsed) {}

  private final FileConfig config;
  private final List<InputFiles.Input> inputs;
  private RecordFileWriter errorsWriter;
  private RecordFileWriter timeoutsWriter;
  private FileCollector collector;
  private FileCollector.Result read;

  private FileReplay(FileConfig config, List<InputFiles.Input> inputs) {
    this.config = config;
    this.inputs = inputs;
  }

  /**
   * Opens every input.
   *
   * @throws IOException naming the first that cannot be read
   */
  static FileReplay open(FileConfig config, InputStream stdin) throws IOException {
    return new FileReplay(config, InputFiles.openAll(config.inputs(), stdin));
  }

  /**
   * Creates the output files and starts moving records to them.
   *
   * @throws IOException naming a file that cannot be created
   */
  void startOutputs(RecordBuffer errors, RecordBuffer timeouts, Metrics metrics)
      throws IOException {
    errorsWriter = writer(config.errorsFile(), errors, metrics.errorRxSuccess);
    timeoutsWriter = writer(config.timeoutsFile(), timeouts, metrics.timeoutRxSuccess);
  }

  private static RecordFileWriter writer(Path file, RecordBuffer records, Counter handedOut)
      throws IOException {
    return file == null ? null : RecordFileWriter.start(file, records, handedOut);
  }

  /** The buffer {@code /errors} serves: empty when the records go to a file instead. */
  RecordBuffer servedErrors(RecordBuffer errors) {
    return config.errorsFile() == null ? errors : new RecordBuffer(1);
  }

  /** The buffer {@code /timeouts} serves: empty when the records go to a file instead. */
  RecordBuffer servedTimeouts(RecordBuffer timeouts) {
    return config.timeoutsFile() == null ? timeouts : new RecordBuffer(1);
  }

  void startReading(PayloadQueue<Payload> queue, Metrics metrics) {
    collector = FileCollector.start(inputs, queue, metrics, config.speed());
  }

  /** Stops reading at the next frame (SIGINT); what was read is still replayed. */
  public void stopReading() {
    collector.stop();
  }

  /** Waits until every input was read, or reading stopped at damage or by {@link #stopReading}. */
  public FileCollector.Result awaitReading() throws InterruptedException {
    if (read == null) {
      read = collector.await();
    }
    return read;
  }

  /** Bytes read so far. */
  public long bytesRead() {
    return collector.bytesRead();
  }

  /** The inputs' total size, or -1 when one is a pipe. */
  public long totalBytes() {
    return collector.totalBytes();
  }

  /** Stops reading and waits for it, before the replay stage drains. */
  void stopAndAwaitReading() throws InterruptedException {
    if (collector == null) {
      InputFiles.closeAll(inputs);
      return;
    }
    collector.stop();
    awaitReading();
  }

  /** Completes the output files, once the replay stage has drained; returns how it all went. */
  Outcome finish() {
    long first = collector == null ? 0 : collector.firstNanos();
    Duration elapsed = Duration.ofNanos(first == 0 ? 0 : System.nanoTime() - first);
    return new Outcome(
        read,
        errorsWriter == null ? null : errorsWriter.finish(),
        timeoutsWriter == null ? null : timeoutsWriter.finish(),
        elapsed);
  }
}
