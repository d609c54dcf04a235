// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreamFixtures.buffer;
import static io.dnstapreplay.framestream.FrameStreamFixtures.drain;
import static io.dnstapreplay.framestream.FrameStreamFixtures.hex;
import static io.dnstapreplay.framestream.FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Leaks are checked after the class by {@code LeakDetectionExtension}. */
class FrameStreamPropertyTest {
  /** Small, so that generated data frames often complete. */
  private static final int SMALL_MAX_DATA_FRAME_LENGTH = 64;

  @Property(tries = 500)
  void decoderFailsOnlyWithFrameStreamExceptionOnFrameLikeInput(
      @ForAll("frameLikeBytes") byte[] input, @ForAll("chunkSizes") List<Integer> chunkSizes) {
    assertDecoderFailsCleanly(input, chunkSizes);
  }

  @Property(tries = 200)
  void decoderFailsOnlyWithFrameStreamExceptionOnRandomInput(
      @ForAll byte[] input, @ForAll("chunkSizes") List<Integer> chunkSizes) {
    assertDecoderFailsCleanly(input, chunkSizes);
  }

  @Property(tries = 300)
  void readerFailsOnlyWithFrameStreamException(@ForAll("frameLikeBytes") byte[] input)
      throws IOException {
    byte[] stream = concat(FrameStreamFixtures.bytes(FrameStreamFixtures.START_BARE), input);
    try (FrameStreamReader reader =
        new FrameStreamReader(new ByteArrayInputStream(stream), SMALL_MAX_DATA_FRAME_LENGTH)) {
      while (reader.next() != null) {
        // read to the end or the error
      }
    } catch (FrameStreamException expected) {
      // the only failure allowed
    }
  }

  @Property(tries = 300)
  void validStreamsDecodeToWhatWasEncoded(
      @ForAll("contentTypeLists") List<String> contentTypes,
      @ForAll("payloadLists") List<byte[]> payloads,
      @ForAll("chunkSizes") List<Integer> chunkSizes) {
    List<Object> expected = new ArrayList<>();
    expected.add(ControlFrame.ready(contentTypes));
    expected.add(ControlFrame.start(contentTypes.isEmpty() ? null : contentTypes.get(0)));
    payloads.forEach(payload -> expected.add(hex(payload)));
    expected.add(ControlFrame.stop());
    byte[] stream = encode(expected, payloads);

    EmbeddedChannel channel =
        new EmbeddedChannel(new FrameStreamDecoder(DEFAULT_MAX_DATA_FRAME_LENGTH));
    for (byte[] chunk : split(stream, chunkSizes)) {
      channel.writeInbound(buffer(chunk));
    }

    assertEquals(expected, drain(channel));
    assertFalse(channel.finishAndReleaseAll());
  }

  @Property(tries = 300)
  void readerReadsWhatTheWriterWrote(
      @ForAll("contentTypeLists") List<String> contentTypes,
      @ForAll("payloadLists") List<byte[]> payloads)
      throws IOException {
    String contentType = contentTypes.isEmpty() ? null : contentTypes.get(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FrameStreamWriter writer = new FrameStreamWriter(out, contentType)) {
      for (byte[] payload : payloads) {
        writer.write(payload);
      }
    }

    List<String> read = new ArrayList<>();
    try (FrameStreamReader reader =
        new FrameStreamReader(
            new ByteArrayInputStream(out.toByteArray()), DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      assertEquals(contentTypes.stream().findFirst(), reader.contentType());
      for (byte[] payload; (payload = reader.next()) != null; ) {
        read.add(hex(payload));
      }
    }
    assertEquals(payloads.stream().map(FrameStreamFixtures::hex).toList(), read);
  }

  /**
   * Sequences of data frames, control frames (any type 0..6, fields of type 0..2) and raw bytes,
   * where one length in ten is off by one: mostly well framed, so that every check is reached.
   */
  @Provide
  Arbitrary<byte[]> frameLikeBytes() {
    Arbitrary<Integer> lengthError =
        Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, -1), Tuple.of(1, 1));
    Arbitrary<byte[]> dataFrames =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20), lengthError)
            .as((payload, error) -> concat(word(payload.length + error), payload));
    Arbitrary<byte[]> fields =
        Combinators.combine(
                Arbitraries.frequency(Tuple.of(8, 1), Tuple.of(1, 0), Tuple.of(1, 2)),
                Arbitraries.strings().ascii().ofMaxLength(20))
            .as(
                (type, text) -> {
                  byte[] contentType = text.getBytes(StandardCharsets.US_ASCII);
                  return concat(word(type), word(contentType.length), contentType);
                });
    Arbitrary<byte[]> controlFrames =
        Combinators.combine(
                Arbitraries.integers().between(0, 6), fields.list().ofMaxSize(2), lengthError)
            .as(
                (type, fieldList, error) -> {
                  byte[] payload = concat(word(type), concat(fieldList.toArray(byte[][]::new)));
                  return concat(word(FrameStreams.ESCAPE), word(payload.length + error), payload);
                });
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
    return Arbitraries.frequencyOf(
            Tuple.of(4, dataFrames), Tuple.of(4, controlFrames), Tuple.of(1, raw))
        .list()
        .ofMaxSize(12)
        .map(frames -> concat(frames.toArray(byte[][]::new)));
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(0, 48).list().ofMaxSize(16);
  }

  /** Up to two content types, multi-byte UTF-8 included, that fit in a READY frame. */
  @Provide
  Arbitrary<List<String>> contentTypeLists() {
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .withCharRange('\u00a0', '\u07ff')
        .ofMaxLength(100)
        .list()
        .ofMaxSize(2);
  }

  @Provide
  Arbitrary<List<byte[]>> payloadLists() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300).list().ofMaxSize(8);
  }

  /**
   * Feeds {@code input} in chunks: the decoder may throw only {@link FrameStreamException} (as is,
   * or wrapped by Netty), at most once, and emits nothing after it has thrown.
   */
  private static void assertDecoderFailsCleanly(byte[] input, List<Integer> chunkSizes) {
    EmbeddedChannel channel =
        new EmbeddedChannel(new FrameStreamDecoder(SMALL_MAX_DATA_FRAME_LENGTH));
    boolean failed = false;
    for (byte[] chunk : split(input, chunkSizes)) {
      boolean failedBefore = failed;
      try {
        channel.writeInbound(buffer(chunk));
      } catch (Throwable t) {
        assertFalse(failedBefore, "threw again after failing");
        assertIsFrameStreamException(t);
        failed = true;
      }
      List<Object> emitted = drain(channel);
      if (failedBefore) {
        assertEquals(List.of(), emitted);
      }
    }
    try {
      channel.finish();
    } catch (Throwable t) {
      assertFalse(failed, "threw again after failing");
      assertIsFrameStreamException(t);
    }
    drain(channel);
    channel.finishAndReleaseAll();
  }

  private static void assertIsFrameStreamException(Throwable t) {
    Throwable cause =
        t instanceof DecoderException && !(t instanceof FrameStreamException) ? t.getCause() : t;
    assertInstanceOf(FrameStreamException.class, cause, () -> "unexpected " + t);
  }

  private static byte[] encode(List<Object> frames, List<byte[]> payloads) {
    ByteBuf out = Unpooled.buffer();
    try {
      int payload = 0;
      for (Object frame : frames) {
        if (frame instanceof ControlFrame control) {
          control.encodeTo(out);
        } else {
          FrameStreamWriter.writeDataFrame(out, payloads.get(payload++));
        }
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
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
