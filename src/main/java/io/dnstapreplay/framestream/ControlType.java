// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import java.util.List;

/** The Frame Streams control frame types, with their wire codes. */
public enum ControlType {
  ACCEPT(1),
  START(2),
  STOP(3),
  READY(4),
  FINISH(5);

  private static final List<ControlType> ALL = List.of(values());

  private final int code;

  ControlType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * Returns the type with this wire code.
   *
   * @throws FrameStreamException with reason {@code UNKNOWN_CONTROL_TYPE} for any other code
   */
  public static ControlType fromCode(int code) {
    for (ControlType type : ALL) {
      if (type.code == code) {
        return type;
      }
    }
    throw new FrameStreamException(
        FrameStreamException.Reason.UNKNOWN_CONTROL_TYPE,
        "unknown control frame type " + Integer.toUnsignedString(code));
  }
}
