// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.replay.QueryKey;
import io.dnstapreplay.testing.DaemonRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real Knot capture of testdata/, as raw data frames for senders and as the source's logged
 * answers for an {@link UdpResponder} that plays a target identical to the source.
 */
final class KnotCapture {
  static final int FRAMES = 331;
  static final int UDP = 276;
  static final int TCP = 55;

  private static List<byte[]> frames;

  private KnotCapture() {}

  /** Every data frame of the capture, in file order. */
  static synchronized List<byte[]> frames() {
    if (frames == null) {
      try (InputStream in = Files.newInputStream(DaemonRunner.knotCapture());
          FrameStreamReader r =
              new FrameStreamReader(in, FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
        List<byte[]> all = new ArrayList<>();
        for (byte[] f; (f = r.next()) != null; ) {
          all.add(f);
        }
        frames = List.copyOf(all);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return frames;
  }

  /**
   * The UDP frames whose queries differ in ID or question from every other's: the capture repeats
   * some queries byte for byte, and those are indistinguishable on the wire.
   */
  static List<byte[]> framesWithDistinctQueries() {
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
  static List<Integer> udpFrameIndexes() {
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
  static Map<String, byte[]> responses() {
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

  /** Names a client as the PROXY v2 header and dnstap both can: hex address and port. */
  static String client(byte[] address, int port) {
    return HexFormat.of().formatHex(address) + "." + port;
  }

  /** The lookup key of a query from {@code client} (null: unknown client). */
  static String key(String client, byte[] query) {
    return client + "/" + HexFormat.of().formatHex(query);
  }

  static Dnstap parse(byte[] frame) {
    try {
      return Dnstap.parseFrom(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
