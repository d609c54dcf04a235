// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.proxyv2.ProxyV2Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.NetUtil;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/**
 * Sends the logged queries of dnstap messages to a nameserver over UDP, one at a time, and waits
 * for each answer: a tool for putting a capture's traffic onto a test server, not for replaying at
 * speed (that is the daemon's job).
 *
 * <p>An answer is recognised by the query's DNS ID, so a late answer to an earlier query that timed
 * out is not taken for the answer to the current one.
 */
public final class QueryInjector implements Closeable {
  /** Largest UDP payload. */
  static final int RECEIVE_BUFFER_SIZE = 65_535;

  private static final int DNS_ID_LENGTH = 2;
  private static final long MAX_PORT = ProxyV2Header.MAX_PORT;

  /** What happened to one message. */
  public enum Outcome {
    ANSWERED,
    TIMED_OUT,
    /** The target's host answered with ICMP port unreachable. */
    REFUSED,
    /** No {@code query_message}, or no {@code query_address} of 4 or 16 bytes: nothing sent. */
    SKIPPED_NO_QUERY,
    /** With PROXY v2 the header needs the client's port (0..65535): nothing sent. */
    SKIPPED_NO_QUERY_PORT
  }

  /**
   * The outcome for one message, and the answer's bytes when it was answered.
   *
   * @param answer the datagram the target sent, or null
   */
  public record Result(Outcome outcome, byte[] answer) {}

  private final String target;
  private final DatagramChannel channel;
  private final Selector selector;
  private final boolean proxy;
  private final long timeoutNanos;
  private final ByteBuffer received = ByteBuffer.allocate(RECEIVE_BUFFER_SIZE);

  /**
   * Opens a UDP socket connected to {@code target}.
   *
   * @param proxy whether to put the PROXY v2 header the daemon sends before each query
   * @throws IOException whose message names the target
   */
  public QueryInjector(InetSocketAddress target, boolean proxy, Duration timeout)
      throws IOException {
    this.target = NetUtil.toSocketAddressString(target);
    this.proxy = proxy;
    this.timeoutNanos = timeout.toNanos();
    try {
      this.channel = DatagramChannel.open();
    } catch (IOException e) {
      throw named(e);
    }
    try {
      channel.connect(target);
      channel.configureBlocking(false);
      this.selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException e) {
      channel.close();
      throw named(e);
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Sends the query of {@code m}, if it has one to send, and waits for its answer.
   *
   * @throws IOException whose message names the target, if the socket fails
   */
  public Result inject(DnstapProto.Message m) throws IOException {
    int addressLength = m.getQueryAddress().size();
    if (!m.hasQueryMessage()
        || !m.hasQueryAddress()
        || (addressLength != ProxyV2Header.IPV4_ADDRESS_LENGTH
            && addressLength != ProxyV2Header.IPV6_ADDRESS_LENGTH)) {
      return new Result(Outcome.SKIPPED_NO_QUERY, null);
    }
    if (proxy && (!m.hasQueryPort() || Integer.toUnsignedLong(m.getQueryPort()) > MAX_PORT)) {
      return new Result(Outcome.SKIPPED_NO_QUERY_PORT, null);
    }
    byte[] query = m.getQueryMessage().toByteArray();
    try {
      send(m, query);
      return awaitAnswer(query);
    } catch (PortUnreachableException e) {
      return new Result(Outcome.REFUSED, null);
    } catch (IOException e) {
      throw named(e);
    }
  }

  private void send(DnstapProto.Message m, byte[] query) throws IOException {
    ByteBuf datagram = Unpooled.buffer();
    try {
      if (proxy) {
        ProxyV2Header.encode(datagram, m.getQueryAddress().toByteArray(), m.getQueryPort(), null);
      }
      datagram.writeBytes(query);
      channel.write(datagram.nioBuffer());
    } finally {
      datagram.release();
    }
  }

  private Result awaitAnswer(byte[] query) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    for (long left = timeoutNanos; left > 0; left = deadline - System.nanoTime()) {
      selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
      selector.selectedKeys().clear();
      for (received.clear(); channel.read(received) > 0; received.clear()) {
        byte[] answer = new byte[received.position()];
        received.flip().get(answer);
        if (sameId(query, answer)) {
          return new Result(Outcome.ANSWERED, answer);
        }
      }
    }
    return new Result(Outcome.TIMED_OUT, null);
  }

  private static boolean sameId(byte[] query, byte[] answer) {
    return query.length < DNS_ID_LENGTH
        || (answer.length >= DNS_ID_LENGTH && answer[0] == query[0] && answer[1] == query[1]);
  }

  private IOException named(IOException e) {
    return new IOException("cannot query " + target + ": " + e.getMessage(), e);
  }

  @Override
  public void close() throws IOException {
    try (channel) {
      selector.close();
    }
  }
}
