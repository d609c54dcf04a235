// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.testing.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records move from the buffer to a Frame Streams file as they come, each exactly once. */
class RecordFileWriterTest {
  @TempDir Path dir;
  private final RecordBuffer buffer = new RecordBuffer(1000);
  private final Counter handedOut = Counter.builder("rx").register(new SimpleMeterRegistry());

  private static byte[] record(int i) {
    return ("record " + i).getBytes(StandardCharsets.US_ASCII);
  }

  /** The data frames of a dnstap Frame Streams file. */
  private static List<byte[]> frames(Path file) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        FrameStreamReader r = new FrameStreamReader(in, 1 << 20)) {
      for (byte[] f; (f = r.next()) != null; ) {
        out.add(f);
      }
      assertEquals(FrameStreams.DNSTAP_CONTENT_TYPE, r.contentType().orElseThrow());
    }
    return out;
  }

  @Test
  void recordsAreInTheFileWhileTheRunGoesOnAndTheFileIsCompleteAtTheEnd() throws Exception {
    Path file = dir.resolve("errors.tap");
    buffer.offer(record(0));
    RecordFileWriter w = RecordFileWriter.start(file, buffer, handedOut);
    for (int i = 1; i < 600; i++) {
      assertTrue(buffer.offer(record(i)));
    }
    Await.until(
        () -> frames(file).size() == 600, Duration.ofSeconds(10), () -> "records flushed so far");
    assertEquals(0, buffer.size());
    buffer.offer(record(600));
    RecordFileWriter.Result r = w.finish();
    assertEquals(new RecordFileWriter.Result(file, 601, null), r);
    List<byte[]> got = frames(file);
    assertEquals(601, got.size());
    for (int i = 0; i < got.size(); i++) {
      assertArrayEquals(record(i), got.get(i));
    }
    assertEquals(601, handedOut.count());
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(
        "000000000000000400000003",
        HexFormat.of().formatHex(bytes, bytes.length - 12, bytes.length),
        "ends with STOP");
  }

  @Test
  void anEmptyRunIsAnEmptyButCompleteFile() throws Exception {
    Path file = dir.resolve("timeouts.tap");
    Files.writeString(file, "an older run");
    RecordFileWriter.Result r = RecordFileWriter.start(file, buffer, handedOut).finish();
    assertEquals(0, r.records());
    assertNull(r.trouble());
    assertEquals(List.of(), frames(file));
  }

  @Test
  void aFileThatCannotBeCreatedIsNamed() {
    Path file = dir.resolve("missing-dir/errors.tap");
    IOException e =
        assertThrows(IOException.class, () -> RecordFileWriter.start(file, buffer, handedOut));
    assertTrue(e.getMessage().startsWith("cannot write " + file + ": "), e.getMessage());
  }

  /** What was written leaves the buffer, so a small buffer carries any number of records. */
  @Test
  void writtenRecordsMakeRoomInTheBuffer() throws Exception {
    Path file = dir.resolve("errors.tap");
    RecordBuffer small = new RecordBuffer(10, 1000);
    RecordFileWriter w = RecordFileWriter.start(file, small, handedOut);
    for (int i = 0; i < 200; i++) {
      byte[] r = record(i);
      Await.until(() -> small.offer(r), Duration.ofSeconds(10), () -> "room in the buffer");
    }
    assertEquals(200, w.finish().records());
    assertEquals(200, frames(file).size());
    assertEquals(0, small.size());
    assertEquals(0, small.bytes());
  }
}
