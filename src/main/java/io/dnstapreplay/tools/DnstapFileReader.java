// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dnstapreplay.collector.InputFiles;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.framestream.FrameStreamException;
import io.dnstapreplay.framestream.FrameStreamReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the dnstap messages of a Frame Streams file one at a time, for every tool here. Nothing is
 * kept between calls, so a file of any size is read in constant memory. It takes every file the
 * original's tools take (see {@link FrameStreamReader}): an empty file is no messages, and the
 * START frame's content type is not checked, since each frame is parsed as dnstap anyway.
 *
 * <p>Every error is an {@link IOException} (the codec's unchecked {@link FrameStreamException}s
 * included) whose message starts with the file's name and names the byte offset of the frame where
 * it was found: the frame codec's own errors (truncated, corrupt, oversized frames) and a data
 * frame that is not a dnstap message. Messages are parsed leniently (a missing {@code required}
 * field is accepted), because these tools exist to look at whatever a server wrote.
 */
public final class DnstapFileReader implements Closeable {
  private final String name;
  private final FrameStreamReader frames;

  /**
   * Reads nothing yet.
   *
   * @param name what error messages call the stream
   */
  public DnstapFileReader(InputStream in, String name) {
    this.name = name;
    this.frames = new FrameStreamReader(in, InputFiles.MAX_FRAME_LENGTH);
  }

  /**
   * Opens {@code file}, or standard input for {@value InputFiles#STDIN} (then left open by {@link
   * #close()}).
   */
  public static DnstapFileReader open(String file, InputStream stdin) throws IOException {
    InputFiles.Input input = InputFiles.open(file, stdin);
    return new DnstapFileReader(input.in(), input.name());
  }

  /**
   * Returns the next message, or null at the end of the file.
   *
   * @throws IOException if the next frame is broken or is not a dnstap message
   */
  public DnstapProto.Dnstap next() throws IOException {
    byte[] frame;
    try {
      frame = frames.next();
    } catch (IOException | FrameStreamException e) {
      throw named(e.getMessage(), e);
    }
    if (frame == null) {
      return null;
    }
    try {
      return DnstapProto.Dnstap.parser().parsePartialFrom(frame);
    } catch (InvalidProtocolBufferException e) {
      throw named(
          "frame at byte offset "
              + frames.frameOffset()
              + ": not a dnstap message: "
              + e.getMessage(),
          e);
    }
  }

  /** Closes the stream this reader was given. */
  @Override
  public void close() throws IOException {
    frames.close();
  }

  private IOException named(String message, Throwable cause) {
    return new IOException(name + ": " + message, cause);
  }
}
