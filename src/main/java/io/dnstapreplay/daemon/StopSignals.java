// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * StopSignals turns SIGTERM and SIGINT into an orderly stop that the caller performs and ends with
 * exit code 0. Left to the JVM, either signal runs the shutdown hooks and exits with 143 or 130,
 * which service managers report as a failure. A second signal while stopping ends the process at
 * once, for an operator who does not want to wait for the queries in flight.
 *
 * <p>Java has no public signal API; {@code sun.misc.Signal} (module jdk.unsupported) is the one
 * every JDK since 1.2 provides.
 */
public final class StopSignals {
  /** The signals that stop the daemon. */
  public static final String[] NAMES = {"TERM", "INT"};

  /** Shells report a process killed by signal N with status 128 + N. */
  private static final int SIGNAL_EXIT_BASE = 128;

  private static final Logger log = LoggerFactory.getLogger(ReplayDaemon.LIFECYCLE_LOGGER);

  private final CountDownLatch received = new CountDownLatch(1);
  private final AtomicReference<String> first = new AtomicReference<>();

  private StopSignals() {}

  /** Replaces the JVM's handlers of {@link #NAMES}; a signal from now on is remembered. */
  public static StopSignals install() {
    StopSignals s = new StopSignals();
    for (String name : NAMES) {
      Signal.handle(new Signal(name), s::onSignal);
    }
    return s;
  }

  private void onSignal(Signal signal) {
    String name = "SIG" + signal.getName();
    if (first.compareAndSet(null, name)) {
      log.info("{} received, stopping (send it again to stop at once)", name);
      received.countDown();
    } else {
      log.warn("{} received while stopping: exiting without waiting", name);
      Runtime.getRuntime().halt(SIGNAL_EXIT_BASE + signal.getNumber());
    }
  }

  /**
   * Waits for the first signal.
   *
   * @return its name, e.g. {@code SIGTERM}
   */
  public String await() throws InterruptedException {
    received.await();
    return first.get();
  }
}
