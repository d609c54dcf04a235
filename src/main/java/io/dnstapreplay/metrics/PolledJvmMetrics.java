// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * PolledJvmMetrics are the JVM meters that Micrometer's binders do not give as Prometheus expects,
 * read from the MXBeans at scrape time:
 *
 * <ul>
 *   <li>each garbage collector's collection count and time. Micrometer's {@code JvmGcMetrics}
 *       installs a notification listener per registry that must be closed, and tests create a
 *       registry per daemon; polling needs nothing closed and gives what a dashboard plots.
 *   <li>{@code process_cpu_seconds_total}, the name every Prometheus client library uses, instead
 *       of Micrometer's {@code process_cpu_time_ns_total} (nanoseconds, which {@code promtool check
 *       metrics} rejects), and no {@code system_cpu_count} (a gauge named like a histogram part).
 * </ul>
 *
 * Bind it before any other binder: it installs the filter that drops those two.
 */
final class PolledJvmMetrics implements MeterBinder {
  private static final Set<String> REPLACED = Set.of("process.cpu.time", "system.cpu.count");

  @Override
  public void bindTo(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.deny(id -> REPLACED.contains(id.getName())));
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      FunctionCounter.builder("jvm.gc.collections", gc, GarbageCollectorMXBean::getCollectionCount)
          .description("Garbage collections by this collector since the JVM started")
          .tag("gc", gc.getName())
          .register(registry);
      FunctionCounter.builder(
              "jvm.gc.collection.seconds",
              gc,
              g -> g.getCollectionTime() / (double) TimeUnit.SECONDS.toMillis(1))
          .description("Time spent in garbage collections by this collector (approximate)")
          .tag("gc", gc.getName())
          .register(registry);
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      FunctionCounter.builder(
              "process.cpu.seconds",
              sun,
              b -> b.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1))
          .description("CPU time used by the process, user and system")
          .register(registry);
    }
  }
}
