// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dnstapreplay.collector.DnstapDecoder;
import io.dnstapreplay.collector.ReceiverHandshakeHandler;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.framestream.FrameStreamDecoder;
import io.dnstapreplay.framestream.FrameStreamEncoder;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.testing.KnotCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random input through the collector's real pipeline (Frame Streams decoder, handshake
 * handler, dnstap decoder) in an {@link EmbeddedChannel}: random bytes, mutated Knot sessions and
 * random frame sequences, each split at random points into pooled buffers. Whatever arrives, no
 * exception reaches the end of the pipeline, no buffer leaks (the leak detector fails the class),
 * the decoder never holds more than one frame, and every data frame is accounted for exactly once.
 */
class CollectorPipelineFuzzTest {
  private static final long SEED = 0x5eed_d457a9L;
  private static final int CASES = 3_000;

  /** Small, so that oversize frames are frequent and the buffering bound is tight. */
  private static final int MAX_FRAME = 300;

  /** The longest frame the decoder may have to wait for: a control frame of 512 bytes. */
  private static final int LONGEST_FRAME =
      Math.max(
          Integer.BYTES + MAX_FRAME, 2 * Integer.BYTES + FrameStreams.MAX_CONTROL_FRAME_LENGTH);

  private static final byte[] READY = hex("00000000 00000022 00000004 00000001 00000016");
  private static final byte[] START = hex("00000000 00000022 00000002 00000001 00000016");
  private static final byte[] STOP = hex("00000000 00000004 00000003");
  private static final byte[] DNSTAP =
      FrameStreams.DNSTAP_CONTENT_TYPE.getBytes(StandardCharsets.US_ASCII);
  private static final Field CUMULATION;

