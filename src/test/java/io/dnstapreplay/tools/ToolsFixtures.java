// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.failure.FailureRecord.Kind;
import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.testing.KnotCapture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The Knot capture, tap files built in memory, and dumps of them, for the tools' tests. */
public final class ToolsFixtures {
  /** Messages of the capture: a SOA query without and one with EDNS, TCP whoami, IPv6 whoami. */
  public static final int SOA = 0;

  public static final int SOA_EDNS = 4;
  public static final int WHOAMI_A_UDP = 123;
  public static final int WHOAMI_A_TCP = 125;
  public static final int WHOAMI_AAAA_IPV6 = 318;

  private ToolsFixtures() {}

  public static DnstapProto.Dnstap captureMessage(int index) {
    try {
      return DnstapProto.Dnstap.parseFrom(KnotCapture.frames().get(index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The capture's {@code whoami.test. A} message with {@code extra} set. */
  public static DnstapProto.Dnstap withExtra(byte[] extra) {
    return captureMessage(WHOAMI_A_UDP).toBuilder().setExtra(ByteString.copyFrom(extra)).build();
  }

  /** The capture's {@code whoami.test. A} answer, with another address. */
  public static byte[] whoamiAnsweredWith(int a, int b, int c, int d) {
    byte[] response = captureMessage(WHOAMI_A_UDP).getMessage().getResponseMessage().toByteArray();
    int at = response.length - 4;
    response[at] = (byte) a;
    response[at + 1] = (byte) b;
    response[at + 2] = (byte) c;
    response[at + 3] = (byte) d;
    return response;
  }

  /** The four kinds of {@code extra}: a mismatch (192.0.2.77), timeout, missing field, not ours. */
  public static byte[] extraKindsTap() {
    return tapOf(
        withExtra(FailureRecord.encode(Kind.MISMATCH, whoamiAnsweredWith(192, 0, 2, 77))),
        withExtra(FailureRecord.encode(Kind.TIMEOUT, null)),
        withExtra(FailureRecord.encode(Kind.MISSING_FIELD, null)),
        withExtra("not ours".getBytes(StandardCharsets.US_ASCII)));
  }

  /** A dnstap file (START, the frames, STOP). */
  public static byte[] tap(List<byte[]> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FrameStreamWriter w = new FrameStreamWriter(out, FrameStreams.DNSTAP_CONTENT_TYPE)) {
      for (byte[] f : frames) {
        w.write(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] tapOf(DnstapProto.Dnstap... messages) {
    List<byte[]> frames = new ArrayList<>();
    for (DnstapProto.Dnstap m : messages) {
      frames.add(m.toByteArray());
    }
    return tap(frames);
  }

  /** Dumps {@code tap} completely; fails on any error. */
  public static String dump(byte[] tap, DnstapDump.Format format) {
    StringWriter out = new StringWriter();
    try (DnstapFileReader r = new DnstapFileReader(new ByteArrayInputStream(tap), "test")) {
      DnstapDump.dump(r, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static String resource(String name) {
    try (InputStream in = ToolsFixtures.class.getResourceAsStream("/tools/" + name)) {
      if (in == null) {
        throw new AssertionError("no test resource tools/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ByteString hex(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex.replaceAll("\\s", "")));
  }
}
