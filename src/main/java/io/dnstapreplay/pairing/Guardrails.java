// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.pairing;

import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.Payload;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Guardrails make a source that the options cannot use visible: a server that logs responses
 * without their queries, client messages, or only TCP would otherwise leave a replay that looks
 * healthy and compares nothing. Each such response is counted by {@link Unusable} reason, and the
 * first of each reason logs one line naming the option or server setting that fixes it.
 *
 * <p>Single-threaded, fed with every message in arrival order before pairing.
 */
final class Guardrails {
  /**
   * TCP responses without a single UDP one before the hint that the source sends only TCP; a source
   * with both sends some UDP long before that. An input that ends earlier gets the hint at its end.
   */
  static final int ONLY_NON_UDP_AFTER = 100;

  private final boolean pair;
  private final Consumer<Unusable> counter;
  private final Logger hints;
  private final Set<Unusable> hinted = EnumSet.noneOf(Unusable.class);
  private long udpResponses;
  private long nonUdpResponses;

  Guardrails(boolean pair, Consumer<Unusable> counter, Logger hints) {
    this.pair = pair;
    this.counter = counter;
    this.hints = hints;
  }

  void check(Payload m) {
    if (!m.isMessage()) {
      return;
    }
    Message.Type type = m.messageType();
    if (type == Message.Type.CLIENT_RESPONSE && !pair) {
      unusable(
          Unusable.CLIENT_RESPONSE,
          "CLIENT_RESPONSE messages are not replayed without --pair (Unbound, dnsdist and BIND"
              + " with RD=1 log them): run with --pair, with the server logging the queries too");
    } else if (type != Message.Type.AUTH_RESPONSE && type != Message.Type.CLIENT_RESPONSE) {
      return;
    } else if (m.notUdp()) {
      counter.accept(Unusable.NON_UDP);
      if (++nonUdpResponses == ONLY_NON_UDP_AFTER) {
        hintOnlyNonUdp();
      }
    } else {
      udpResponses++;
      if (!pair && !m.hasQueryMessage() && m.hasResponseMessage()) {
        unusable(
            Unusable.RESPONSE_WITHOUT_QUERY,
            "AUTH_RESPONSE messages without their query are not replayed: run with --pair, with"
                + " the server logging the queries too (BIND, NSD), or set Knot's mod-dnstap"
                + " responses-with-queries: on");
      }
    }
  }

  /** The input has ended: a short input of TCP responses only gets its hint now. */
  void finish() {
    if (nonUdpResponses > 0 && nonUdpResponses < ONLY_NON_UDP_AFTER) {
      hintOnlyNonUdp();
    }
  }

  private void hintOnlyNonUdp() {
    if (udpResponses == 0) {
      hint(
          Unusable.NON_UDP,
          nonUdpResponses
              + " responses over TCP (or another transport) and none over UDP: only UDP queries"
              + " are replayed; send the queries to the source server over UDP");
    }
  }

  private void unusable(Unusable reason, String hint) {
    counter.accept(reason);
    hint(reason, hint);
  }

  private void hint(Unusable reason, String line) {
    if (hinted.add(reason)) {
      hints.warn(line);
    }
  }
}
