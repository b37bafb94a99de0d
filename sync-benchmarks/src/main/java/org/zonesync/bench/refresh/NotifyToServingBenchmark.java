// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.refresh;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferStats;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneReplica;
import org.zonesync.bench.AbstractBenchmark;
import org.zonesync.bench.zone.DeltaFixture;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TransferServer;
import org.zonesync.core.ZoneSync;
import org.zonesync.core.internal.zone.CompactZone;

/**
 * NOTIFY to serving (DESIGN.md, "The life of a secondary zone"): the time from a primary
 * sending NOTIFY for a new version of a zone to a zonesync replica serving it, over loopback.
 *
 * <p><b>What one operation is.</b> An in-process primary ({@link TransferServer}) has published
 * version N+1 of the zone before the operation (it computes and keeps the difference from N, as
 * BIND's {@code ixfr-from-differences} does; not timed); the operation sends a TSIG-signed
 * NOTIFY (RFC 1996) to the
 * replica's built-in listener ({@link TransferServer#notify}); the replica accepts it, sends an
 * SOA query over UDP, sees the newer serial, fetches the change by IXFR over TCP (RFC 1995,
 * signed both ways with hmac-sha256), applies it to the snapshot it holds and publishes the new
 * snapshot. The operation ends when the replica's {@code TransferFinished} event for serial N+1
 * arrives, which comes after {@link ZoneReplica#current()} returns N+1. Every version is a
 * 100-record change of the one before it (50 A records deleted, the ones the previous version
 * added; 50 added, spread over the zone), prepared before the operation and not timed. The
 * replica has no store (memory only), so no disk write is in the path.
 *
 * <p><b>Input.</b> {@link DeltaFixture#zoneRecords} ({@code SyntheticZone}, fixed seed) of
 * {@code records} records; {@code records=1000} is the baseline of the same path where zone
 * size plays no part. The SOA query rate is raised to 10,000/s: at the default 20/s the gate
 * would delay back-to-back operations, measuring the rate limit rather than the path.
 *
 * <p><b>Reading the result.</b> Sample time, milliseconds per operation, with percentiles.
 * Target: at most 10 ms warm at 1,000,000 records.
 *
 * <p><b>Command</b> (from the repository root, after {@code mvn -pl sync-benchmarks -am
 * package}):
 *
 * <pre>
 * java -jar sync-benchmarks/target/benchmarks.jar NotifyToServing -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@Warmup(iterations = 3, time = 3, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 5, timeUnit = TimeUnit.SECONDS)
public class NotifyToServingBenchmark extends AbstractBenchmark {

  /** Records added (and, one version later, deleted) per version. */
  static final int CHANGES = 50;
  /** Bound on one operation; past it the run fails rather than hangs. */
  private static final long OP_LIMIT_SECONDS = 30;
  private static final Name ORIGIN = DeltaFixture.ORIGIN;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Records in the zone, the SOA included. */
  @Param({"1000", "1000000"})
  public int records;

  private @Nullable TransferServer primary;
  private @Nullable ZoneSync sync;
  private @Nullable ZoneReplica replica;
  private @Nullable InetSocketAddress listen;
  private @Nullable CompactZone current;
  private @Nullable CompactZone next;
  private @Nullable CompletableFuture<Long> served;
  private volatile long expectedSerial;
  private volatile @Nullable CompletableFuture<Long> pending;
  private List<Name> owners = List.of();
  private int version;
  private long ops;

  /** Creates the state; JMH fills the parameters. */
  public NotifyToServingBenchmark() {
    this.records = 1000;
  }

  /**
   * Generates the zone, starts the primary and the replica, and waits for the first AXFR.
   *
   * @throws Exception if the zone cannot be built or the replica does not load it in 5 minutes
   */
  @Setup(Level.Trial)
  public void start() throws Exception {
    List<Record> zone = DeltaFixture.zoneRecords(records);
    owners = aOwners(zone, CHANGES * 97);
    CompactZone base = DeltaFixture.compact(zone);
    zone = List.of(); // the dnsjava records of a 1M zone are large: drop them
    version = 0;
    // version 1 only adds, so that every timed version deletes 50 and adds 50
    CompactZone first = base.apply(DeltaFixture.toWire(delta(base, 0)), false, 0, 0);
    version = 1;
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (0x3c ^ (i * 29));
    }
    TsigKey key = TsigKey.of(Name.fromConstantString("notify-bench."),
        TsigAlgorithm.HMAC_SHA256, secret);
    primary = TransferServer.builder().listen(new InetSocketAddress(LOOPBACK, 0)).zone(first)
        .keys(key).notifyKey(key).start();
    sync = ZoneSync.builder().soaQueryRate(10_000).listen(new InetSocketAddress(LOOPBACK, 0))
        .listener(this::onEvent).build();
    listen = sync.notifyAddress().orElseThrow();
    replica = sync.addSecondary(SecondaryZone.builder(ORIGIN)
        .primary(Primary.of(primary.address(), key)).build());
    replica.awaitCurrent(Duration.ofMinutes(5));
    current = first;
  }

  /**
   * Prepares the next version and the future its transfer completes; not timed.
   *
   * @throws Exception if the delta does not apply (a bug of the generator)
   */
  @Setup(Level.Invocation)
  public void prepare() throws Exception {
    CompactZone cur = requireNonNull(current, "current");
    next = cur.apply(DeltaFixture.toWire(delta(cur, version)), false, 0, 0);
    CompletableFuture<Long> f = new CompletableFuture<>();
    expectedSerial = next.serial().value();
    pending = f;
    served = f;
    // the change is made on the primary before the clock starts: what is timed is NOTIFY to
    // serving, not the primary's own publication
    requireNonNull(primary, "primary").publish(next);
  }

  /**
   * Sends the NOTIFY for the version published in {@link #prepare} and waits until the replica
   * serves it.
   *
   * @return the serial served
   * @throws Exception if the replica does not serve it within 30 s or the NOTIFY failed
   */
  @Benchmark
  public long notifyToServing() throws Exception {
    TransferServer p = requireNonNull(primary, "primary");
    CompactZone n = requireNonNull(next, "next");
    CompletableFuture<Duration> notified = p.notify(requireNonNull(listen, "listen"), ORIGIN);
    long serial = requireNonNull(served, "served").get(OP_LIMIT_SECONDS, TimeUnit.SECONDS);
    if (notified.isCompletedExceptionally()) {
      notified.join(); // throws the cause
    }
    current = n;
    version++;
    ops++;
    return serial;
  }

  /**
   * Checks that every operation was an IXFR and stops both sides.
   *
   * @throws IllegalStateException if the replica fell back to AXFR or failed a transfer
   */
  @TearDown(Level.Trial)
  public void stop() {
    try {
      TransferStats s = requireNonNull(replica, "replica").status().stats();
      System.out.printf("%n%d records: %d operations, %d IXFR, %d AXFR (the first), %d failed%n",
          records, ops, s.ixfrSucceeded(), s.axfrSucceeded(), s.transfersFailed());
      if (s.axfrSucceeded() != 1 || s.transfersFailed() != 0 || s.ixfrSucceeded() < ops) {
        throw new IllegalStateException("expected 1 AXFR and an IXFR per operation: " + s);
      }
    } finally {
      if (sync != null) {
        sync.close();
      }
      if (primary != null) {
        primary.close();
      }
    }
  }

  private void onEvent(ReplicaEvent e) {
    if (e instanceof ReplicaEvent.TransferFinished f
        && f.stats().serial().value() == expectedSerial) {
      CompletableFuture<Long> p = pending;
      if (p != null) {
        if (f.stats().kind() != TransferKind.IXFR) {
          p.completeExceptionally(new IllegalStateException("transfer was " + f.stats()));
        }
        p.complete(expectedSerial); // no-op after the line above
      }
    }
  }

  /**
   * The delta from version {@code k} (held in {@code from}) to {@code k + 1}: deletes the A
   * records version {@code k} added (none for {@code k == 0}) and adds {@value #CHANGES} new ones
   * at owners spread over the zone, starting at a place that moves with {@code k}.
   */
  private ZoneDelta delta(CompactZone from, int k) {
    SOARecord soa = from.soa();
    SOARecord to = new SOARecord(soa.getName(), soa.getDClass(), soa.getTTL(), soa.getHost(),
        soa.getAdmin(), soa.getSerial() + 1, soa.getRefresh(), soa.getRetry(), soa.getExpire(),
        soa.getMinimum());
    List<Record> deleted = k == 0 ? List.of() : added(k - 1);
    return new ZoneDelta(soa, to, deleted, added(k));
  }

  /** The records version {@code k + 1} adds: 198.18.j.(k mod 256), never generated. */
  private List<Record> added(int k) {
    List<Record> out = new ArrayList<>(CHANGES);
    int step = owners.size() / CHANGES;
    int phase = (int) ((k * 7919L) % Math.max(1, step));
    for (int j = 0; j < CHANGES; j++) {
      Name owner = owners.get((phase + j * step) % owners.size());
      out.add(new ARecord(owner, DClass.IN, 300, address(new byte[] {(byte) 198, 18,
          (byte) j, (byte) k})));
    }
    return out;
  }

  /** Returns up to {@code n} owners of A records, evenly spaced over the zone. */
  private static List<Name> aOwners(List<Record> zone, int n) {
    List<Name> all = new ArrayList<>();
    Name last = null;
    for (Record r : zone) {
      if (r.getType() == Type.A && !r.getName().equals(last)) {
        all.add(r.getName());
        last = r.getName();
      }
    }
    if (all.size() < CHANGES) {
      throw new IllegalStateException("zone has " + all.size() + " A owners, need " + CHANGES);
    }
    int stride = Math.max(1, all.size() / n);
    List<Name> out = new ArrayList<>(n);
    for (int i = 0; i < all.size() && out.size() < n; i += stride) {
      out.add(all.get(i));
    }
    return List.copyOf(out);
  }

  private static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of " + b.length + " bytes", e);
    }
  }
}
