// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty detects a leaked {@code ByteBuf} (or other tracked resource).
 *
 * <p>Netty only logs leaks, and only once a later allocation happens to poll the garbage
 * collector's findings, so a leak would otherwise pass unnoticed. When first loaded (before any
 * test touches a buffer, so before Netty creates its detectors) this class installs a detector
 * factory whose detectors also record every report. After each test class it forces a collection,
 * polls the detectors and fails with the records. A leak reported after one class may come from an
 * earlier class whose garbage was collected late.
 *
 * <p>Registered for every test class through {@code ServiceLoader} (see junit-platform.properties).
 */
public final class LeakDetectionExtension implements AfterAllCallback {
  /** The second round finds leaks whose references the JVM queued only after the first canary. */
  private static final int COLLECTION_ROUNDS = 2;

  private static final long MAX_WAIT_PER_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long CANARY_POLL_MILLIS = 10;
  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingDetectorFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    assertNoLeaks(context.getDisplayName());
  }

  private static void assertNoLeaks(String container) {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty resource leak(s) detected after "
              + container
              + " (possibly from an earlier class):\n"
              + String.join("\n\n", leaks));
    }
  }

  /**
   * Forces pending leak reports out of Netty's detectors, then returns and forgets every leak
   * recorded so far. Takes a few tens of milliseconds (bounded by {@link #COLLECTION_ROUNDS} times
   * {@link #MAX_WAIT_PER_ROUND_NANOS}).
   */
  public static List<String> collectLeaks() {
    for (int round = 0; round < COLLECTION_ROUNDS; round++) {
      awaitCollection();
      pollDetectors();
    }
    List<String> leaks = new ArrayList<>();
    for (String leak; (leak = LEAKS.poll()) != null; ) {
      leaks.add(leak);
    }
    return leaks;
  }

  /** Returns once the collector has cleared a fresh canary, or after a bounded wait. */
  private static void awaitCollection() {
    ReferenceQueue<Object> cleared = new ReferenceQueue<>();
    WeakReference<Object> canary = new WeakReference<>(new Object(), cleared);
    long deadline = System.nanoTime() + MAX_WAIT_PER_ROUND_NANOS;
    try {
      do {
        System.gc();
      } while (cleared.remove(CANARY_POLL_MILLIS) == null && System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Reference.reachabilityFence(canary);
    }
  }

  /** A detector reads its reference queue only when it tracks a new resource: allocate some. */
  private static void pollDetectors() {
    for (ByteBufAllocator allocator :
        List.of(
            UnpooledByteBufAllocator.DEFAULT,
            PooledByteBufAllocator.DEFAULT,
            ByteBufAllocator.DEFAULT)) {
      allocator.heapBuffer(1).release();
      allocator.directBuffer(1).release();
    }
  }

  private static final class RecordingDetectorFactory extends ResourceLeakDetectorFactory {
    /** Deprecated but abstract, so the one to implement; Netty calls it for every detector. */
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<?> resourceType, int samplingInterval) {
      super(resourceType, samplingInterval);
    }

    /** Records even when the logging backend has error logging switched off. */
    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add("LEAK: " + resourceType + ".release() was not called. Records:" + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add("LEAK: " + resourceType + ".release() was not called (no records).");
      super.reportUntracedLeak(resourceType);
    }
  }
}
