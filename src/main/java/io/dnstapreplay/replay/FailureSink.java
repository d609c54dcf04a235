// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.replay;

/**
 * FailureSink receives serialized failure records (a dnstap message with its {@code extra} set) for
 * an operator to fetch later. It is an interface so the replay stage knows nothing of where records
 * go (the HTTP buffers, a file, a test).
 */
@FunctionalInterface
public interface FailureSink {
  /**
   * Offers a record without blocking.
   *
   * @return false when the sink is full and the record was dropped
   */
  boolean offer(byte[] record);
}
