// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A Frame Streams protocol violation by the peer or in a stream being read.
 *
 * <p>It is a {@link CorruptedFrameException} so that Netty's {@code ByteToMessageDecoder} passes it
 * on unwrapped. {@link #reason()} is a stable category for metrics labels and for deciding what to
 * do with the connection; the message is for people.
 */
public final class FrameStreamException extends CorruptedFrameException {
  /** What was wrong with the stream. */
  public enum Reason {
    /** A data frame longer than the configured limit. */
    DATA_FRAME_TOO_LARGE,
    /** A control frame length outside 4..512. */
    CONTROL_FRAME_LENGTH,
    /** A control frame type other than ACCEPT, START, STOP, READY, FINISH. */
    UNKNOWN_CONTROL_TYPE,
    /** A control frame whose fields break the protocol's rules. */
    MALFORMED_CONTROL_FRAME,
    /** A well-formed frame where the protocol does not allow it, e.g. data before START. */
    UNEXPECTED_FRAME,
    /** The input ended inside a frame. */
    TRUNCATED
  }

  private final Reason reason;

  public FrameStreamException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public FrameStreamException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
