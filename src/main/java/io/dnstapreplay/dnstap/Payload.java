// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstap;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import java.util.Arrays;

/**
 * One dnstap data frame as the replay stages see it: the fields they decide on, read straight from
 * the frame's bytes, and the whole protobuf message only when something asks for it ({@link
 * #dnstap}: a failure record, pairing). A replayed payload is decided on without materialising the
 * identity, version, addresses and messages as objects, which is most of what a protobuf parse
 * costs per frame.
 *
 * <p>Accepts and rejects exactly what {@code Dnstap.parseFrom} does, with the same field values: a
 * frame of any shape that {@link WireScanner} does not read itself (unknown fields, a policy, a
 * second {@code message}, an unknown enum value, damage) is parsed by protobuf instead.
 *
 * <p>Bytes fields are offsets into the frame (or into one copy of a parsed message's values); their
 * accessors return fresh copies. Not thread-safe, and needs none: a payload moves between threads
 * through queues.
 */
public final class Payload {
  /** {@link #socketProtocol} of a message whose protocol is set to a value this schema lacks. */
  private static final int UNKNOWN_PROTOCOL = -2;

  static final int ABSENT = -1;

  final byte[] frame;

  /**
   * Where the bytes fields lie: the frame itself when scanned, else the parsed message's values one
   * after another.
   */
  byte[] data;

  boolean isMessage;
  int messageType = ABSENT;
  int socketFamily = ABSENT;
  int socketProtocol = ABSENT;
  long queryPort = ABSENT;
  boolean hasQueryTimeSec;
  long queryTimeSec;
  int queryTimeNsec;
  boolean hasResponseTimeSec;
  long responseTimeSec;
  int responseTimeNsec;
  boolean hasResponseTimeNsec;
  int queryAddressOffset = ABSENT;
  int queryAddressLength;
  int queryMessageOffset = ABSENT;
  int queryMessageLength;
  int responseMessageOffset = ABSENT;
  int responseMessageLength;
  private Dnstap parsed;
  private int weight;

  Payload(byte[] frame) {
    this.frame = frame;
    this.data = frame;
    this.weight = frame.length;
  }

  /**
   * Decodes a data frame, which the payload keeps (the caller must not change it).
   *
   * @throws InvalidProtocolBufferException if {@code Dnstap.parseFrom} would
   */
  public static Payload decode(byte[] frame) throws InvalidProtocolBufferException {
    Payload p = WireScanner.scan(frame);
    return p != null ? p : fromParsed(frame, Dnstap.parseFrom(frame));
  }

  /** The payload of a message built in memory (a filled-in pair, a test's message). */
  public static Payload of(Dnstap d) {
    byte[] frame = d.toByteArray();
    Payload p = WireScanner.scan(frame);
    if (p == null) {
      return fromParsed(frame, d);
    }
    p.parsed = d;
    p.weight = 2 * frame.length;
    return p;
  }

  private static Payload fromParsed(byte[] frame, Dnstap d) {
    Payload p = new Payload(frame);
    p.parsed = d;
    p.isMessage = d.getType() == Dnstap.Type.MESSAGE && d.hasMessage();
    if (!d.hasMessage()) {
      return p;
    }
    Message m = d.getMessage();
    p.messageType = m.getType().getNumber();
    p.socketFamily = m.hasSocketFamily() ? m.getSocketFamily().getNumber() : ABSENT;
    if (m.hasSocketProtocol()) {
      p.socketProtocol = m.getSocketProtocol().getNumber();
    } else if (m.getUnknownFields().hasField(Message.SOCKET_PROTOCOL_FIELD_NUMBER)) {
      p.socketProtocol = UNKNOWN_PROTOCOL; // proto2 keeps an unknown enum value there
    }
    p.queryPort = m.hasQueryPort() ? Integer.toUnsignedLong(m.getQueryPort()) : ABSENT;
    p.hasQueryTimeSec = m.hasQueryTimeSec();
    p.queryTimeSec = m.getQueryTimeSec();
    p.queryTimeNsec = m.getQueryTimeNsec();
    p.hasResponseTimeSec = m.hasResponseTimeSec();
    p.responseTimeSec = m.getResponseTimeSec();
    p.hasResponseTimeNsec = m.hasResponseTimeNsec();
    p.responseTimeNsec = m.getResponseTimeNsec();
    ByteString values =
        m.getQueryAddress().concat(m.getQueryMessage()).concat(m.getResponseMessage());
    p.data = values.toByteArray();
    p.weight = 2 * frame.length + p.data.length;
    int at = 0;
    if (m.hasQueryAddress()) {
      p.queryAddressOffset = at;
      p.queryAddressLength = m.getQueryAddress().size();
      at += p.queryAddressLength;
    }
    if (m.hasQueryMessage()) {
      p.queryMessageOffset = at;
      p.queryMessageLength = m.getQueryMessage().size();
      at += p.queryMessageLength;
    }
    if (m.hasResponseMessage()) {
      p.responseMessageOffset = at;
      p.responseMessageLength = m.getResponseMessage().size();
    }
    return p;
  }

