// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A UDP server on loopback that records each datagram and sends back whatever {@code answers}
 * returns for it (nothing, one answer, or several), for testing dnstap-inject without Knot.
 */
public final class FakeDnsServer implements AutoCloseable {
  private final DatagramSocket socket;
  private final Thread thread;
  private final List<byte[]> received = new CopyOnWriteArrayList<>();

  public FakeDnsServer(Function<byte[], List<byte[]>> answers) {
    try {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(() -> serve(answers), "fake-dns");
    thread.setDaemon(true);
    thread.start();
  }

  /** Answers every datagram with itself with QR set: a response with the query's ID. */
  public static FakeDnsServer echo() {
    return new FakeDnsServer(q -> List.of(response(q)));
  }

  /** {@code query} with the QR bit set; a datagram shorter than a header unchanged. */
  public static byte[] response(byte[] query) {
    byte[] r = query.clone();
    if (r.length > 2) {
      r[2] |= (byte) 0x80;
    }
    return r;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  public List<byte[]> received() {
    return received;
  }

  private void serve(Function<byte[], List<byte[]>> answers) {
    byte[] buffer = new byte[65_535];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(p);
        byte[] datagram = Arrays.copyOf(p.getData(), p.getLength());
        received.add(datagram);
        for (byte[] answer : answers.apply(datagram)) {
          socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        }
      } catch (IOException e) {
        if (!socket.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join();
  }
}
