// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The replayed queries' outcomes per target ({@code dnstap_replay_target_queries_total{target,
 * result}}, the target written as in the start-up line: {@code 192.0.2.1:53}, {@code
 * [2001:db8::1]:53}), so that with a target per address family a dead one shows as itself rather
 * than as a share of {@code dns_queries_total{result="timeout"}}; with two targets each also gets
 * its own {@code /healthz} check ({@code target_ipv4}, {@code target_ipv6}). Indexes are those of
 * the replay's target list. Thread-safe.
 */
public final class TargetQueries {
  private final StampedCounter[] success;
  private final StampedCounter[] timeout;
  private final StampedCounter[] error;

  TargetQueries(Metrics metrics, List<InetSocketAddress> targets) {
    int n = targets.size();
    success = new StampedCounter[n];
    timeout = new StampedCounter[n];
    error = new StampedCounter[n];
    for (int t = 0; t < n; t++) {
      String name = NetUtil.toSocketAddressString(targets.get(t));
      success[t] = metrics.targetQueries(name, "success");
      timeout[t] = metrics.targetQueries(name, "timeout");
      error[t] = metrics.targetQueries(name, "error");
      if (n > 1) {
        metrics
            .health()
            .add(
                targets.get(t).getAddress() instanceof Inet6Address ? "target_ipv6" : "target_ipv4",
                metrics.targetHealth(name, success[t], timeout[t], error[t]));
      }
    }
  }

  public void success(int target) {
    success[target].increment();
  }

  public void timeout(int target) {
    timeout[target].increment();
  }

  public void error(int target) {
    error[target].increment();
  }
}
