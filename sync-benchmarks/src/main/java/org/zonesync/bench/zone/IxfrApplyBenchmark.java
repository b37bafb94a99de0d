// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.zone;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Zone;
import org.zonesync.api.ZoneDelta;
import org.zonesync.bench.AbstractBenchmark;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * Delta in (DESIGN.md, hot path 2): the time to apply one 100-record IXFR delta (RFC 1995
 * section 4) to a zone, which copy-on-write should make independent of the zone's size.
 *
 * <p><b>What one operation is.</b> {@code zonesync}: {@code base.apply(delta, false, 0, 0)} on
 * the immutable base {@code CompactZone}, returning the new version; the base is never changed,
 * so every operation applies the same delta to the same base. {@code rebuild}: the O(n)
 * alternative, {@link Rebuild}: every base record walked in wire form, the deleted ones and the
 * old SOA dropped, the rest plus the new SOA and the added records fed to a new
 * {@code CompactZoneBuilder}, which sorts and lays out the whole zone again. {@code dnsjava}: the
 * 50 {@code Zone.removeRecord} and 50 {@code Zone.addRecord} calls of the delta and the SOA
 * replacement ({@code addRecord(soa)}, which dnsjava 3.7 treats as a replace) on a mutable
 * {@link Zone}. Copying a million-record dnsjava zone per operation would swamp the figure, so
 * the dnsjava state alternates: odd operations apply the delta, even ones its exact inverse (the
 * 50 added records removed, the 50 deleted ones put back, the old SOA restored), which has the
 * same size. One dnsjava operation is therefore one 100-record delta applied in place; the zone
 * is back at the base version after every second operation. In-place mutation is cheaper than
 * what a serving secondary needs (readers see the zone half-changed), so dnsjava's figure is a
 * lower bound for it.
 *
 * <p><b>Input.</b> {@link DeltaFixture}: a {@code SyntheticZone} of {@code records} records
 * (fixed seed, the same zone as {@code AxfrInBenchmark}), built with {@code CompactZoneBuilder}
 * and as a dnsjava {@code Zone}; the first delta of {@link DeltaFixture#chain}: 50 existing A,
 * AAAA and TXT records deleted and 50 new ones added, both spread evenly over the zone, and the
 * serial bumped, encoded once as a {@link WireDelta} (for zonesync) and as dnsjava records.
 * Setup checks that zonesync's result equals the rebuilt zone record for record, that the added
 * records are present and the deleted ones gone, that the base is unchanged, and that dnsjava's
 * zone has the delta applied after one operation and is back at the base after two.
 *
 * <p><b>Reading the result.</b> Microseconds per applied delta. Target: zonesync at most 1 ms,
 * and about the same at 10,000 and 1,000,000 records.
 *
 * <p><b>Command</b> (from the repository root, after {@code mvn -pl sync-benchmarks -am
 * package}):
 *
 * <pre>
 * java -jar sync-benchmarks/target/benchmarks.jar IxfrApplyBenchmark
 * java -jar sync-benchmarks/target/benchmarks.jar IxfrApplyBenchmark -p records=1000000 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IxfrApplyBenchmark extends AbstractBenchmark {

  /** The way of applying the delta. Constant names are the {@code -p impl=} values. */
  public enum Impl {
    /** Copy-on-write {@code CompactZone.apply}. */
    zonesync,
    /** In-place {@code Zone.removeRecord}/{@code addRecord} on a dnsjava {@code Zone}. */
    dnsjava,
    /** A new {@code CompactZone} built from the base's records and the delta. */
    rebuild
  }

  /** Records in the base zone, the SOA included. */
  @Param({"10000", "1000000"})
  public int records;

  /** The way of applying the delta. */
  @Param({"zonesync", "dnsjava", "rebuild"})
  public Impl impl;

  private @Nullable CompactZone base;
  private @Nullable WireDelta wireDelta;
  private @Nullable ZoneDelta delta;
  private @Nullable Rebuild rebuild;
  private @Nullable Zone dnsjavaZone;
  /** Whether the dnsjava zone currently holds the delta's result. */
  private boolean dnsjavaApplied;

  /** Creates the state; JMH fills the parameters. */
  public IxfrApplyBenchmark() {
    this.records = 10_000;
    this.impl = Impl.zonesync;
  }

  /**
   * Generates the zone and the delta in every form and checks the three ways agree.
   *
   * @throws Exception if the zone or delta cannot be built, or a check fails
   */
  @Setup(Level.Trial)
  public void prepare() throws Exception {
    List<Record> zone = DeltaFixture.zoneRecords(records);
    ZoneDelta d = DeltaFixture.chain(zone, 1).get(0);
    CompactZone b = DeltaFixture.compact(zone);
    WireDelta w = DeltaFixture.toWire(d);
    Rebuild r = new Rebuild(d);

    CompactZone applied = b.apply(w, false, 0, 0);
    CompactZone rebuilt = r.apply(b);
    check(applied.contentEquals(rebuilt), "zonesync's applied zone differs from the rebuilt one");
    check(applied.recordCount() == b.recordCount() && applied.recordCount() == records,
        "applied zone has " + applied.recordCount() + " records, base " + b.recordCount());
    check(applied.soa().getSerial() == d.toSoa().getSerial(),
        "applied zone has serial " + applied.soa().getSerial());
    check(b.soa().getSerial() == d.fromSoa().getSerial(), "apply changed the base's serial");
    for (Record x : d.added()) {
      check(applied.lookup(x.getName(), x.getType()).contains(x), "apply lost added " + x);
      check(!b.lookup(x.getName(), x.getType()).contains(x), "apply changed the base: " + x);
    }
    for (Record x : d.deleted()) {
      check(!applied.lookup(x.getName(), x.getType()).contains(x), "apply kept deleted " + x);
      check(b.lookup(x.getName(), x.getType()).contains(x), "apply changed the base: " + x);
    }
    base = b;
    wireDelta = w;
    delta = d;
    rebuild = r;

    if (impl == Impl.dnsjava) {
      Zone z = new Zone(DeltaFixture.ORIGIN, zone.toArray(new Record[0]));
      dnsjavaZone = z;
      dnsjavaApplied = false;
      apply(); // forward
      checkDnsjava(z, d.toSoa(), d.added(), d.deleted());
      apply(); // back
      checkDnsjava(z, d.fromSoa(), d.deleted(), d.added());
    }
  }

  /**
   * Applies the delta once.
   *
   * @return the resulting zone, so that nothing is optimised away
   * @throws Exception if zonesync or the rebuild rejects the delta (a bug: it is valid)
   */
  @Benchmark
  public Object apply() throws Exception {
    switch (impl) {
      case zonesync:
        return requireNonNull(base, "base").apply(requireNonNull(wireDelta, "wireDelta"), false,
            0, 0);
      case rebuild:
        return requireNonNull(rebuild, "rebuild").apply(requireNonNull(base, "base"));
      default:
        return applyDnsjava();
    }
  }

  /** Applies the delta, or its inverse if the zone already holds the delta's result. */
  private Zone applyDnsjava() {
    Zone z = requireNonNull(dnsjavaZone, "dnsjavaZone");
    ZoneDelta d = requireNonNull(delta, "delta");
    if (dnsjavaApplied) {
      change(z, d.added(), d.deleted(), d.fromSoa());
    } else {
      change(z, d.deleted(), d.added(), d.toSoa());
    }
    dnsjavaApplied = !dnsjavaApplied;
    return z;
  }

  private static void change(Zone z, List<Record> remove, List<Record> add, SOARecord soa) {
    for (Record r : remove) {
      z.removeRecord(r);
    }
    for (Record r : add) {
      z.addRecord(r);
    }
    z.addRecord(soa); // dnsjava 3.7 replaces the zone's one SOA
  }

  private void checkDnsjava(Zone z, SOARecord soa, List<Record> present, List<Record> absent) {
    check(z.getSOA().getSerial() == soa.getSerial(), "dnsjava zone has serial "
        + z.getSOA().getSerial() + ", expected " + soa.getSerial());
    for (Record x : present) {
      RRset set = z.findExactMatch(x.getName(), x.getType());
      check(set != null && set.rrs().contains(x), "dnsjava zone lacks " + x);
    }
    for (Record x : absent) {
      RRset set = z.findExactMatch(x.getName(), x.getType());
      check(set == null || !set.rrs().contains(x), "dnsjava zone still has " + x);
    }
    long n = 0;
    for (RRset set : z) {
      n += set.size();
    }
    check(n == records, "dnsjava zone has " + n + " records, expected " + records);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