  static {
    try {
      CUMULATION = ByteToMessageDecoder.class.getDeclaredField("cumulation");
      CUMULATION.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Metrics metrics = new Metrics();
  private final List<byte[]> smallFrames = smallCaptureFrames();

  /** Collects what the pipeline delivers; anything but a dnstap message is a bug. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    int messages;
    final List<String> unexpected = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Payload) {
        messages++;
      } else {
        unexpected.add(msg.getClass().getName());
        ReferenceCountUtil.release(msg);
      }
    }
  }

  @Test
  void randomInputNeverEscapesLeaksOrOverBuffers() throws Exception {
    Random random = new Random(SEED);
    int closedWithError = 0;
    int delivered = 0;
    int maxBuffered = 0;
    for (int i = 0; i < CASES; i++) {
      long caseSeed = random.nextLong();
      String name = "case " + i + " (seed " + caseSeed + ")";
      Outcome o = runCase(new Random(caseSeed), name);
      closedWithError += o.errors;
      delivered += o.messages;
      maxBuffered = Math.max(maxBuffered, o.maxBuffered);
    }
    assertTrue(closedWithError > CASES / 4, "too few rejected: " + closedWithError);
    assertTrue(delivered > CASES / 4, "too few messages decoded: " + delivered);
    assertTrue(maxBuffered > MAX_FRAME, "no case came near the bound: " + maxBuffered);
  }

  private record Outcome(int errors, int messages, int maxBuffered) {}

  private Outcome runCase(Random r, String name) throws Exception {
    byte[] input = generate(r);
    double framesBefore = metrics.dataFrames.count();
    double decodeErrorsBefore = metrics.dnstapDecodeErrors.count();
    double errorsBefore = connectionErrors();
    Sink sink = new Sink();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            FrameStreamEncoder.INSTANCE,
            new FrameStreamDecoder(MAX_FRAME),
            new ReceiverHandshakeHandler(metrics, Transport.UNIX),
            new DnstapDecoder(metrics),
            sink);
    FrameStreamDecoder decoder = ch.pipeline().get(FrameStreamDecoder.class);
    int maxBuffered = 0;
    try {
      for (int at = 0; at < input.length && ch.isOpen(); ) {
        int n = Math.min(input.length - at, 1 + r.nextInt(r.nextBoolean() ? 8 : 700));
        ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer(n).writeBytes(input, at, n);
        at += n;
        ch.writeInbound(chunk);
        int buffered = buffered(decoder);
        maxBuffered = Math.max(maxBuffered, buffered);
        if (buffered >= LONGEST_FRAME) {
          fail(name + ": decoder holds " + buffered + " bytes, more than one frame");
        }
      }
      ch.close();
      ch.checkException();
    } catch (Exception | AssertionError e) {
      throw new AssertionError(name + ": " + e, e);
    } finally {
      for (Object m; (m = ch.readOutbound()) != null; ) {
        ReferenceCountUtil.release(m);
      }
      ch.finishAndReleaseAll();
    }
    double frames = metrics.dataFrames.count() - framesBefore;
    double decodeErrors = metrics.dnstapDecodeErrors.count() - decodeErrorsBefore;
    double errors = connectionErrors() - errorsBefore;
    assertEquals(List.of(), sink.unexpected, name);
    assertEquals(frames, sink.messages + decodeErrors, name + ": data frames in and out");
    assertTrue(errors <= 1, name + ": " + errors + " connection errors for one connection");
    return new Outcome((int) errors, sink.messages, maxBuffered);
  }

  private static int buffered(FrameStreamDecoder decoder) throws IllegalAccessException {
    ByteBuf cumulation = (ByteBuf) CUMULATION.get(decoder);
    return cumulation == null ? 0 : cumulation.readableBytes();
  }

  private double connectionErrors() {
    return metrics.registry().find("dnstap_replay_connection_errors").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private byte[] generate(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> randomBytes(r, r.nextInt(2_000));
      case 1 -> mutate(r, session(r));
      default -> randomFrames(r);
    };
  }

  /** A well-formed session with capture payloads that fit {@link #MAX_FRAME}. */
  private byte[] session(Random r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    control(out, READY, DNSTAP);
    control(out, START, DNSTAP);
    for (int i = r.nextInt(8); i > 0; i--) {
      data(out, smallFrames.get(r.nextInt(smallFrames.size())));
    }
    out.writeBytes(STOP);
    return out.toByteArray();
  }

  private static byte[] mutate(Random r, byte[] b) {
    byte[] out = b.clone();
    for (int i = 1 + r.nextInt(4); i > 0 && out.length > 0; i--) {
      int at = r.nextInt(out.length);
      switch (r.nextInt(4)) {
        case 0 -> out[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> out[at] = (byte) r.nextInt(256);
        case 2 -> out = java.util.Arrays.copyOf(out, at);
        default -> {
          ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).putInt(interestingLength(r));
          System.arraycopy(word.array(), 0, out, at, Math.min(Integer.BYTES, out.length - at));
        }
      }
    }
    return out;
  }

  /** A random sequence of control and data frames with lengths around every limit. */
  private byte[] randomFrames(Random r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = r.nextInt(10); i >= 0; i--) {
      switch (r.nextInt(6)) {
        case 0 -> control(out, READY, DNSTAP);
        case 1 -> control(out, START, DNSTAP);
        case 2 -> {
          ByteBuffer b = ByteBuffer.allocate(12).putInt(0).putInt(4).putInt(r.nextInt(8));
          out.writeBytes(b.array());
        }
        case 3 -> {
          int length = interestingLength(r);
          out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
          out.writeBytes(randomBytes(r, Math.min(Integer.toUnsignedLong(length), 600)));
        }
        case 4 -> data(out, smallFrames.get(r.nextInt(smallFrames.size())));
        default -> {
          out.writeBytes(ByteBuffer.allocate(8).putInt(0).putInt(interestingLength(r)).array());
          out.writeBytes(randomBytes(r, r.nextInt(600)));
        }
      }
    }
    return out.toByteArray();
  }

  private static int interestingLength(Random r) {
    int[] lengths = {0, 1, 3, 4, 5, 511, 512, 513, MAX_FRAME, MAX_FRAME + 1, 0xFFFFFFF0, -1};
    return r.nextBoolean() ? lengths[r.nextInt(lengths.length)] : r.nextInt(700);
  }

  private static void control(ByteArrayOutputStream out, byte[] head, byte[] contentType) {
    out.writeBytes(head);
    out.writeBytes(contentType);
  }

  private static void data(ByteArrayOutputStream out, byte[] payload) {
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(payload.length).array());
    out.writeBytes(payload);
  }

  private static byte[] randomBytes(Random r, long n) {
    byte[] b = new byte[(int) n];
    r.nextBytes(b);
    return b;
  }

  private static List<byte[]> smallCaptureFrames() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] f : KnotCapture.frames()) {
      if (f.length <= MAX_FRAME) {
        out.add(f);
      }
    }
    return out;
  }

  private static byte[] hex(String hex) {
    return java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
  }
}
