// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.xfrout;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zonesync.bench.AbstractBenchmark;

/**
 * Transfer out: the time to encode a snapshot as a TSIG-signed (hmac-sha256), many-answers AXFR
 * response of 65,535-byte messages with name compression (RFC 5936 section 2.2, RFC 8945
 * section 5.3.1), zonesync against dnsjava, same key, zone and record order.
 *
 * <p><b>What one operation is.</b> {@code zonesync}: a new {@code TsigStreamSigner} from the
 * verified request's MAC, a new {@code AxfrWriter(65535, signer, key)}, and
 * {@code write(zone, id, qname, Type.AXFR, sink)} over the {@code CompactZone}, exactly as
 * {@code TransferResponder} does. {@code dnsjava}: one {@code TSIG.StreamGenerator}; per message
 * a new {@code Message}, the records added, {@code generate(message)} and
 * {@code toWire(65535)}, with the records converted to dnsjava objects in setup (not timed) and
 * the per-message record counts zonesync chose (see {@link AxfrOutFixture#encodeDnsjava}). The
 * sink only adds each message's length to a counter and feeds one byte to the {@link Blackhole}:
 * no copies, no sockets.
 *
 * <p><b>Self-check.</b> Setup encodes both ways once and decodes both streams with dnsjava,
 * verifying TSIG with {@code TSIG.StreamVerifier} and comparing every record, in order, with the
 * zone plus the closing SOA ({@link AxfrOutFixture#check()}); it fails the trial otherwise.
 *
 * <p><b>Reading the result.</b> The score is milliseconds per whole transfer; records per second
 * is {@code (records + 1) / (score / 1000)}.
 *
 * <p><b>Command</b> (after {@code mvn -pl sync-benchmarks package}):
 *
 * <pre>
 * java -jar sync-benchmarks/target/benchmarks.jar AxfrOutBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Benchmark)
public class AxfrOutBenchmark extends AbstractBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(AxfrOutBenchmark.class);

  /** The encoder under test. Constant names are the {@code -p impl=} values. */
  public enum Impl {
    /** {@code AxfrWriter} with a {@code TsigStreamSigner}. */
    zonesync,
    /** {@code Message} + {@code TSIG.StreamGenerator} + {@code toWire(65535)}. */
    dnsjava
  }

  /** Records in the zone, the SOA included once. */
  @Param({"10000", "1000000"})
  public int records;

  /** The encoder. */
  @Param({"zonesync", "dnsjava"})
  public Impl impl;

  private @Nullable AxfrOutFixture fixture;
  private long bytes;

  /** Creates the state; JMH fills the parameters. */
  public AxfrOutBenchmark() {
    this.records = 10_000;
    this.impl = Impl.zonesync;
    this.fixture = null;
  }

  /**
   * Generates the zone and the request, and checks both encoders on it.
   *
   * @throws Exception if setup fails or either stream is invalid
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    AxfrOutFixture f = AxfrOutFixture.create(records);
    LOG.info("self-check passed: {}", f.check());
    fixture = f;
  }

  /**
   * Encodes the whole transfer.
   *
   * @param bh consumes one byte of each message
   * @return the bytes sent in this operation (all messages, no length prefixes)
   * @throws IOException never: the sink does not fail
   */
  @Benchmark
  public long encode(Blackhole bh) throws IOException {
    AxfrOutFixture f = requireNonNull(fixture, "fixture");
    bytes = 0;
    if (impl == Impl.zonesync) {
      f.encodeZonesync((buf, len) -> {
        bytes += len;
        bh.consume(buf[len - 1]);
      });
    } else {
      f.encodeDnsjava((buf, len) -> {
        bytes += len;
        bh.consume(buf[len - 1]);
      });
    }
    return bytes;
  }
}
