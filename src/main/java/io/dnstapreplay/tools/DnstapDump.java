// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import io.dnstapreplay.dnstap.DnstapProto;
import java.io.IOException;
import java.io.Writer;

/**
 * dnstap-dump: every message of a dnstap file as a YAML document or a JSON line. Streams: one
 * message is read, written and dropped before the next is read, so memory stays flat for any file.
 */
public final class DnstapDump {
  /** The output formats. */
  public enum Format {
    /** One YAML document per message, in the original dnstap-dump's layout. */
    YAML,
    /** One JSON object per line, same keys. */
    JSON
  }

  /**
   * Writing the output failed, e.g. the reader of a pipe went away; reading errors are plain {@link
   * IOException}s, so a caller can tell the two apart.
   */
  public static final class OutputException extends IOException {
    private static final long serialVersionUID = 1L;

    OutputException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private DnstapDump() {}

  /**
   * Writes every message of {@code in} to {@code out} and flushes it, also when reading fails
   * part-way, so that everything before a damaged frame is shown.
   *
   * @return how many messages were written
   * @throws OutputException if writing fails
   * @throws IOException if reading fails
   */
  public static long dump(DnstapFileReader in, Format format, Writer out) throws IOException {
    DocumentWriter writer =
        format == Format.JSON ? new JsonDocumentWriter(out) : new YamlDocumentWriter(out);
    long count = 0;
    try {
      for (DnstapProto.Dnstap d = in.next(); d != null; d = in.next()) {
        write(d, writer);
        count++;
      }
    } finally {
      flush(out);
    }
    return count;
  }

  private static void write(DnstapProto.Dnstap d, DocumentWriter writer) throws OutputException {
    try {
      DnstapDocument.write(d, writer);
    } catch (IOException e) {
      throw new OutputException(e);
    }
  }

  private static void flush(Writer out) throws OutputException {
    try {
      out.flush();
    } catch (IOException e) {
      throw new OutputException(e);
    }
  }
}
