// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.mismatch.MismatchClass;
import io.dnstapreplay.pairing.PairingConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * ReplayConfig is everything the replay stage is told at start-up, validated once by the command
 * line: where to send, over how many sockets, how to wrap each query, how long to wait and what to
 * skip. Every replay option walks this one path from the CLI to the code that uses it.
 *
 * @param target the nameserver under test: where every query goes, or with {@code ipv6Target} every
 *     query logged over IPv4
 * @param ipv6Target null, or an IPv6 address (with {@code target} IPv4) where the queries logged
 *     over IPv6 go instead: a server may answer differently by the client's address family (NSD
 *     puts AAAA glue first for IPv6 clients)
 * @param numSockets connected UDP sockets to each target
 * @param dscp DSCP code point for outgoing queries (0..63), or null to leave the system default
 * @param proxy prepend a PROXY v2 header carrying the original client address
 * @param proxyTimespec add the response-time TLV to that header; has no effect without {@code
 *     proxy}
 * @param timeout how long a query waits for its response
 * @param maxInFlight queries sent and not yet answered or timed out, over all sockets: the upper
 *     bound of the congestion window, or the fixed window
 * @param maxInFlightBytes the weight of those queries' payloads (about the bytes of their dnstap
 *     frames), at most: a payload may be a mebibyte, so {@code maxInFlight} alone does not bound
 *     memory (one query is always allowed, however heavy)
 * @param adaptiveWindow whether a {@link CongestionWindow} keeps the queries in flight below {@code
 *     maxInFlight} as the target's round-trip time requires
 * @param ignoreTc a pair where either response is truncated is not a mismatch
 * @param ignoredNets clients whose queries are not replayed
 * @param equivalent mismatch classes that alone do not make a mismatch ({@code --equivalent})
 * @param pairing how responses are paired with their queries ({@code --pair}), or null for the
 *     original's behaviour: only AUTH_RESPONSE messages that carry both
 */
public record ReplayConfig(
    InetSocketAddress target,
    InetSocketAddress ipv6Target,
    int numSockets,
    Integer dscp,
    boolean proxy,
    boolean proxyTimespec,
    Duration timeout,
    int maxInFlight,
    long maxInFlightBytes,
    boolean adaptiveWindow,
    boolean ignoreTc,
    IpNetworks ignoredNets,
    Set<MismatchClass> equivalent,
    PairingConfig pairing) {
  public ReplayConfig {
    Objects.requireNonNull(target, "target");
    if (ipv6Target != null
        && !(target.getAddress() instanceof Inet4Address
            && ipv6Target.getAddress() instanceof Inet6Address)) {
      throw new IllegalArgumentException(
          "a second target must be IPv6 and the first IPv4: " + target + ", " + ipv6Target);
    }
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ignoredNets, "ignoredNets");
    equivalent = Set.copyOf(equivalent);
  }

  /** The targets, each with {@code numSockets} sockets: index 1, if any, takes IPv6. */
  public List<InetSocketAddress> targets() {
    return ipv6Target == null ? List.of(target) : List.of(target, ipv6Target);
  }

  /** The index in {@link #targets} of where a query goes. */
  int targetOf(PayloadFilter.Decision.Replay r) {
    return ipv6Target != null && r.loggedOverIpv6() ? 1 : 0;
  }

  /** The options the payload filter depends on. */
  public PayloadFilter.Options filterOptions() {
    return new PayloadFilter.Options(proxy, ignoredNets, pairing != null);
  }

  /** Whether queries carry the response-time TLV: only inside a PROXY v2 header. */
  boolean sendsTimespec() {
    return proxy && proxyTimespec;
  }

  /** How often expired queries are looked for; the timeout is accurate to this. */
  long sweepNanos() {
    long n = timeout.toNanos() / 50;
    return Math.max(Duration.ofMillis(1).toNanos(), Math.min(n, Duration.ofMillis(100).toNanos()));
  }
}
