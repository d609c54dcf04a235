// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.replay.QueryKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real Knot capture in testdata/ (see testdata/README.md), the one place tests get it from: as
 * a file, as bytes, as data frames, and as the source's logged answers for a target that answers
 * like the source.
 */
public final class KnotCapture {
  public static final int FRAMES = 331;
  public static final int UDP = 276;
  public static final int TCP = 55;

  private static List<byte[]> frames;

  private KnotCapture() {}

  /** The capture file; tests run from the repository root. */
  public static Path path() {
    Path p = Path.of("testdata", "knot-auth-responses.tap");
    if (!Files.exists(p)) {
      throw new AssertionError("run tests from the repository root: " + p.toAbsolutePath());
    }
    return p;
  }

  /** The whole file. */
  public static byte[] bytes() {
    try {
      return Files.readAllBytes(path());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every data frame of the capture, in file order. */
  public static synchronized List<byte[]> frames() {
    if (frames == null) {
      try {
        frames = List.copyOf(readFrames(path()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return frames;
  }

  /** The data frames of any Frame Streams file, in file order. */
  public static List<byte[]> readFrames(Path file) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        FrameStreamReader r =
            new FrameStreamReader(in, FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      for (byte[] f; (f = r.next()) != null; ) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The UDP frames whose queries differ in ID or question from every other's: the capture repeats
   * some queries byte for byte, and those are indistinguishable on the wire.
   */
  public static List<byte[]> framesWithDistinctQueries() {
    Set<QueryKey> seen = new HashSet<>();
    List<byte[]> out = new ArrayList<>();
    for (int i : udpFrameIndexes()) {
      byte[] f = frames().get(i);
      if (seen.add(QueryKey.of(parse(f).getMessage().getQueryMessage().toByteArray()))) {
        out.add(f);
      }
    }
    return out;
  }

  /** Indexes of the frames whose payloads are replayed (UDP AUTH_RESPONSE). */
  public static List<Integer> udpFrameIndexes() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < frames().size(); i++) {
      if (parse(frames().get(i)).getMessage().getSocketProtocol() == SocketProtocol.UDP) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * The logged response of each UDP payload, under {@link #key} with and without its client. The
   * source answers {@code whoami.test.} with the client's address, so only a replay that carries
   * the client (with {@code --proxy}) gets every answer right; without it 2 of those differ.
   */
  public static Map<String, byte[]> responses() {
    Map<String, byte[]> out = new HashMap<>();
    for (byte[] f : frames()) {
      Message m = parse(f).getMessage();
      if (m.getSocketProtocol() == SocketProtocol.UDP) {
        byte[] query = m.getQueryMessage().toByteArray();
        byte[] response = m.getResponseMessage().toByteArray();
        out.put(key(null, query), response);
        out.put(key(client(m.getQueryAddress().toByteArray(), m.getQueryPort()), query), response);
      }
    }
    return out;
  }

  /**
   * The UDP payloads the source logged over IPv6 (from ::1): those a replay with a {@code --dns}
   * per address family sends to the IPv6 one.
   */
  public static long udpLoggedOverIpv6() {
    return frames().stream()
        .map(f -> parse(f).getMessage())
        .filter(m -> m.getSocketProtocol() == SocketProtocol.UDP)
        .filter(m -> m.getSocketFamily() == SocketFamily.INET6)
        .count();
  }

  /** Names a client as the PROXY v2 header and dnstap both can: hex address and port. */
  public static String client(byte[] address, int port) {
    return HexFormat.of().formatHex(address) + "." + port;
  }

  /** The lookup key of a query from {@code client} (null: unknown client). */
  public static String key(String client, byte[] query) {
    return client + "/" + HexFormat.of().formatHex(query);
  }

  public static Dnstap parse(byte[] frame) {
    try {
      return Dnstap.parseFrom(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
