// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.tools;

import com.google.protobuf.ByteString;
import com.google.protobuf.ProtocolMessageEnum;
import io.dnstapreplay.dnstap.DnstapProto;
import io.dnstapreplay.dnstext.DnsText;
import io.dnstapreplay.dnstext.IpAddressText;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.mismatch.Mismatch;
import io.dnstapreplay.mismatch.MismatchClassifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.StringJoiner;

/**
 * Walks one dnstap message into a {@link DocumentWriter} with the original dnstap-dump's keys, in
 * its order, so that scripts written for its output keep working. Fields that are absent, or that
 * cannot be shown as their type (an address that is neither 4 nor 16 bytes, a time outside years
 * 0..9999), are left out, as the original leaves them out.
 *
 * <p>Beyond the original: a mismatch record also gets {@code mismatch_diff}, a unified diff from
 * the logged response to the one the target sent.
 */
final class DnstapDocument {
  private static final String DIFF_FROM = "logged response";
  private static final String DIFF_TO = "received response";

  private static final HexFormat HEX = HexFormat.of();
  private static final int IPV4_LENGTH = 4;
  private static final int IPV6_LENGTH = 16;

  /** 9999-12-31T23:59:59Z: a later time has no four-digit year. */
  private static final long MAX_EPOCH_SECOND = 253_402_300_799L;

  private DnstapDocument() {}

  static void write(DnstapProto.Dnstap d, DocumentWriter w) throws IOException {
    w.beginDocument();
    if (d.hasType()) {
      w.symbol("type", enumName(d.getType()));
    }
    if (d.hasIdentity()) {
      w.string("identity", d.getIdentity().toString(StandardCharsets.UTF_8));
    }
    if (d.hasVersion()) {
      w.string("version", d.getVersion().toString(StandardCharsets.UTF_8));
    }
    if (d.hasExtra()) {
      writeExtra(d.getExtra().toByteArray(), d.getMessage(), w);
    }
    if (d.hasMessage()) {
      writeMessage(d.getMessage(), w);
    }
    w.endDocument();
  }

  private static void writeExtra(byte[] extra, DnstapProto.Message message, DocumentWriter w)
      throws IOException {
    w.beginMap("extra");
    w.string("bytes", HEX.formatHex(extra));
    FailureRecord record;
    try {
      record = FailureRecord.decode(extra);
    } catch (IllegalArgumentException notOurs) {
      w.symbol("type", "DRDH_EXTRA_PAYLOAD_PARSE_ERROR");
      w.endMap();
      return;
    }
    w.symbol("type", "DRDH_" + record.kind().name());
    if (record.kind() == FailureRecord.Kind.MISMATCH) {
      byte[] received = record.mismatchResponse();
      String receivedText = DnsText.format(received).text();
      w.string("mismatch_bytes", HEX.formatHex(received));
      w.text("mismatch_formatted", receivedText);
      if (message.hasResponseMessage()) {
        byte[] logged = message.getResponseMessage().toByteArray();
        String loggedText = DnsText.format(logged).text();
        w.text("mismatch_diff", diff(loggedText, receivedText));
        Mismatch mismatch = MismatchClassifier.classify(logged, received);
        w.string("mismatch_classes", classes(mismatch));
        w.text("mismatch_fields", fields(mismatch));
      }
    }
    w.endMap();
  }

  /** The classes by their labels, comma-separated as {@code --equivalent} takes them. */
  static String classes(Mismatch mismatch) {
    StringJoiner j = new StringJoiner(",");
    mismatch.classes().forEach(c -> j.add(c.label()));
    return j.toString();
  }

  /** One line per field that differs, or a note that nothing does. */
  private static String fields(Mismatch mismatch) {
    StringBuilder s = new StringBuilder();
    mismatch.differences().forEach(d -> s.append(d).append('\n'));
    return s.isEmpty() ? "(no difference: the messages are equal)\n" : s.toString();
  }

  /** The diff, or a note when the texts agree and only the encodings differ. */
  private static String diff(String logged, String received) {
    String diff = TextDiff.unified(DIFF_FROM, logged, DIFF_TO, received);
    return diff.isEmpty() ? "(same text: the messages differ only in their encoding)\n" : diff;
  }

  private static void writeMessage(DnstapProto.Message m, DocumentWriter w) throws IOException {
    w.beginMap("message");
    if (m.hasType()) {
      w.symbol("type", enumName(m.getType()));
    }
    if (m.hasQueryTimeSec()) {
      timestamp("query_time", m.getQueryTimeSec(), m.hasQueryTimeNsec(), m.getQueryTimeNsec(), w);
    }
    if (m.hasResponseTimeSec()) {
      timestamp(
          "response_time",
          m.getResponseTimeSec(),
          m.hasResponseTimeNsec(),
          m.getResponseTimeNsec(),
          w);
    }
    if (m.hasSocketFamily()) {
      w.symbol("socket_family", enumName(m.getSocketFamily()));
    }
    if (m.hasSocketProtocol()) {
      w.symbol("socket_protocol", enumName(m.getSocketProtocol()));
    }
    if (m.hasQueryAddress()) {
      address("query_address", m.getQueryAddress(), w);
    }
    if (m.hasResponseAddress()) {
      address("response_address", m.getResponseAddress(), w);
    }
    if (m.hasQueryPort()) {
      w.number("query_port", Integer.toUnsignedLong(m.getQueryPort()));
    }
    if (m.hasResponsePort()) {
      w.number("response_port", Integer.toUnsignedLong(m.getResponsePort()));
    }
    if (m.hasQueryMessage()) {
      dnsMessage("query_message", m.getQueryMessage(), w);
    }
    if (m.hasResponseMessage()) {
      dnsMessage("response_message", m.getResponseMessage(), w);
    }
    w.endMap();
  }

  private static void dnsMessage(String key, ByteString bytes, DocumentWriter w)
      throws IOException {
    byte[] wire = bytes.toByteArray();
    w.string(key + "_bytes", HEX.formatHex(wire));
    w.text(key + "_formatted", DnsText.format(wire).text());
  }

  private static void address(String key, ByteString bytes, DocumentWriter w) throws IOException {
    if (bytes.size() == IPV4_LENGTH || bytes.size() == IPV6_LENGTH) {
      w.string(key, IpAddressText.of(bytes.toByteArray()));
    }
  }

  /**
   * dnstap times are u64 seconds and u32 nanoseconds since the epoch, both unsigned. As the
   * original: no fraction without nanoseconds, and nanoseconds as nine or more digits, even when
   * they are a second or more.
   */
  private static void timestamp(
      String key, long seconds, boolean hasNanos, int nanos, DocumentWriter w) throws IOException {
    if (seconds < 0 || seconds > MAX_EPOCH_SECOND) {
      return;
    }
    String fraction = hasNanos ? String.format(".%09d", Integer.toUnsignedLong(nanos)) : "";
    w.timestamp(key, LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC), fraction);
  }

  /**
   * Upper snake case as the original prints enums: {@code AUTH_RESPONSE}, {@code INET6}, and {@code
   * DNS_CRYPT_UDP} for the schema's {@code DNSCryptUDP}.
   */
  static String enumName(ProtocolMessageEnum value) {
    String name = value.getValueDescriptor().getName();
    return name.replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
        .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .toUpperCase(java.util.Locale.ROOT);
  }
}
