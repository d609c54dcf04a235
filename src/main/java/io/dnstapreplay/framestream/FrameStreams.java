// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

/**
 * Frame Streams wire constants and limits, shared by the Netty codec and the stream reader/writer.
 *
 * <p>The limits are libfstrm's: the reference implementation enforces them, so a peer that exceeds
 * them is broken or hostile, and enforcing them bounds what one connection can make us buffer.
 */
public final class FrameStreams {
  /** A zero length word, which no data frame can have, announces a control frame. */
  public static final int ESCAPE = 0;

  public static final int MIN_CONTROL_FRAME_LENGTH = 4;
  public static final int MAX_CONTROL_FRAME_LENGTH = 512;
  public static final int DEFAULT_MAX_DATA_FRAME_LENGTH = 128 * 1024;
  public static final int MAX_CONTENT_TYPE_LENGTH = 256;

  /** The only control field type defined by the protocol. */
  public static final int FIELD_CONTENT_TYPE = 1;

  /** The content type of dnstap streams; the codec carries it without interpreting it. */
  public static final String DNSTAP_CONTENT_TYPE = "protobuf:dnstap.Dnstap";

  private FrameStreams() {}

  static void checkDataFrameLength(long length, int maxDataFrameLength) {
    if (length > maxDataFrameLength) {
      throw new FrameStreamException(
          FrameStreamException.Reason.DATA_FRAME_TOO_LARGE,
          "data frame of " + length + " bytes exceeds the limit of " + maxDataFrameLength);
    }
  }

  static void checkControlFrameLength(long length) {
    if (length < MIN_CONTROL_FRAME_LENGTH || length > MAX_CONTROL_FRAME_LENGTH) {
      throw new FrameStreamException(
          FrameStreamException.Reason.CONTROL_FRAME_LENGTH,
          "control frame length "
              + length
              + " is outside "
              + MIN_CONTROL_FRAME_LENGTH
              + ".."
              + MAX_CONTROL_FRAME_LENGTH);
    }
  }
}
