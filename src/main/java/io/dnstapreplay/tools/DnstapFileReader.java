// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.framestream.FrameStreamException;
import io.dnstapreplay.framestream.FrameStreamReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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
  /**
   * Largest data frame read: above the daemon's default of 128 KiB because a failure record can
   * carry a third DNS message (the target's response) beside the logged query and response.
   */
  public static final int MAX_FRAME_LENGTH = 1 << 20;

  /** The file name that means standard input. */
  public static final String STDIN = "-";

  private final String name;
  private final FrameStreamReader frames;

  /**
   * Reads nothing yet.
   *
   * @param name what error messages call the stream
   */
  public DnstapFileReader(InputStream in, String name) {
    this.name = name;
    this.frames = new FrameStreamReader(in, MAX_FRAME_LENGTH);
  }

  /**
   * Opens {@code file}, or standard input for {@value #STDIN} (then left open by {@link #close()}).
   */
  public static DnstapFileReader open(String file, InputStream stdin) throws IOException {
    if (file.equals(STDIN)) {
      return new DnstapFileReader(
          new FilterInputStream(stdin) {
            @Override
            public void close() {}
          },
          "standard input");
    }
    InputStream in;
    try {
      in = Files.newInputStream(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return new DnstapFileReader(in, file);
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
