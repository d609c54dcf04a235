// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.framestream;

import static io.dnstapreplay.framestream.FrameStreams.ESCAPE;
import static io.dnstapreplay.framestream.FrameStreams.FIELD_CONTENT_TYPE;
import static io.dnstapreplay.framestream.FrameStreams.MAX_CONTENT_TYPE_LENGTH;
import static io.dnstapreplay.framestream.FrameStreams.MAX_CONTROL_FRAME_LENGTH;

import io.dnstapreplay.framestream.FrameStreamException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Frame Streams control frame: the handshake (READY, ACCEPT, START) and teardown (STOP, FINISH)
 * around a run of data frames.
 *
 * <p>Both construction and {@link #decodePayload decoding} apply libfstrm's rules (START carries at
 * most one content type, STOP and FINISH none, content types of at most 256 bytes, at most 512
 * bytes in all), so every instance can be encoded and a reference peer would accept it.
 *
 * @param type the control frame type
 * @param contentTypes in wire order: those offered (READY), taken (ACCEPT), or the stream's (START)
 */
public record ControlFrame(ControlType type, List<String> contentTypes) {
  private static final int FIELD_HEADER_LENGTH = 2 * Integer.BYTES;

  /**
   * @throws IllegalArgumentException if the frame breaks the protocol's rules
   */
  public ControlFrame {
    Objects.requireNonNull(type, "type");
    contentTypes = List.copyOf(contentTypes);
    String violation = violation(type, contentTypes);
    if (violation != null) {
      throw new IllegalArgumentException(violation);
    }
  }

  public static ControlFrame ready(List<String> contentTypes) {
    return new ControlFrame(ControlType.READY, contentTypes);
  }

  public static ControlFrame accept(String... contentTypes) {
    return new ControlFrame(ControlType.ACCEPT, List.of(contentTypes));
  }

  /**
   * @param contentType the stream's content type, or null for none
   */
  public static ControlFrame start(String contentType) {
    return new ControlFrame(
        ControlType.START, contentType == null ? List.of() : List.of(contentType));
  }

  public static ControlFrame stop() {
    return new ControlFrame(ControlType.STOP, List.of());
  }

  public static ControlFrame finish() {
    return new ControlFrame(ControlType.FINISH, List.of());
  }

  /** Returns the first content type, the only one a START or an ACCEPT normally carries. */
  public Optional<String> contentType() {
    return contentTypes.stream().findFirst();
  }

  /** Bytes {@link #encodeTo} writes: escape, control frame length and payload. */
  public int encodedLength() {
    return 2 * Integer.BYTES + (int) payloadLength(contentTypes);
  }

  /** Writes the whole frame: escape, control frame length, type and content type fields. */
  public void encodeTo(ByteBuf out) {
    int payloadLength = (int) payloadLength(contentTypes);
    out.ensureWritable(2 * Integer.BYTES + payloadLength);
    out.writeInt(ESCAPE).writeInt(payloadLength).writeInt(type.code());
    for (String contentType : contentTypes) {
      out.writeInt(FIELD_CONTENT_TYPE).writeInt(ByteBufUtil.utf8Bytes(contentType));
      ByteBufUtil.writeUtf8(out, contentType);
    }
  }

  /**
   * Parses a control frame payload: the bytes after the escape and the control frame length. Reads
   * every readable byte of {@code payload} and does not release it.
   *
   * @throws FrameStreamException if the payload length is outside 4..512, the type is unknown, or
   *     the fields are malformed or break the protocol's rules
   */
  public static ControlFrame decodePayload(ByteBuf payload) {
    FrameStreams.checkControlFrameLength(payload.readableBytes());
    ControlType type = ControlType.fromCode(payload.readInt());
    List<String> contentTypes = new ArrayList<>();
    while (payload.isReadable()) {
      contentTypes.add(decodeContentTypeField(payload));
    }
    String violation = violation(type, contentTypes);
    if (violation != null) {
      throw malformed(violation);
    }
    return new ControlFrame(type, contentTypes);
  }

  private static String decodeContentTypeField(ByteBuf payload) {
    if (payload.readableBytes() < FIELD_HEADER_LENGTH) {
      throw malformed(
          "control frame ends inside a field header (" + payload.readableBytes() + " bytes left)");
    }
    long fieldType = payload.readUnsignedInt();
    if (fieldType != FIELD_CONTENT_TYPE) {
      throw malformed("unknown control frame field type " + fieldType);
    }
    long length = payload.readUnsignedInt();
    if (length > MAX_CONTENT_TYPE_LENGTH) {
      throw malformed(
          "content type of " + length + " bytes exceeds the limit of " + MAX_CONTENT_TYPE_LENGTH);
    }
    if (length > payload.readableBytes()) {
      throw malformed(
          "content type of "
              + length
              + " bytes runs past the end of the control frame ("
              + payload.readableBytes()
              + " bytes left)");
    }
    try {
      String contentType =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(payload.nioBuffer(payload.readerIndex(), (int) length))
              .toString();
      payload.skipBytes((int) length);
      return contentType;
    } catch (CharacterCodingException e) {
      throw malformed("content type is not valid UTF-8");
    }
  }

  /** Returns why such a frame breaks the protocol's rules, or null if it does not. */
  private static String violation(ControlType type, List<String> contentTypes) {
    int count = contentTypes.size();
    if (type == ControlType.START && count > 1) {
      return "START carries at most one content type, got " + count;
    }
    if ((type == ControlType.STOP || type == ControlType.FINISH) && count > 0) {
      return type + " carries no content type, got " + count;
    }
    for (String contentType : contentTypes) {
      int length = ByteBufUtil.utf8Bytes(contentType);
      if (length > MAX_CONTENT_TYPE_LENGTH) {
        return "content type of "
            + length
            + " bytes exceeds the limit of "
            + MAX_CONTENT_TYPE_LENGTH;
      }
    }
    long length = payloadLength(contentTypes);
    if (length > MAX_CONTROL_FRAME_LENGTH) {
      return "control frame of "
          + length
          + " bytes exceeds the limit of "
          + MAX_CONTROL_FRAME_LENGTH;
    }
    return null;
  }

  private static long payloadLength(List<String> contentTypes) {
    long length = Integer.BYTES;
    for (String contentType : contentTypes) {
      length += FIELD_HEADER_LENGTH + ByteBufUtil.utf8Bytes(contentType);
    }
    return length;
  }

  private static FrameStreamException malformed(String message) {
    return new FrameStreamException(Reason.MALFORMED_CONTROL_FRAME, message);
  }
}
