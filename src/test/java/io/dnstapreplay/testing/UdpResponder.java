// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.dnstapreplay.proxyv2.ProxyV2Header;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UdpResponder is the one fake DNS server of the tests: a UDP socket on loopback whose every answer
 * the test decides, for what a real server cannot do on demand: answer as logged, echo, answer
 * garbage, short, twice, late, from the wrong port, near 64 KiB, or drop everything. It removes a
 * PROXY v2 header as a target configured for it would, keeps every datagram it received, and counts
 * the queries waiting for an answer.
 */
public final class UdpResponder implements AutoCloseable {
  private static final int MAX_DATAGRAM = 65_535;
  private static final int BUFFER_BYTES = 4 << 20;
  private static final byte[] PROXY_SIGNATURE = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a");
  private static final int QR_BIT = 0x80;
  private static final int RA_BIT = 0x80;
  private static final byte PADDING = 0x5a;

  /** What the responder does with one query. */
  @FunctionalInterface
  public interface Policy {
    void answer(Query query, Reply reply);
  }

  /**
   * A received query.
   *
   * @param message the DNS message, without the PROXY v2 header if there was one
   * @param client the PROXY v2 header's source as {@link KnotCapture#client}, or null
   */
  public record Query(byte[] message, String client) {}

  /** The ways to answer the query at hand; each may be used any number of times. */
  public interface Reply {
    /** Sends from the target's own address, as a real server would. */
    void send(byte[] response);

    /** Sends from another port of the same address, which a connected client must not accept. */
    void sendFromOtherPort(byte[] response);

    /** Sends from the target's address after {@code millis}. */
    void sendAfter(byte[] response, long millis);
  }

  private final DatagramChannel channel;
  private final DatagramChannel otherPort;
  private final ScheduledExecutorService later;
  private final Thread thread;
  private final Policy policy;
  private final List<byte[]> received = new ArrayList<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger maxOutstanding = new AtomicInteger();

  private UdpResponder(DatagramChannel channel, Policy policy) throws IOException {
    this.channel = channel;
    this.policy = policy;
    InetAddress local = ((InetSocketAddress) channel.getLocalAddress()).getAddress();
    this.otherPort = DatagramChannel.open().bind(new InetSocketAddress(local, 0));
    this.later = Executors.newSingleThreadScheduledExecutor();
    this.thread = new Thread(this::serve, "udp-responder");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts on a free port of 127.0.0.1. */
  public static UdpResponder start(Policy policy) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), policy);
  }

  /**
   * Binds {@code address}: {@code ::1} for an IPv6 target, or the port of a responder closed
   * earlier to play a restart.
   */
  public static UdpResponder start(InetSocketAddress address, Policy policy) {
    try {
      DatagramChannel ch = DatagramChannel.open();
      try {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES);
        ch.bind(address);
        return new UdpResponder(ch, policy);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Answers each query with the response the source logged for it (see {@link
   * KnotCapture#responses}); drops unknown queries.
   */
  public static Policy logged(Map<String, byte[]> responses) {
    return (query, reply) -> {
      byte[] r = responses.get(KnotCapture.key(query.client(), query.message()));
      if (r != null) {
        reply.send(r);
      }
    };
  }

  /** Drops everything: every query times out. */
  public static Policy silent() {
    return (query, reply) -> {};
  }

  /** Answers each query with {@link #echoed echoed(query, 0)}. */
  public static Policy echo() {
    return echo(0);
  }

  /** Answers each query with {@link #echoed}. */
  public static Policy echo(int padding) {
    return (query, reply) -> reply.send(echoed(query.message(), padding));
  }

  /**
   * The query with QR set: a response with its ID and question, followed by {@code padding} bytes,
   * so responses of any size can be made. A datagram shorter than the flags is left as it is.
   */
  public static byte[] echoed(byte[] query, int padding) {
    byte[] r = Arrays.copyOf(query, query.length + padding);
    if (query.length > 2) {
      r[2] |= (byte) QR_BIT;
    }
    Arrays.fill(r, query.length, r.length, PADDING);
    return r;
  }

  /**
   * A copy of {@code response} with "recursion available" flipped: a mismatch that still answers
   * its query, having the same ID and question.
   */
  public static byte[] mismatching(byte[] response) {
    byte[] r = response.clone();
    r[3] ^= (byte) RA_BIT;
    return r;
  }

  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every datagram received so far, PROXY v2 header included, in arrival order. */
  public List<byte[]> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** How many datagrams were received so far. */
  public int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }

  /** The most queries received and not yet answered at any moment. */
  public int maxOutstanding() {
    return maxOutstanding.get();
  }

  private void serve() {
    ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM + 1);
    try {
      while (true) {
        buf.clear();
        SocketAddress client = channel.receive(buf);
        byte[] datagram = Arrays.copyOf(buf.array(), buf.position());
        synchronized (received) {
          received.add(datagram);
        }
        maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
        policy.answer(parse(datagram), new ReplyTo(client));
      }
    } catch (ClosedChannelException e) {
      // closed by the test
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a PROXY v2 header and reads its source, as a target configured to accept it would. */
  private static Query parse(byte[] datagram) {
    if (datagram.length < ProxyV2Header.FIXED_PART_LENGTH
        || !Arrays.equals(
            datagram,
            0,
            ProxyV2Header.SIGNATURE_LENGTH,
            PROXY_SIGNATURE,
            0,
            ProxyV2Header.SIGNATURE_LENGTH)) {
      return new Query(datagram, null);
    }
    ByteBuffer b = ByteBuffer.wrap(datagram, ProxyV2Header.SIGNATURE_LENGTH + 1, 3);
    int addressLength =
        b.get() == ProxyV2Header.UDP_OVER_IPV4
            ? ProxyV2Header.IPV4_ADDRESS_LENGTH
            : ProxyV2Header.IPV6_ADDRESS_LENGTH;
    int rest = b.getShort() & 0xffff;
    int at = ProxyV2Header.FIXED_PART_LENGTH;
    byte[] address = Arrays.copyOfRange(datagram, at, at + addressLength);
    int port = ByteBuffer.wrap(datagram, at + 2 * addressLength, 2).getShort() & 0xffff;
    return new Query(
        Arrays.copyOfRange(datagram, ProxyV2Header.FIXED_PART_LENGTH + rest, datagram.length),
        KnotCapture.client(address, port));
  }

  private final class ReplyTo implements Reply {
    private final SocketAddress client;

    ReplyTo(SocketAddress client) {
      this.client = client;
    }

    @Override
    public void send(byte[] response) {
      sendOn(channel, response);
    }

    @Override
    public void sendFromOtherPort(byte[] response) {
      sendOn(otherPort, response);
    }

    @Override
    public void sendAfter(byte[] response, long millis) {
      later.schedule(() -> sendOn(channel, response), millis, TimeUnit.MILLISECONDS);
    }

    private void sendOn(DatagramChannel ch, byte[] response) {
      outstanding.decrementAndGet();
      try {
        ch.send(ByteBuffer.wrap(response), client);
      } catch (ClosedChannelException e) {
        // the responder was stopped, as a crashed server would be
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    later.shutdownNow();
    try {
      channel.close();
      otherPort.close();
      thread.join(5_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
