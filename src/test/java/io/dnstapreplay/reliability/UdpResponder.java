// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import io.dnstapreplay.proxyv2.ProxyV2Header;
import io.dnstapreplay.testing.KnotCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UdpResponder is a DNS target on 127.0.0.1 whose every answer the test decides: the logged one,
 * none, a broken one, one from the wrong port, one after a delay. Knot cannot misbehave on demand;
 * this can, and it counts what it saw.
 */
final class UdpResponder implements AutoCloseable {
  private static final int MAX_DATAGRAM = 65_535;
  private static final int BUFFER_BYTES = 4 << 20;
  private static final byte[] PROXY_SIGNATURE = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a");

  /** What the responder does with one query. */
  @FunctionalInterface
  interface Policy {
    void answer(Query query, Reply reply);
  }

  /**
   * A received query.
   *
   * @param message the DNS message, without the PROXY v2 header if there was one
   * @param client the PROXY v2 header's source as {@link KnotCapture#client}, or null
   */
  record Query(byte[] message, String client) {}

  /** The ways to answer the query at hand. */
  interface Reply {
    /** Sends from the target's own address, as a real server would. */
    void send(byte[] response);

    /** Sends from another port of 127.0.0.1, which a connected client socket must not accept. */
    void sendFromOtherPort(byte[] response);

    /** Sends from the target's address after {@code millis}. */
    void sendAfter(byte[] response, long millis);
  }

  private final DatagramChannel channel;
  private final DatagramChannel otherPort;
  private final ScheduledExecutorService later;
  private final Thread thread;
  private final Policy policy;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger maxOutstanding = new AtomicInteger();

  private UdpResponder(DatagramChannel channel, Policy policy) throws IOException {
    this.channel = channel;
    this.policy = policy;
    this.otherPort = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    this.later = Executors.newSingleThreadScheduledExecutor();
    this.thread = new Thread(this::serve, "udp-responder");
    thread.setDaemon(true);
    thread.start();
  }

  static UdpResponder start(Policy policy) {
    return start(new InetSocketAddress("127.0.0.1", 0), policy);
  }

  /** Binds {@code address}, e.g. the port of a responder closed earlier, to play a restart. */
  static UdpResponder start(InetSocketAddress address, Policy policy) {
    try {
      DatagramChannel ch = DatagramChannel.open();
      ch.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES);
      ch.bind(address);
      return new UdpResponder(ch, policy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Answers each query with the response the source logged for it (see {@link
   * KnotCapture#responses}); drops unknown queries.
   */
  static Policy logged(Map<String, byte[]> responses) {
    return (query, reply) -> {
      byte[] r = responses.get(KnotCapture.key(query.client(), query.message()));
      if (r != null) {
        reply.send(r);
      }
    };
  }

  static Policy silent() {
    return (query, reply) -> {};
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Queries received so far. */
  int received() {
    return received.get();
  }

  /** The most queries received and not yet answered at any moment. */
  int maxOutstanding() {
    return maxOutstanding.get();
  }

  private void serve() {
    ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM + 1);
    try {
      while (true) {
        buf.clear();
        SocketAddress client = channel.receive(buf);
        buf.flip();
        Query query = parse(Arrays.copyOf(buf.array(), buf.limit()));
        received.incrementAndGet();
        maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
        policy.answer(query, new ReplyTo(client));
      }
    } catch (ClosedChannelException e) {
      // closed by the test
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a PROXY v2 header and reads its source, as a target configured to accept it would. */
  static Query parse(byte[] datagram) {
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
