// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dnstapreplay.testing.KnotCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The dump keeps pace with its input: when frame k is read, the documents of all but the few frames
 * the input buffer holds are already written. Output that lags by a bounded number of frames proves
 * nothing accumulates, whatever the file's size; {@code scripts/bench-dump} shows the same for a
 * million frames under {@code -Xmx64m}.
 */
class DumpStreamingTest {
  private static final int FRAMES = 20_000;

  /** {@code BufferedInputStream}'s default buffer, which FrameStreamReader reads through. */
  private static final int READ_AHEAD_BYTES = 8192;

  @Test
  void eachDocumentIsWrittenBeforeMuchMoreInputIsRead() throws IOException {
    byte[] frame = KnotCapture.frames().get(ToolsFixtures.WHOAMI_A_UDP);
    DocumentCounter out = new DocumentCounter();
    int maxLag = READ_AHEAD_BYTES / (4 + frame.length) + 2;
    GeneratedTap in = new GeneratedTap(frame, FRAMES, out, maxLag);
    try (DnstapFileReader reader = new DnstapFileReader(in, "generated")) {
      assertEquals(FRAMES, DnstapDump.dump(reader, DnstapDump.Format.YAML, out));
    }
    assertEquals(FRAMES, out.documents);
    assertEquals(FRAMES - maxLag, in.checked);
  }

  /** Counts the YAML document ends written; keeps nothing. */
  private static final class DocumentCounter extends Writer {
    long documents;
    private int dashes;
    private boolean lineStart = true;

    @Override
    public void write(char[] cbuf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = cbuf[i];
        if (c == '\n') {
          if (dashes == 3) {
            documents++;
          }
          dashes = 0;
          lineStart = true;
        } else if (c == '-' && (lineStart || dashes > 0)) {
          dashes++;
          lineStart = false;
        } else {
          dashes = -1;
          lineStart = false;
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /**
   * START, {@code count} copies of a data frame made as they are read, STOP; before handing out
   * frame k it checks that at least k - maxLag documents have been written.
   */
  private static final class GeneratedTap extends InputStream {
    private final byte[] start;
    private final byte[] frame;
    private final byte[] stop;
    private final int count;
    private final DocumentCounter out;
    private final int maxLag;
    private byte[] current;
    private int pos;
    private int produced = -1;
    int checked;

    GeneratedTap(byte[] payload, int count, DocumentCounter out, int maxLag) throws IOException {
      ByteArrayOutputStream startAndStop = new ByteArrayOutputStream();
      new io.dnstapreplay.framestream.FrameStreamWriter(startAndStop, "protobuf:dnstap.Dnstap")
          .close();
      byte[] both = startAndStop.toByteArray();
      this.start = java.util.Arrays.copyOf(both, both.length - 12);
      this.stop = java.util.Arrays.copyOfRange(both, both.length - 12, both.length);
      this.frame =
          ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
      this.count = count;
      this.out = out;
      this.maxLag = maxLag;
      this.current = start;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == current.length && !advance()) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    private boolean advance() {
      if (current == stop) {
        return false;
      }
      produced++;
      if (produced >= maxLag && produced < count) {
        assertTrue(
            out.documents >= produced - maxLag,
            "frame " + produced + " read with only " + out.documents + " documents written");
        checked++;
      }
      current = produced < count ? frame : stop;
      pos = 0;
      return true;
    }
  }
}