  /**
   * The whole message: the one protobuf parsed or built for this payload, which {@link #weight}
   * counts; else parsed from the frame anew at each call (a record or a pair needs it once), so
   * that a payload never holds more than it weighs, whoever asked for its message.
   */
  public Dnstap dnstap() {
    if (parsed != null) {
      return parsed;
    }
    try {
      return Dnstap.parseFrom(frame);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a decoded frame no longer parses", e);
    }
  }

  /** The frame's length in bytes. */
  public int length() {
    return frame.length;
  }

  /**
   * What the payload holds in memory, near enough, for the byte bounds of the queue and of the
   * queries in flight: its frame, and for a message that protobuf parsed or built ({@link #decode}
   * of an unusual frame, {@link #of}) that message too, about the frame again, and the copy of its
   * values. Fixed when the payload is made, so that a bound gives back exactly what it took,
   * whatever {@link #dnstap} parses later; a sender cannot make payloads heavier than they weigh by
   * sending frames the scanner leaves to protobuf.
   */
  public int weight() {
    return weight;
  }

  /** Whether this is a {@code MESSAGE} with its message. */
  public boolean isMessage() {
    return isMessage;
  }

  /** The message's type, or null without a message. */
  public Message.Type messageType() {
    return messageType == ABSENT ? null : Message.Type.forNumber(messageType);
  }

  public boolean hasSocketFamily() {
    return socketFamily != ABSENT;
  }

  public SocketFamily socketFamily() {
    return SocketFamily.forNumber(socketFamily);
  }

  public boolean hasSocketProtocol() {
    return socketProtocol >= 0;
  }

  /**
   * Whether the message came over another transport than UDP, including one this schema does not
   * know; false when it names none. The guardrails and the replay's filter both ask this, so that
   * {@code unusable_responses{reason="non_udp"}} and {@code discard_non_udp} count the same
   * payloads.
   */
  public boolean notUdp() {
    return socketProtocol != ABSENT && socketProtocol != SocketProtocol.UDP_VALUE;
  }

  public boolean hasQueryAddress() {
    return queryAddressOffset != ABSENT;
  }

  public int queryAddressLength() {
    return queryAddressLength;
  }

  /** A copy of {@code query_address}, or null. */
  public byte[] queryAddress() {
    return copy(queryAddressOffset, queryAddressLength);
  }

  public boolean hasQueryPort() {
    return queryPort != ABSENT;
  }

  /** {@code query_port} (a uint32), or -1 if absent. */
  public long queryPort() {
    return queryPort;
  }

  public boolean hasQueryTimeSec() {
    return hasQueryTimeSec;
  }

  public long queryTimeSec() {
    return queryTimeSec;
  }

  public int queryTimeNsec() {
    return queryTimeNsec;
  }

  public boolean hasResponseTimeSec() {
    return hasResponseTimeSec;
  }

  public boolean hasResponseTimeNsec() {
    return hasResponseTimeNsec;
  }

  public long responseTimeSec() {
    return responseTimeSec;
  }

  public int responseTimeNsec() {
    return responseTimeNsec;
  }

  public boolean hasQueryMessage() {
    return queryMessageOffset != ABSENT;
  }

  /** A copy of {@code query_message}, or null. */
  public byte[] queryMessage() {
    return copy(queryMessageOffset, queryMessageLength);
  }

  public boolean hasResponseMessage() {
    return responseMessageOffset != ABSENT;
  }

  /** A copy of {@code response_message}, or null. */
  public byte[] responseMessage() {
    return copy(responseMessageOffset, responseMessageLength);
  }

  private byte[] copy(int offset, int length) {
    return offset == ABSENT ? null : Arrays.copyOfRange(data, offset, offset + length);
  }
}
