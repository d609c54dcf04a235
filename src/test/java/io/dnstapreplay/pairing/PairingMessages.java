// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.testing.TestMessage;

/**
 * Split query and response messages as BIND, NSD, Unbound and dnsdist log them: a client (port, DNS
 * ID, name) and a dnstap time in microseconds, nothing else that a test does not change.
 */
final class PairingMessages {
  static final byte[] CLIENT = {(byte) 192, 0, 2, 7};

  private PairingMessages() {}

  /** A DNS query with ID {@code id} for {@code name}. */
  static byte[] queryBytes(int id, String name) {
    TestMessage q = new TestMessage();
    q.id = id;
    q.flags = 0;
    q.qname = name;
    return q.wire();
  }

  static byte[] responseBytes(int id, String name) {
    TestMessage r = TestMessage.www();
    r.id = id;
    r.qname = name;
    return r.wire();
  }

  static Message.Builder base(Message.Type type, int port) {
    return Message.newBuilder()
        .setType(type)
        .setSocketFamily(SocketFamily.INET)
        .setSocketProtocol(SocketProtocol.UDP)
        .setQueryAddress(ByteString.copyFrom(CLIENT))
        .setQueryPort(port);
  }

  static Dnstap query(Message.Type type, int port, int id, String name, long micros) {
    return wrap(
        base(type, port)
            .setQueryTimeSec(micros / 1_000_000)
            .setQueryTimeNsec((int) (micros % 1_000_000) * 1000)
            .setQueryMessage(ByteString.copyFrom(queryBytes(id, name))));
  }

  static Dnstap query(int port, int id, long micros) {
    return query(Message.Type.AUTH_QUERY, port, id, "www.example.test", micros);
  }

  static Dnstap response(Message.Type type, int port, int id, String name, long micros) {
    return wrap(
        base(type, port)
            .setResponseTimeSec(micros / 1_000_000)
            .setResponseTimeNsec((int) (micros % 1_000_000) * 1000)
            .setResponseMessage(ByteString.copyFrom(responseBytes(id, name))));
  }

  static Dnstap response(int port, int id, long micros) {
    return response(Message.Type.AUTH_RESPONSE, port, id, "www.example.test", micros);
  }

  /** Knot's AUTH_RESPONSE with {@code responses-with-queries}: both messages in one. */
  static Dnstap knot(int port, int id, long micros) {
    Dnstap r = response(port, id, micros);
    return wrap(
        r.getMessage().toBuilder()
            .setQueryMessage(ByteString.copyFrom(queryBytes(id, "www.example.test"))));
  }

  static Dnstap wrap(Message.Builder m) {
    return Dnstap.newBuilder()
        .setType(Dnstap.Type.MESSAGE)
        .setIdentity(ByteString.copyFromUtf8("test"))
        .setMessage(m)
        .build();
  }
}
