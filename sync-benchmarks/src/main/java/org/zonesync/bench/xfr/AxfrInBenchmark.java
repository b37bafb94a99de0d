// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.xfr;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.zonesync.api.TransferException;
import org.zonesync.bench.AbstractBenchmark;

/**
 * Transfer in (DESIGN.md, hot path 1): the time to turn a complete, TSIG-signed AXFR response
 * stream into a zone, zonesync against dnsjava on the same bytes.
 *
 * <p><b>What one operation is.</b> {@code zonesync}: a new {@code TsigStreamVerifier} and
 * {@code AxfrStream}; every message accepted (header checks, TSIG over the raw bytes, records
 * walked in place into a {@code CompactZoneBuilder}); {@code result()} returns the sorted
 * {@code CompactZone}. {@code dnsjava}: per message {@code new Message(bytes)} and
 * {@code TSIG.StreamVerifier.verify}, the answer records collected, the closing SOA dropped,
 * then {@code new Zone(origin, records)}, as {@code ZoneTransferIn} plus {@code Zone} do. No
 * sockets: the cost measured is decoding, verification and zone building only.
 *
 * <p><b>Input.</b> {@link AxfrFixture}: a {@code SyntheticZone} of {@code records} records
 * (fixed seed; about 50% A, 25% AAAA, 10% TXT, 7% CNAME, 5% MX, 2.5% SRV, 1% NS, half as many
 * host names as records, plus www/_sip/sub names), encoded once per trial by {@code AxfrWriter} into 65,535-byte
 * messages, each signed with hmac-sha256 (RFC 8945 section 5.3.1). Both verifiers use a clock
 * fixed at the signing time. Setup decodes the stream once both ways and fails unless each gives
 * the generated zone.
 *
 * <p><b>Reading the result.</b> The score is milliseconds per whole transfer; records per second
 * is {@code records / (score / 1000)}.
 *
 * <p><b>Command</b> (from the repository root, after {@code mvn -pl sync-benchmarks -am
 * package}):
 *
 * <pre>
 * java -jar sync-benchmarks/target/benchmarks.jar AxfrInBenchmark -p records=1000000
 * java -jar sync-benchmarks/target/benchmarks.jar AxfrInBenchmark -p records=100000 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
public class AxfrInBenchmark extends AbstractBenchmark {

  /** The decoder under test. Constant names are the {@code -p impl=} values. */
  public enum Impl {
    /** {@code AxfrStream} into a {@code CompactZone}. */
    zonesync,
    /** {@code Message} + {@code TSIG.StreamVerifier} into an {@code org.xbill.DNS.Zone}. */
    dnsjava
  }

  /** Records in the zone, the SOA included. */
  @Param({"100000", "1000000"})
  public int records;

  /** The decoder. */
  @Param({"zonesync", "dnsjava"})
  public Impl impl;

  private @Nullable AxfrFixture fixture;

  /** Creates the state; JMH fills the parameters. */
  public AxfrInBenchmark() {
    this.records = 100_000;
    this.impl = Impl.zonesync;
    this.fixture = null;
  }

  /**
   * Generates the zone, records its signed AXFR stream and checks both decoders on it.
   *
   * @throws Exception if recording fails or either decoder rejects or misreads the stream
   */
  @Setup(Level.Trial)
  public void record() throws Exception {
    AxfrFixture f = AxfrFixture.record(records);
    f.check();
    fixture = f;
  }

  /**
   * Decodes the whole stream into a zone.
   *
   * @return the zone, so that nothing is optimised away
   * @throws IOException if dnsjava rejects the stream
   * @throws TransferException if zonesync rejects the stream
   */
  @Benchmark
  public Object decode() throws IOException, TransferException {
    AxfrFixture f = requireNonNull(fixture, "fixture");
    return impl == Impl.zonesync ? f.decodeZonesync() : f.decodeDnsjava();
  }
}
