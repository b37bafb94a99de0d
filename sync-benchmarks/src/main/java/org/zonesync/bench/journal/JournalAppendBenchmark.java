// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.journal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xbill.DNS.Record;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.bench.AbstractBenchmark;
import org.zonesync.bench.zone.DeltaFixture;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.journal.FileReplicaStore;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * Journal commit (DESIGN.md, "journal + swap snapshot"): committed IXFR deltas per second through
 * {@link ReplicaStore#append}, the durable write a secondary makes before it swaps in a new
 * version.
 *
 * <p><b>What one operation is.</b> One {@code store.append(delta, after)} of a 100-record delta
 * (50 deleted, 50 added, plus the two SOAs: {@code ZoneDelta.size()} = 102) onto a 10,000-record
 * zone. {@code file}: a {@link FileReplicaStore} in a fresh temporary directory under
 * {@code java.io.tmpdir}, which makes each commit durable before returning (its journal entry
 * forced to disk), so <b>the file figure is bound by the fsync latency of the machine's
 * disk</b>, not by the CPU, and moves with the disk and file system it runs on. {@code memory}:
 * a {@link MemoryReplicaStore} (default depth), the same API without I/O, as a baseline.
 *
 * <p><b>Input.</b> {@link DeltaFixture}: a {@code SyntheticZone} of 10,000 records (fixed seed)
 * as a {@code CompactZone}, and a chain of {@value #CHAIN} deltas, each applying to the version
 * the previous one made (serials {@code N}, {@code N+1}, ...), with their {@code after}
 * versions precomputed with {@code CompactZone.apply}. Operations append the chain in order.
 * When it is used up, the store is reset to the base zone with {@code replace} in an
 * invocation-level {@code @Setup}, which JMH keeps out of the measured time; each iteration also
 * starts from a reset store. The file store runs with its default options: past 20 journalled
 * deltas it compacts, writing the {@code after} version as its new base (a 10,000-record snapshot,
 * forced and renamed) and keeping the newest 10 deltas, so about one append in 11 also pays for a
 * snapshot write; that is part of its real cost per commit and is measured. Each plain append
 * forces the journal twice (entry, then commit marker). Invocation-level fixtures cost JMH two timestamps per operation: negligible for
 * the file store (hundreds of microseconds per commit), but they make the memory baseline's
 * sub-microsecond figure a lower bound. Setup appends one delta and reads it back through
 * {@code load} and {@code deltasSince} before measuring. The temporary directory is deleted in
 * {@code @TearDown}.
 *
 * <p><b>Reading the result.</b> Operations per second = committed deltas per second
 * (times 102 = changed records per second).
 *
 * <p><b>Command</b> (from the repository root, after {@code mvn -pl sync-benchmarks -am
 * package}):
 *
 * <pre>
 * java -jar sync-benchmarks/target/benchmarks.jar JournalAppendBenchmark
 * java -jar sync-benchmarks/target/benchmarks.jar JournalAppendBenchmark -p impl=file -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalAppendBenchmark extends AbstractBenchmark {

  /** Records in the base zone, the SOA included. */
  public static final int RECORDS = 10_000;
  /** Deltas in the precomputed chain. */
  public static final int CHAIN = 500;

  /** The store under test. Constant names are the {@code -p impl=} values. */
  public enum Impl {
    /** {@code FileReplicaStore}: journal on disk, forced per commit. */
    file,
    /** {@code MemoryReplicaStore}: references kept in a map. */
    memory
  }

  /** The store. */
  @Param({"file", "memory"})
  public Impl impl;

  private @Nullable Path dir;
  private @Nullable ReplicaStore store;
  private @Nullable CompactZone base;
  private ZoneDelta[] deltas = new ZoneDelta[0];
  private CompactZone[] after = new CompactZone[0];
  private int next;

  /** Creates the state; JMH fills the parameters. */
  public JournalAppendBenchmark() {
    this.impl = Impl.file;
  }

  /**
   * Generates the zone and the delta chain, opens the store and checks one round trip.
   *
   * @throws Exception if the zone, the chain or the store cannot be made, or the check fails
   */
  @Setup(Level.Trial)
  public void open() throws Exception {
    List<Record> zone = DeltaFixture.zoneRecords(RECORDS);
    CompactZone b = DeltaFixture.compact(zone);
    List<ZoneDelta> chain = DeltaFixture.chain(zone, CHAIN);
    ZoneDelta[] d = chain.toArray(new ZoneDelta[0]);
    CompactZone[] a = new CompactZone[d.length];
    CompactZone v = b;
    for (int i = 0; i < d.length; i++) {
      v = v.apply(DeltaFixture.toWire(d[i]), false, 0, 0);
      a[i] = v;
    }
    base = b;
    deltas = d;
    after = a;

    ReplicaStore s;
    if (impl == Impl.file) {
      Path p = Files.createTempDirectory("zonesync-journal-bench-");
      dir = p;
      s = FileReplicaStore.in(p);
    } else {
      s = MemoryReplicaStore.create();
    }
    store = s;

    s.replace(b);
    s.append(d[0], a[0]);
    long[] count = new long[1];
    Optional<ReplicaStore.Stored> stored = s.load(DeltaFixture.ORIGIN,
        (o, oo, ol, t, c, ttl, rd, ro, rl) -> count[0]++);
    check(stored.isPresent() && stored.get().latest().equals(d[0].to()),
        "store does not load back the appended delta: " + stored);
    check(count[0] == RECORDS, "store loads " + count[0] + " base records, not " + RECORDS);
    Optional<List<ZoneDelta>> since = s.deltasSince(DeltaFixture.ORIGIN, d[0].from());
    check(since.isPresent() && since.get().size() == 1
        && since.get().get(0).to().equals(d[0].to())
        && new HashSet<>(since.get().get(0).added()).equals(new HashSet<>(d[0].added()))
        && new HashSet<>(since.get().get(0).deleted()).equals(new HashSet<>(d[0].deleted())),
        "deltasSince does not return the appended delta: " + since);
    reset();
  }

  /**
   * Starts every iteration from the base zone with an empty journal.
   *
   * @throws ReplicaStoreException if the store cannot be reset
   */
  @Setup(Level.Iteration)
  public void reset() throws ReplicaStoreException {
    requireNonNull(store, "store").replace(requireNonNull(base, "base"));
    next = 0;
  }

  /**
   * Resets the store when the chain is used up, outside the measured time.
   *
   * @throws ReplicaStoreException if the store cannot be reset
   */
  @Setup(Level.Invocation)
  public void rollOver() throws ReplicaStoreException {
    if (next == deltas.length) {
      reset();
    }
  }

  /**
   * Commits the next delta of the chain.
   *
   * @throws ReplicaStoreException if the store rejects or fails to write it
   */
  @Benchmark
  public void append() throws ReplicaStoreException {
    int i = next++;
    requireNonNull(store, "store").append(deltas[i], after[i]);
  }

  /**
   * Closes the store and deletes its directory.
   *
   * @throws Exception if closing or deleting fails
   */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    ReplicaStore s = store;
    store = null;
    if (s != null) {
      s.close();
    }
    Path p = dir;
    dir = null;
    if (p != null) {
      deleteTree(p);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
