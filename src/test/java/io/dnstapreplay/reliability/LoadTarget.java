// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import io.dnstapreplay.testing.UdpResponder;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * LoadTarget is the target of {@code scripts/load-buffers}: for the payloads of {@link
 * CaptureGenerator} numbered below ERRORS it answers with a mismatch as large as a UDP datagram
 * over IPv4 can be (65507 bytes), so each failure record holds that much; it drops the next
 * TIMEOUTS; it answers the rest as logged. It runs until killed.
 *
 * <pre>
 * java -cp target/test-classes:target/dnstap-replay.jar \
 *     io.dnstapreplay.reliability.LoadTarget PORT ERRORS TIMEOUTS
 * </pre>
 */
public final class LoadTarget {
  /** The largest UDP payload over IPv4. */
  static final int MAX_DATAGRAM = 65_507;

  private LoadTarget() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: LoadTarget PORT ERRORS TIMEOUTS");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int errors = Integer.parseInt(args[1]);
    int timeouts = Integer.parseInt(args[2]);
    UdpResponder.Policy policy =
        (q, reply) -> {
          int n = CaptureGenerator.payloadNumber(q.message());
          if (n < errors) {
            reply.send(UdpResponder.echoed(q.message(), MAX_DATAGRAM - q.message().length));
          } else if (n >= errors + timeouts) {
            reply.send(CaptureGenerator.loggedResponse(n));
          }
        };
    UdpResponder.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), policy);
    System.out.println("ready");
    Thread.currentThread().join();
  }
}
