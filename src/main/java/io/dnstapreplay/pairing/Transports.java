// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;

/**
 * Which transport a message came over, decided once for the guardrails and the replay's filter, so
 * that {@code unusable_responses{reason="non_udp"}} and {@code discard_non_udp} count the same
 * payloads.
 */
public final class Transports {
  private Transports() {}

  /**
   * Whether {@code m} came over another transport than UDP, including one this schema does not know
   * (proto2 keeps an unknown enum value among the unknown fields). False when it names none.
   */
  public static boolean notUdp(Message m) {
    return m.hasSocketProtocol()
        ? m.getSocketProtocol() != SocketProtocol.UDP
        : m.getUnknownFields().hasField(Message.SOCKET_PROTOCOL_FIELD_NUMBER);
  }
}
