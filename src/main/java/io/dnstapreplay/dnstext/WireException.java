// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

/**
 * A part of a DNS message that the original's parser (the {@code domain} crate) rejects. It only
 * steers which parts the text leaves out, as the original does, so it carries no stack trace.
 */
public final class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WireException(String message) {
    super(message, null, false, false);
  }

  static WireException shortInput() {
    return new WireException("unexpected end of input");
  }
}
