// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.bench;

import io.dnstapreplay.dnstap.DnstapProto.Dnstap;
import io.dnstapreplay.dnstap.Payload;
import io.dnstapreplay.failure.FailureRecord;
import io.dnstapreplay.framestream.FrameStreamReader;
import io.dnstapreplay.framestream.FrameStreams;
import io.dnstapreplay.ipnet.IpNetworks;
import io.dnstapreplay.proxyv2.ProxyV2Header;
import io.dnstapreplay.replay.InFlightTable;
import io.dnstapreplay.replay.PayloadFilter;
import io.dnstapreplay.replay.QueryKey;
import io.dnstapreplay.replay.ResponseComparator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-payload CPU cost of each stage on the real Knot capture, to tell which stage would limit the
 * replay rate. Run with {@code scripts/bench-jmh}; figures in BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {
  private final List<byte[]> frames = new ArrayList<>();
  private final List<Payload> messages = new ArrayList<>();
  private final List<PayloadFilter.Decision.Replay> replays = new ArrayList<>();
  private final PayloadFilter.Options options =
      new PayloadFilter.Options(true, IpNetworks.none(), false);
  private InFlightTable<PayloadFilter.Decision.Replay> table;
  private ByteBuf out;
  private int next;

  @Setup
  public void load() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("testdata", "knot-auth-responses.tap"));
        FrameStreamReader reader =
            new FrameStreamReader(in, FrameStreams.DEFAULT_MAX_DATA_FRAME_LENGTH)) {
      for (byte[] f; (f = reader.next()) != null; ) {
        frames.add(f);
        Payload d = Payload.decode(f);
        messages.add(d);
        if (PayloadFilter.classify(d, options) instanceof PayloadFilter.Decision.Replay r) {
          replays.add(r);
        }
      }
    }
    table = new InFlightTable<>(TimeUnit.SECONDS.toNanos(5), 4096);
    out = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
  }

  @TearDown
  public void release() {
    out.release();
  }

  private int nextIndex(int size) {
    next = next + 1 == size ? 0 : next + 1;
    return next;
  }

  /** Collector: a data frame becomes a dnstap message. */
  @Benchmark
  public Dnstap parseDnstap() throws IOException {
    return Dnstap.parseFrom(frames.get(nextIndex(frames.size())));
  }

  /** Collector: a data frame becomes a payload, the fields replay decides on. */
  @Benchmark
  public Payload decodePayload() throws IOException {
    return Payload.decode(frames.get(nextIndex(frames.size())));
  }

  /** The replay pump: SPEC section 3 filtering plus the matching key. */
  @Benchmark
  public void classifyAndKey(Blackhole bh) {
    Payload d = messages.get(nextIndex(messages.size()));
    PayloadFilter.Decision decision = PayloadFilter.classify(d, options);
    bh.consume(decision);
    if (decision instanceof PayloadFilter.Decision.Replay r) {
      bh.consume(QueryKey.of(r.query()));
    }
  }

  /** UDP socket: header plus query into a pooled buffer. */
  @Benchmark
  public int proxyHeaderAndQuery() {
    PayloadFilter.Decision.Replay r = replays.get(nextIndex(replays.size()));
    out.clear();
    ProxyV2Header.encode(out, r.queryAddress(), r.queryPort(), r.responseTime());
    out.writeBytes(r.query());
    return out.readableBytes();
  }

  /** UDP socket: track a query, then match its response and compare it. */
  @Benchmark
  public Object trackMatchCompare() {
    PayloadFilter.Decision.Replay r = replays.get(nextIndex(replays.size()));
    QueryKey key = QueryKey.of(r.query());
    table.tryAdd(key, r, next);
    InFlightTable.Completed<PayloadFilter.Decision.Replay> c =
        table.complete(QueryKey.of(r.loggedResponse()));
    return ResponseComparator.compare(c.value().loggedResponse(), r.loggedResponse(), false);
  }

  /** A mismatch: the failure record that goes to the /errors buffer. */
  @Benchmark
  public byte[] mismatchRecord() {
    Payload d = messages.get(nextIndex(messages.size()));
    return FailureRecord.withExtra(
        d.dnstap(), FailureRecord.encode(FailureRecord.Kind.MISMATCH, d.responseMessage()));
  }
}
