// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.START_BARE;
import static io.dnstapreplay.framestream.FrameStreamFixtures.buffer;
import static io.dnstapreplay.framestream.FrameStreamFixtures.bytes;
import static io.dnstapreplay.framestream.FrameStreamFixtures.drain;
import static io.dnstapreplay.framestream.FrameStreamFixtures.hex;
import static io.dnstapreplay.framestream.FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Checks the codec on seeded random input: the decoder and the reader fail only with {@link
 * FrameStreamException} whatever the bytes, and valid streams come back as they were written.
 *
 * <p>Each property draws {@link #TRIES} cases from {@code new Random(SEED)}; a failure names the
 * case's index and its input in hex, so it can be replayed as a fixed test. Leaks are checked after
 * the class by {@code LeakDetectionExtension}.
 */
class FrameStreamPropertyTest {
  private static final long SEED = 20_260_514L;
  private static final int TRIES = 500;

  /** Small, so that generated data frames often complete. */
  private static final int SMALL_MAX_DATA_FRAME_LENGTH = 64;

  private static final int MAX_GENERATED_FRAMES = 12;
  private static final int MAX_GENERATED_DATA_LENGTH = 20;
  private static final int MAX_GENERATED_FIELDS = 2;
  private static final int MAX_GENERATED_FIELD_LENGTH = 20;
  private static final int MAX_GENERATED_CONTROL_TYPE = 6;
  private static final int MAX_RAW_LENGTH = 8;
  private static final int MAX_RANDOM_INPUT_LENGTH = 255;
  private static final int MAX_CHUNKS = 16;
  private static final int MAX_CHUNK_SIZE = 48;
  private static final int MAX_CONTENT_TYPES = 2;

  /** Two-byte UTF-8 characters included, two such content types still fit in a READY frame. */
  private static final int MAX_CONTENT_TYPE_CHARS = 100;

  private static final int MAX_PAYLOADS = 8;
  private static final int MAX_PAYLOAD_LENGTH = 300;

  /** The decoder checks everything but where a frame may appear, which is its handler's job. */
  private static final Set<Reason> DECODER_REASONS =
      EnumSet.complementOf(EnumSet.of(Reason.UNEXPECTED_FRAME));

  /** The file reader, as the original's, reads only the type of a control frame. */
  private static final Set<Reason> READER_REASONS =
      EnumSet.complementOf(EnumSet.of(Reason.MALFORMED_CONTROL_FRAME));

  @Test
  void decoderFailsOnlyWithFrameStreamExceptionOnFrameLikeInput() {
    Set<Reason> reached = EnumSet.noneOf(Reason.class);
    forAll(
        random -> new ChunkedInput(frameLikeBytes(random), chunkSizes(random)),
        input -> decodeFailingCleanly(input).ifPresent(reached::add));
    assertEquals(DECODER_REASONS, reached, "failure reasons the generated input reaches");
  }

  @Test
  void decoderFailsOnlyWithFrameStreamExceptionOnRandomInput() {
    forAll(
        random ->
            new ChunkedInput(
                randomBytes(random, random.nextInt(MAX_RANDOM_INPUT_LENGTH + 1)),
                chunkSizes(random)),
        FrameStreamPropertyTest::decodeFailingCleanly);
  }

  @Test
  void readerFailsOnlyWithFrameStreamException() {
    Set<Reason> reached = EnumSet.noneOf(Reason.class);
    forAll(
        random -> new Stream(concat(bytes(START_BARE), frameLikeBytes(random))),
        stream -> readFailingCleanly(stream).ifPresent(reached::add));
    assertEquals(READER_REASONS, reached, "failure reasons the generated input reaches");
  }

  @Test
  void validStreamsDecodeToWhatWasEncoded() {
    forAll(
        random -> ValidStream.of(contentTypes(random), payloads(random), chunkSizes(random)),
        stream -> {
          EmbeddedChannel channel =
              new EmbeddedChannel(new FrameStreamDecoder(DEFAULT_MAX_DATA_FRAME_LENGTH));
          try {
            for (byte[] chunk : split(stream.bytes(), stream.chunkSizes())) {
              channel.writeInbound(buffer(chunk));
            }
            assertEquals(stream.frames(), drain(channel));
            assertFalse(channel.finish(), "messages left after the stream");
          } finally {
            closeAndReleaseAll(channel);
          }
        });
  }

  @Test
  void readerReadsWhatTheWriterWrote() {
    forAll(
        random -> new Payloads(contentTypes(random), payloads(random)),
        written -> {
          String contentType =
              written.contentTypes().isEmpty() ? null : written.contentTypes().get(0);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          try (FrameStreamWriter writer = new FrameStreamWriter(out, contentType)) {
            for (byte[] payload : written.payloads()) {
              writer.write(payload);
            }
          }

          List<String> read = new ArrayList<>();
          try (FrameStreamReader reader =
              new FrameStreamReader(
                  new ByteArrayInputStream(out.toByteArray()), DEFAULT_MAX_DATA_FRAME_LENGTH)) {
            for (byte[] payload; (payload = reader.next()) != null; ) {
              read.add(hex(payload));
            }
            assertEquals(Optional.ofNullable(contentType), reader.contentType());
          }
          assertEquals(written.payloads().stream().map(FrameStreamFixtures::hex).toList(), read);
        });
  }

  /**
   * Runs {@code property} on {@link #TRIES} cases drawn from one {@code Random(SEED)}; the first
   * failure is rethrown with the case's index and description.
   */
  private static <T> void forAll(Function<Random, T> generator, Property<T> property) {
    Random random = new Random(SEED);
    for (int i = 0; i < TRIES; i++) {
      T example = null;
      try {
        example = generator.apply(random);
        property.check(example);
      } catch (Throwable t) {
        throw new AssertionError("case " + i + " (seed " + SEED + "): " + example, t);
      }
    }
  }

  @FunctionalInterface
  private interface Property<T> {
    void check(T example) throws Exception;
  }

  /** Bytes fed to the decoder in chunks of the given sizes, the last chunk taking the rest. */
  private record ChunkedInput(byte[] bytes, List<Integer> chunkSizes) {
    @Override
    public String toString() {
      return "input " + hex(bytes) + " in chunks of " + chunkSizes;
    }
  }

  /** Bytes given to the reader. */
  private record Stream(byte[] bytes) {
    @Override
    public String toString() {
      return "stream " + hex(bytes);
    }
  }

  /**
   * A bidirectional stream (READY, START, data, STOP) and what the decoder must emit for it:
   * control frames as they are, data frames as hex.
   */
  private record ValidStream(List<Object> frames, byte[] bytes, List<Integer> chunkSizes) {
    static ValidStream of(
        List<String> contentTypes, List<byte[]> payloads, List<Integer> chunkSizes) {
      List<Object> frames = new ArrayList<>();
      ByteBuf out = Unpooled.buffer();
      try {
        ControlFrame ready = ControlFrame.ready(contentTypes);
        ControlFrame start =
            ControlFrame.start(contentTypes.isEmpty() ? null : contentTypes.get(0));
        frames.add(ready);
        frames.add(start);
        ready.encodeTo(out);
        start.encodeTo(out);
        for (byte[] payload : payloads) {
          frames.add(hex(payload));
          FrameStreamWriter.writeDataFrame(out, payload);
        }
        ControlFrame stop = ControlFrame.stop();
        frames.add(stop);
        stop.encodeTo(out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return new ValidStream(frames, bytes, chunkSizes);
      } finally {
        out.release();
      }
    }

    @Override
    public String toString() {
      return "stream " + hex(bytes) + " in chunks of " + chunkSizes;
    }
  }

  /** What a writer is given: its content type is the first of {@code contentTypes}, if any. */
  private record Payloads(List<String> contentTypes, List<byte[]> payloads) {
    @Override
    public String toString() {
      return "content types (UTF-8) "
          + contentTypes.stream().map(type -> hex(type.getBytes(StandardCharsets.UTF_8))).toList()
          + " payloads "
          + payloads.stream().map(FrameStreamFixtures::hex).toList();
    }
  }

  /**
   * Feeds the input in chunks: the decoder may throw only {@link FrameStreamException} (as is, or
   * wrapped by Netty), at most once, and emits nothing after it has thrown. Returns why it failed,
   * if it did.
   */
  private static Optional<Reason> decodeFailingCleanly(ChunkedInput input) {
    EmbeddedChannel channel =
        new EmbeddedChannel(new FrameStreamDecoder(SMALL_MAX_DATA_FRAME_LENGTH));
    Reason failure = null;
    try {
      for (byte[] chunk : split(input.bytes(), input.chunkSizes())) {
        Reason failedBefore = failure;
        try {
          channel.writeInbound(buffer(chunk));
        } catch (RuntimeException e) {
          assertNull(failedBefore, "threw again after failing");
          failure = reasonOf(e);
        }
        List<Object> emitted = drain(channel);
        if (failedBefore != null) {
          assertEquals(List.of(), emitted, "emitted after failing");
        }
      }
      try {
        channel.finish();
      } catch (RuntimeException e) {
        assertNull(failure, "threw again after failing");
        failure = reasonOf(e);
      }
      return Optional.ofNullable(failure);
    } finally {
      closeAndReleaseAll(channel);
    }
  }

  /**
   * Reads the stream to its end or its first error, which must be a {@link FrameStreamException}.
   */
  private static Optional<Reason> readFailingCleanly(Stream stream) throws IOException {
    try (FrameStreamReader reader =
        new FrameStreamReader(
            new ByteArrayInputStream(stream.bytes()), SMALL_MAX_DATA_FRAME_LENGTH)) {
      while (reader.next() != null) {
        // read to the end or the error
      }
      return Optional.empty();
    } catch (FrameStreamException e) {
      return Optional.of(e.reason());
    }
  }

  /** Unlike {@code finishAndReleaseAll()}, never throws: the cleanup must not mask a failure. */
  private static void closeAndReleaseAll(EmbeddedChannel channel) {
    channel.close();
    channel.releaseInbound();
    channel.releaseOutbound();
  }

  private static Reason reasonOf(RuntimeException e) {
    Throwable cause =
        e instanceof DecoderException && !(e instanceof FrameStreamException) ? e.getCause() : e;
    if (cause instanceof FrameStreamException frameStreamException) {
      return frameStreamException.reason();
    }
    return fail("unexpected exception", e);
  }

  /**
   * Sequences of data frames, control frames (any type 0..6, fields of type 0..2) and raw bytes,
   * where one length in ten is off by one: mostly well framed, so that every check is reached.
   */
  private static byte[] frameLikeBytes(Random random) {
    int count = random.nextInt(MAX_GENERATED_FRAMES + 1);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(9);
      frames.add(
          kind < 4
              ? dataFrame(random)
              : kind < 8
                  ? controlFrame(random)
                  : randomBytes(random, random.nextInt(MAX_RAW_LENGTH + 1)));
    }
    return concat(frames.toArray(byte[][]::new));
  }

  private static byte[] dataFrame(Random random) {
    byte[] payload = randomBytes(random, 1 + random.nextInt(MAX_GENERATED_DATA_LENGTH));
    return concat(word(payload.length + lengthError(random)), payload);
  }

  private static byte[] controlFrame(Random random) {
    int type = random.nextInt(MAX_GENERATED_CONTROL_TYPE + 1);
    int fieldCount = random.nextInt(MAX_GENERATED_FIELDS + 1);
    List<byte[]> parts = new ArrayList<>(List.of(word(type)));
    for (int i = 0; i < fieldCount; i++) {
      parts.add(field(random));
    }
    byte[] payload = concat(parts.toArray(byte[][]::new));
    return concat(word(FrameStreams.ESCAPE), word(payload.length + lengthError(random)), payload);
  }

  /** A field of type 1 (content type) eight times in ten, else of the undefined type 0 or 2. */
  private static byte[] field(Random random) {
    int roll = random.nextInt(10);
    int type = roll < 8 ? FrameStreams.FIELD_CONTENT_TYPE : roll == 8 ? 0 : 2;
    byte[] ascii = new byte[random.nextInt(MAX_GENERATED_FIELD_LENGTH + 1)];
    for (int i = 0; i < ascii.length; i++) {
      ascii[i] = (byte) random.nextInt(0x80);
    }
    return concat(word(type), word(ascii.length), ascii);
  }

  /** 0 eight times in ten, else -1 or +1. */
  private static int lengthError(Random random) {
    int roll = random.nextInt(10);
    return roll < 8 ? 0 : roll == 8 ? -1 : 1;
  }

  private static List<Integer> chunkSizes(Random random) {
    int count = random.nextInt(MAX_CHUNKS + 1);
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sizes.add(random.nextInt(MAX_CHUNK_SIZE + 1));
    }
    return sizes;
  }

  /** Up to two content types, half their characters printable ASCII, half two-byte UTF-8. */
  private static List<String> contentTypes(Random random) {
    int count = random.nextInt(MAX_CONTENT_TYPES + 1);
    List<String> contentTypes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder contentType = new StringBuilder();
      int length = random.nextInt(MAX_CONTENT_TYPE_CHARS + 1);
      for (int c = 0; c < length; c++) {
        contentType.append(
            random.nextBoolean()
                ? (char) (' ' + random.nextInt('~' - ' ' + 1))
                : (char) ('\u00a0' + random.nextInt('\u07ff' - '\u00a0' + 1)));
      }
      contentTypes.add(contentType.toString());
    }
    return contentTypes;
  }

  private static List<byte[]> payloads(Random random) {
    int count = random.nextInt(MAX_PAYLOADS + 1);
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      payloads.add(randomBytes(random, 1 + random.nextInt(MAX_PAYLOAD_LENGTH)));
    }
    return payloads;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Splits by the given chunk sizes; the last chunk takes the rest. */
  private static List<byte[]> split(byte[] input, List<Integer> chunkSizes) {
    List<byte[]> chunks = new ArrayList<>();
    int offset = 0;
    for (int size : chunkSizes) {
      int end = Math.min(input.length, offset + size);
      chunks.add(Arrays.copyOfRange(input, offset, end));
      offset = end;
    }
    chunks.add(Arrays.copyOfRange(input, offset, input.length));
    return chunks;
  }

  private static byte[] word(int value) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
