// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.zone;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import org.xbill.DNS.Zone;
import org.zonesync.bench.xfr.AxfrFixture;
import org.zonesync.core.internal.zone.CompactZone;

/**
 * Measures the heap a finished zone snapshot retains: zonesync's {@code CompactZone} against
 * dnsjava's {@link Zone} holding the same records. Not a JMH benchmark: retained size is a
 * property of the result, not of a timed loop.
 *
 * <p><b>Method.</b> {@link AxfrFixture} generates a {@code SyntheticZone} of N records (fixed
 * seed) and records its TSIG-signed AXFR stream. Each zone is then built through the same decode
 * path as {@code AxfrInBenchmark} ({@code AxfrStream}, resp. {@code Message} + {@code Zone}).
 * The heap is settled by calling {@link System#gc()} until the used heap
 * ({@link MemoryMXBean#getHeapMemoryUsage()}) stops falling (at most 10 times). The retained size
 * is "settled heap while the zone is strongly held" minus "settled heap right after it is
 * released": measuring the baseline after the zone rather than before it keeps leftovers of the
 * setup (which some collectors free only later) out of the figure. The recorded stream stays
 * reachable throughout, so it cancels out; a small decode of both kinds runs first so that class
 * initialisation (dnsjava's type tables, for instance) is not charged to either. Run it with the
 * default G1 collector: there, at 1,000,000 records, both figures agreed with a JOL
 * {@code GraphLayout} walk of the same zones to within 0.1% (under {@code -XX:+UseSerialGC} the
 * dnsjava figure came out 3% high). For the allocation rate while decoding, run
 * {@code AxfrInBenchmark} with {@code -prof gc} instead.
 *
 * <p><b>Command</b> (N defaults to 1,000,000; the default heap of a 24 GiB machine suffices):
 *
 * <pre>
 * java -cp sync-benchmarks/target/benchmarks.jar org.zonesync.bench.zone.SnapshotFootprint 1000000
 * </pre>
 *
 * <p>It prints one line per zone, {@code retained bytes: N (X MiB)}, with bytes per record, and
 * for zonesync also {@link CompactZone#retainedBytesEstimate()}.
 */
public final class SnapshotFootprint {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final double MIB = 1024.0 * 1024.0;

  private SnapshotFootprint() {
  }

  /**
   * Runs the measurement.
   *
   * @param args optionally the number of records, default 1,000,000
   * @throws Exception if the fixture cannot be recorded or a decoder rejects it
   */
  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;

    AxfrFixture warmUp = AxfrFixture.record(1_000);
    warmUp.check();

    AxfrFixture fixture = AxfrFixture.record(records);
    System.out.printf(Locale.ROOT, "zone: %d records in %d messages, %d bytes on the wire%n",
        records, fixture.messageCount(), fixture.bytes());

    long ours = heldZonesync(fixture) - settledHeapUsed();
    print("zonesync CompactZone", ours, records);
    long theirs = heldDnsjava(fixture) - settledHeapUsed();
    print("dnsjava Zone", theirs, records);
    System.out.printf(Locale.ROOT, "dnsjava / zonesync: %.2fx%n", (double) theirs / ours);
    Reference.reachabilityFence(fixture);
  }

  /** Builds the zonesync zone and returns the settled heap while it is held. */
  private static long heldZonesync(AxfrFixture fixture) throws Exception {
    CompactZone zone = fixture.decodeZonesync();
    long held = settledHeapUsed();
    long estimate = zone.retainedBytesEstimate();
    System.out.printf(Locale.ROOT, "zonesync retainedBytesEstimate(): %d (%.1f MiB)%n", estimate,
        estimate / MIB);
    Reference.reachabilityFence(zone);
    return held;
  }

  /** Builds the dnsjava zone and returns the settled heap while it is held. */
  private static long heldDnsjava(AxfrFixture fixture) throws Exception {
    Zone zone = fixture.decodeDnsjava();
    long held = settledHeapUsed();
    Reference.reachabilityFence(zone);
    return held;
  }

  private static void print(String what, long retained, long records) {
    System.out.printf(Locale.ROOT, "%s: retained bytes: %d (%.1f MiB), %.1f bytes/record%n",
        what, retained, retained / MIB, (double) retained / records);
  }

  /**
   * Collects until the used heap stops falling by more than 64 KiB, at most 10 times.
   *
   * @return the used heap after that, in bytes
   */
  public static long settledHeapUsed() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = MEMORY.getHeapMemoryUsage().getUsed();
      if (used - now < 64 * 1024) {
        return Math.min(used, now);
      }
      used = now;
    }
    return used;
  }
}
