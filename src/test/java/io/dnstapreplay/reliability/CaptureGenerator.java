// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.reliability;

import com.google.protobuf.ByteString;
import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.DnstapProto.Message;
import io.dnstapreplay.dnstap.DnstapProto.SocketFamily;
import io.dnstapreplay.dnstap.DnstapProto.SocketProtocol;
import io.dnstapreplay.framestream.FrameStreamWriter;
import io.dnstapreplay.framestream.FrameStreams;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CaptureGenerator writes a synthetic dnstap capture for load tests: any number of distinct UDP
 * AUTH_RESPONSE payloads, each asking for a name under {@code example.test.} that the lab's zones
 * do not have ({@code q<n>.example.test. A}) and logged as a NOERROR answer without records. A
 * target serving the lab zone answers NXDOMAIN, so every replay is a mismatch; a target that drops
 * the queries turns every one into a timeout. Each payload has its own question, so none waits for
 * another in flight.
 *
 * <pre>
 * java -cp target/test-classes:target/dnstap-replay.jar \
 *     io.dnstapreplay.reliability.CaptureGenerator FILE COUNT [FIRST [PADDING]]
 * </pre>
 *
 * <p>FIRST is the number of the first payload (default 0); PADDING bytes are appended to each
 * logged response (default 0), to make payloads, and their timeout records, as large as wanted.
 */
public final class CaptureGenerator {
  private static final int DNS_HEADER_LENGTH = 12;
  private static final int FLAGS_QR_AA = 0x8400;
  private static final int TYPE_A = 1;
  private static final int CLASS_IN = 1;
  private static final long START_SECONDS = 1_700_000_000L;

  private CaptureGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 4) {
      System.err.println("usage: CaptureGenerator FILE COUNT [FIRST [PADDING]]");
      System.exit(2);
    }
    int count = Integer.parseInt(args[1]);
    int first = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int padding = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    try (OutputStream out = Files.newOutputStream(Path.of(args[0]));
        FrameStreamWriter w = new FrameStreamWriter(out, FrameStreams.DNSTAP_CONTENT_TYPE)) {
      for (int i = first; i < first + count; i++) {
        w.write(payload(i, padding));
      }
    }
  }

  /** The {@code n}th payload: a serialized dnstap message. */
  static byte[] payload(int n) {
    return payload(n, 0);
  }

  /** The {@code n}th payload with {@code padding} bytes after its logged response. */
  static byte[] payload(int n, int padding) {
    byte[] response = Arrays.copyOf(loggedResponse(n), loggedResponse(n).length + padding);
    return frame(
        query(n, Message.Type.AUTH_RESPONSE, dnsMessage(n, 0))
            .setResponseTimeSec(START_SECONDS + n / 1000)
            .setResponseTimeNsec(n % 1000 * 1_000_000 + 1000)
            .setResponseMessage(ByteString.copyFrom(response)));
  }

  /**
   * The query of the {@code n}th payload logged alone, as servers other than Knot log it (for
   * {@code --pair}), with {@code padding} bytes after the DNS query.
   */
  static byte[] queryMessage(int n, int padding) {
    byte[] query = dnsMessage(n, 0);
    return frame(query(n, Message.Type.AUTH_QUERY, Arrays.copyOf(query, query.length + padding)));
  }

  /** A message of payload {@code n}'s client and query time, with {@code query} its query. */
  private static Message.Builder query(int n, Message.Type type, byte[] query) {
    return Message.newBuilder()
        .setType(type)
        .setSocketFamily(SocketFamily.INET)
        .setSocketProtocol(SocketProtocol.UDP)
        .setQueryAddress(ByteString.copyFrom(new byte[] {(byte) 192, 0, 2, (byte) n}))
        .setQueryPort(1024 + n % 60_000)
        .setQueryTimeSec(START_SECONDS + n / 1000)
        .setQueryTimeNsec(n % 1000 * 1_000_000)
        .setQueryMessage(ByteString.copyFrom(query));
  }

  private static byte[] frame(Message.Builder m) {
    return Dnstap.newBuilder()
        .setIdentity(ByteString.copyFromUtf8("load-test"))
        .setType(Dnstap.Type.MESSAGE)
        .setMessage(m)
        .build()
        .toByteArray();
  }

  /** The response logged in payload {@code n}. */
  static byte[] loggedResponse(int n) {
    return dnsMessage(n, FLAGS_QR_AA);
  }

  /** Which payload a replayed query comes from: n of its first label {@code q<n>}. */
  static int payloadNumber(byte[] query) {
    int length = query[DNS_HEADER_LENGTH];
    return Integer.parseInt(
        new String(query, DNS_HEADER_LENGTH + 2, length - 1, StandardCharsets.US_ASCII));
  }

  /** A header with ID {@code n mod 65536} and {@code flags}, and the question of payload n. */
  private static byte[] dnsMessage(int n, int flags) {
    byte[] label = ("q" + n).getBytes(StandardCharsets.US_ASCII);
    byte[] example = "example".getBytes(StandardCharsets.US_ASCII);
    byte[] test = "test".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b =
        ByteBuffer.allocate(
            DNS_HEADER_LENGTH + 4 + label.length + example.length + test.length + 4);
    b.putShort((short) n).putShort((short) flags).putShort((short) 1).putShort((short) 0);
    b.putShort((short) 0).putShort((short) 0);
    b.put((byte) label.length).put(label);
    b.put((byte) example.length).put(example);
    b.put((byte) test.length).put(test).put((byte) 0);
    b.putShort((short) TYPE_A).putShort((short) CLASS_IN);
    return b.array();
  }
}
