// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.proxyv2.ProxyV2Header;
import java.util.Objects;

/**
 * Decides what the replay stage does with one dnstap payload, in the original's order of checks, so
 * that each payload lands in the same counter and buffer as it would there. Pure: counting, sending
 * and buffering are the caller's.
 *
 * <ol>
 *   <li>Anything but a {@code MESSAGE} of type {@code AUTH_RESPONSE} (or, with {@code --pair},
 *       {@code CLIENT_RESPONSE}): {@link Decision.NotAuthResponse}.
 *   <li>No {@code socket_protocol}: {@link Decision.MissingField}; any value but UDP, including one
 *       this schema does not know: {@link Decision.DiscardNonUdp}.
 *   <li>No {@code query_message} or {@code response_message}: {@link Decision.SkippedIncomplete}.
 *   <li>No {@code query_address}, or one of neither 4 nor 16 bytes: {@link Decision.MissingField}.
 *       The original fails such a payload too (counted as an error) but hands it to no buffer; we
 *       put it in {@code /errors} as MISSING_FIELD so it can be inspected.
 *   <li>{@code query_address} inside an ignored network: {@link Decision.QueryNetIgnored}.
 *   <li>With {@code --proxy}, no {@code query_port} or one above 65535: {@link
 *       Decision.MissingField}. The original would silently truncate a port above 65535 to 16 bits
 *       and claim a wrong source port.
 * </ol>
 */
public final class PayloadFilter {
  public static final String SOCKET_PROTOCOL = "socket_protocol";
  public static final String QUERY_ADDRESS = "query_address";
  public static final String QUERY_PORT = "query_port";

  /**
   * The replay options that {@link #classify} depends on.
   *
   * @param pair whether CLIENT_RESPONSE is replayed too: responses come paired with their query
   *     ({@code --pair}), and Unbound and dnsdist log only client messages
   */
  public record Options(boolean proxy, IpNetworks ignoredNets, boolean pair) {
    public Options {
      Objects.requireNonNull(ignoredNets, "ignoredNets");
    }
  }

  /** What to do with a payload. */
  public sealed interface Decision {
    /** Not replayed and not counted. */
    record NotAuthResponse() implements Decision {}

    /** Nothing to compare; counted as a successful payload. */
    record SkippedIncomplete() implements Decision {}

    /** Replaying a query that came over another transport would not be a fair comparison. */
    record DiscardNonUdp() implements Decision {}

    /** A field replay needs is absent or unusable; the payload goes to {@code /errors}. */
    record MissingField(String field) implements Decision {}

    record QueryNetIgnored() implements Decision {}

    /**
     * Send {@code query} and compare the answer with {@code loggedResponse}. The arrays are fresh
     * copies owned by the receiver.
     *
     * @param queryAddress 4 or 16 bytes
     * @param queryPort 0..65535, or -1 if the payload has none (only without {@code --proxy})
     * @param responseTime the logged response time, or null unless both its seconds and nanoseconds
     *     are present
     * @param loggedOverIpv6 whether the server got the query over IPv6 (see {@link
     *     #loggedOverIpv6(Payload)})
     */
    record Replay(
        byte[] query,
        byte[] loggedResponse,
        byte[] queryAddress,
        int queryPort,
        ProxyV2Header.Timespec responseTime,
        boolean loggedOverIpv6)
        implements Decision {}
  }

  private static final Decision NOT_AUTH_RESPONSE = new Decision.NotAuthResponse();
  private static final Decision SKIPPED_INCOMPLETE = new Decision.SkippedIncomplete();
  private static final Decision DISCARD_NON_UDP = new Decision.DiscardNonUdp();
  private static final Decision QUERY_NET_IGNORED = new Decision.QueryNetIgnored();
  private static final Decision MISSING_SOCKET_PROTOCOL =
      new Decision.MissingField(SOCKET_PROTOCOL);
  private static final Decision MISSING_QUERY_ADDRESS = new Decision.MissingField(QUERY_ADDRESS);
  private static final Decision MISSING_QUERY_PORT = new Decision.MissingField(QUERY_PORT);
  private static final int NO_PORT = -1;

  private PayloadFilter() {}

  public static Decision classify(Payload m, Options o) {
    if (!m.isMessage() || !isReplayedType(m.messageType(), o)) {
      return NOT_AUTH_RESPONSE;
    }
    if (m.notUdp()) {
      return DISCARD_NON_UDP;
    }
    if (!m.hasSocketProtocol()) {
      return MISSING_SOCKET_PROTOCOL;
    }
    if (!m.hasQueryMessage() || !m.hasResponseMessage()) {
      return SKIPPED_INCOMPLETE;
    }
    if (!m.hasQueryAddress() || !isIpAddressLength(m.queryAddressLength())) {
      return MISSING_QUERY_ADDRESS;
    }
    byte[] queryAddress = m.queryAddress();
    if (o.ignoredNets().contains(queryAddress)) {
      return QUERY_NET_IGNORED;
    }
    int queryPort =
        m.hasQueryPort() && m.queryPort() <= ProxyV2Header.MAX_PORT ? (int) m.queryPort() : NO_PORT;
    if (o.proxy() && queryPort == NO_PORT) {
      return MISSING_QUERY_PORT;
    }
    ProxyV2Header.Timespec responseTime =
        m.hasResponseTimeSec() && m.hasResponseTimeNsec()
            ? new ProxyV2Header.Timespec(m.responseTimeSec(), m.responseTimeNsec())
            : null;
    return new Decision.Replay(
        m.queryMessage(),
        m.responseMessage(),
        queryAddress,
        queryPort,
        responseTime,
        loggedOverIpv6(m));
  }

  /**
   * Whether the server got the query over IPv6: {@code socket_family}, the server's own word for
   * the socket it answered on, which is what a server that answers by family looks at; without it
   * (the field is optional, or holds a value this schema does not know) the length of {@code
   * query_address}, which {@link #classify} has checked is 4 or 16.
   */
  static boolean loggedOverIpv6(Payload m) {
    return m.hasSocketFamily()
        ? m.socketFamily() == DnstapProto.SocketFamily.INET6
        : m.queryAddressLength() == ProxyV2Header.IPV6_ADDRESS_LENGTH;
  }

  private static boolean isReplayedType(DnstapProto.Message.Type t, Options o) {
    return t == DnstapProto.Message.Type.AUTH_RESPONSE
        || (o.pair() && t == DnstapProto.Message.Type.CLIENT_RESPONSE);
  }

  private static boolean isIpAddressLength(int length) {
    return length == ProxyV2Header.IPV4_ADDRESS_LENGTH
        || length == ProxyV2Header.IPV6_ADDRESS_LENGTH;
  }
}
