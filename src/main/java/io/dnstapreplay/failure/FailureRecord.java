// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.failure;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Why a payload failed, in the {@code extra} field of the dnstap message we hand out on {@code
 * /errors} and {@code /timeouts}. The layout is dnstap-utils' serialized {@code
 * DnstapHandlerError}, so its tools read our output and ours read theirs:
 *
 * <pre>
 * "dnstap-replay/DnstapHandlerError" 0x00 | u32 BE kind | (MISMATCH only) the target's response
 * </pre>
 */
public final class FailureRecord {
  /** Why the payload failed, with the code the original writes for it. */
  public enum Kind {
    MISMATCH(1),
    TIMEOUT(2),
    MISSING_FIELD(3);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private static final byte[] PREFIX =
      "dnstap-replay/DnstapHandlerError\0".getBytes(StandardCharsets.US_ASCII);

  /** The prefix and the u32 kind: the whole record for all but a mismatch. */
  public static final int HEADER_LENGTH = PREFIX.length + Integer.BYTES;

  private static final byte[] NO_RESPONSE = new byte[0];

  private final Kind kind;
  private final byte[] mismatchResponse;

  private FailureRecord(Kind kind, byte[] mismatchResponse) {
    this.kind = kind;
    this.mismatchResponse = mismatchResponse;
  }

  /**
   * Serializes a failure.
   *
   * @param mismatchResponseOrNull the bytes the target sent, required for {@link Kind#MISMATCH}
   *     (possibly empty) and null for the other kinds
   * @throws IllegalArgumentException if the response is missing for a mismatch or given otherwise
   */
  public static byte[] encode(Kind kind, byte[] mismatchResponseOrNull) {
    if ((kind == Kind.MISMATCH) != (mismatchResponseOrNull != null)) {
      throw new IllegalArgumentException(
          kind == Kind.MISMATCH
              ? "a MISMATCH record needs the response the target sent"
              : "only a MISMATCH record carries a response, not " + kind);
    }
    byte[] response = mismatchResponseOrNull == null ? NO_RESPONSE : mismatchResponseOrNull;
    return ByteBuffer.allocate(HEADER_LENGTH + response.length)
        .put(PREFIX)
        .putInt(kind.code())
        .put(response)
        .array();
  }

  /**
   * Parses an {@code extra} field. Bytes after the kind of a TIMEOUT or MISSING_FIELD record are
   * ignored, as the original's reader ignores them.
   *
   * @throws IllegalArgumentException if {@code extra} is not a failure record
   */
  public static FailureRecord decode(byte[] extra) {
    if (extra.length < PREFIX.length
        || !Arrays.equals(extra, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
      throw new IllegalArgumentException(
          "extra does not start with \"dnstap-replay/DnstapHandlerError\\0\"");
    }
    if (extra.length < HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "extra ends after the prefix, before its 4-byte kind (" + extra.length + " bytes)");
    }
    int code = ByteBuffer.wrap(extra, PREFIX.length, Integer.BYTES).getInt();
    for (Kind kind : Kind.values()) {
      if (kind.code() == code) {
        byte[] response =
            kind == Kind.MISMATCH
                ? Arrays.copyOfRange(extra, HEADER_LENGTH, extra.length)
                : NO_RESPONSE;
        return new FailureRecord(kind, response);
      }
    }
    throw new IllegalArgumentException(
        "extra has unknown kind " + Integer.toUnsignedString(code) + "; expected 1, 2 or 3");
  }

  /**
   * Returns {@code original} serialized with {@code extra} set, replacing any {@code extra} it had
   * as the original does: the record that goes into the errors and timeouts buffers.
   */
  public static byte[] withExtra(DnstapProto.Dnstap original, byte[] extra) {
    return original.toBuilder().setExtra(ByteString.copyFrom(extra)).build().toByteArray();
  }

  public Kind kind() {
    return kind;
  }

  /** The target's response for a {@link Kind#MISMATCH}, else an empty array. */
  public byte[] mismatchResponse() {
    return mismatchResponse.clone();
  }
}
