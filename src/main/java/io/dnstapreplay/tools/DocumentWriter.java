// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import java.io.IOException;
import java.time.LocalDateTime;

/**
 * Receives the fields of one document in order, so that the walk over a dnstap message ({@link
 * DnstapDocument}) is written once and each output format ({@link YamlDocumentWriter}, {@link
 * JsonDocumentWriter}) only decides how a field looks. Writers write as they go and keep nothing
 * from one document to the next.
 */
interface DocumentWriter {
  void beginDocument() throws IOException;

  void endDocument() throws IOException;

  /** Opens a nested map under {@code key}; fields go into it until {@link #endMap()}. */
  void beginMap(String key) throws IOException;

  void endMap() throws IOException;

  /** An enum constant name such as {@code AUTH_RESPONSE}. */
  void symbol(String key, String name) throws IOException;

  /** Any text on one logical line; the writer quotes and escapes it. */
  void string(String key, String value) throws IOException;

  void number(String key, long value) throws IOException;

  /**
   * A UTC date and time to the second, and the fraction of a second to write after it: empty, or a
   * dot and digits.
   */
  void timestamp(String key, LocalDateTime utc, String fraction) throws IOException;

  /** Lines of text, each ending in {@code \n}, shown as a block where the format has one. */
  void text(String key, String lines) throws IOException;
}
