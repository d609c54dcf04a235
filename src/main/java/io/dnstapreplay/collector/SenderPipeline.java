// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.collector;

import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.fault.RateLimitedLog;
import io.dnstapreplay.framestream.FrameStreamDecoder;
import io.dnstapreplay.framestream.FrameStreamEncoder;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.metrics.Metrics;
import io.dnstapreplay.metrics.Metrics.Refusal;
import io.dnstapreplay.metrics.Metrics.Transport;
import io.dnstapreplay.queue.PayloadQueue;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SenderPipeline sets up each accepted Frame Streams connection the same way whatever the
 * transport, so a TCP sender meets exactly the handshake, limits, backpressure and counters a Unix
 * one does. First admission, before anything is read: the peer's address must be allowed and fewer
 * than {@code maxConnections} senders may be connected over this listener; a refused connection is
 * closed, counted and logged (rate-limited, see {@link RateLimitedLog}). Then the handlers:
 * encoder, decoder, handshake, dnstap decoder, queue writer.
 *
 * <p>One instance per listener; it knows the connections it admitted, to close them at shutdown.
 */
public final class SenderPipeline extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(SenderPipeline.class);

  private final Transport transport;
  private final IpNetworks allowed;
  private final int maxConnections;
  private final int maxFrameSize;
  private final PayloadQueue<Payload> queue;
  private final Metrics metrics;
  private final DnstapDecoder dnstapDecoder;
  private final AtomicInteger open;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  // Anyone who can connect could cause refusals: at most a line a while of each kind.
  private final RateLimitedLog refusals = new RateLimitedLog(log);

  /**
   * @param transport a listener's transport
   * @param allowed peers that may connect, or null when the transport has no addresses (a Unix
   *     socket's file mode decides who connects)
   * @param maxConnections senders connected at once over this listener
   * @param maxFrameSize largest data frame accepted
   */
  public SenderPipeline(
      Transport transport,
      IpNetworks allowed,
      int maxConnections,
      int maxFrameSize,
      PayloadQueue<Payload> queue,
      Metrics metrics) {
    if (!transport.isListener()) {
      throw new IllegalArgumentException(transport + " has no connections");
    }
    this.transport = transport;
    this.allowed = allowed;
    this.maxConnections = maxConnections;
    this.maxFrameSize = maxFrameSize;
    this.queue = queue;
    this.metrics = metrics;
    this.dnstapDecoder = new DnstapDecoder(metrics);
    this.open = metrics.openConnections(transport);
  }

  @Override
  protected void initChannel(Channel ch) {
    Refusal refusal = admit(ch);
    if (refusal != null) {
      refuse(ch, refusal);
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    connections.add(ch);
    addHandlers(ch.pipeline());
  }

  /** The handlers of an admitted connection, in order. */
  private void addHandlers(ChannelPipeline p) {
    p.addLast("fstrm-encoder", FrameStreamEncoder.INSTANCE)
        .addLast("fstrm-decoder", new FrameStreamDecoder(maxFrameSize))
        .addLast("handshake", new ReceiverHandshakeHandler(metrics, transport))
        .addLast("dnstap-decoder", dnstapDecoder)
        .addLast("queue-writer", new QueueWriterHandler<>(queue, Payload.class));
  }

  /** Returns why {@code ch} is refused, or null after counting it as open. */
  private Refusal admit(Channel ch) {
    if (allowed != null
        && !(ch.remoteAddress() instanceof InetSocketAddress peer
            && allowed.containsPeer(peer.getAddress()))) {
      return Refusal.NOT_ALLOWED;
    }
    for (int n = open.get(); ; n = open.get()) {
      if (n >= maxConnections) {
        return Refusal.TOO_MANY;
      }
      if (open.compareAndSet(n, n + 1)) {
        return null;
      }
    }
  }

  private void refuse(Channel ch, Refusal refusal) {
    metrics.connectionRefused(transport, refusal);
    boolean notAllowed = refusal == Refusal.NOT_ALLOWED;
    refusals.warn(
        notAllowed ? "connections refused by --tcp-allow" : "connections over --max-connections",
        "{}: refused: {}",
        Peers.describe(ch),
        notAllowed
            ? "address not in --tcp-allow"
            : maxConnections + " senders connected already (--max-connections)");
    ch.close();
  }

  /** Senders connected now. */
  public int connections() {
    return open.get();
  }

  /** Closes every admitted connection and waits for them to close. */
  public void closeConnections() {
    connections.close().syncUninterruptibly();
  }
}
