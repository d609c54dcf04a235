// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakDetectionExtensionTest {

  @Test
  void recordsABufferThatIsCollectedWithoutRelease() {
    leakOneBuffer();

    List<String> leaks = LeakDetectionExtension.collectLeaks();

    assertEquals(1, leaks.size(), () -> String.join("\n", leaks));
    assertTrue(leaks.get(0).contains("leakOneBuffer"), leaks.get(0));
    assertEquals(List.of(), LeakDetectionExtension.collectLeaks(), "records are cleared once read");
  }

  @Test
  void recordsNothingWhenEveryBufferIsReleased() {
    ByteBuf unpooled = Unpooled.directBuffer(16).writeLong(42);
    ByteBuf pooled = PooledByteBufAllocator.DEFAULT.heapBuffer(16).writeLong(42);
    unpooled.release();
    pooled.release();

    assertEquals(List.of(), LeakDetectionExtension.collectLeaks());
  }

  /** Unpooled heap buffers are never tracked (the collector frees them): leak a pooled one. */
  private static void leakOneBuffer() {
    PooledByteBufAllocator.DEFAULT.heapBuffer(16).writeLong(42);
  }
}
