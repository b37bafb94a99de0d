// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.refresh;

import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.TransferStats;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaTimers;
import org.zonesync.bench.zone.SnapshotFootprint;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneSync;
import org.zonesync.core.Zones;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * Measures what many idle secondary zones cost: the heap one {@link ZoneSync} retains for N
 * zones that are serving and waiting for their next refresh, and the threads it keeps. Not a
 * JMH benchmark: retained size and thread count are properties of the state, not of a loop.
 *
 * <p><b>Method.</b> A {@link MemoryReplicaStore} is filled with N five-record zones (SOA, NS,
 * two A, one TXT) and, for each, saved timers whose next refresh is a day away, so that every
 * zone is SERVING as soon as it is added and none touches the network. Their primary is a
 * loopback port with nothing behind it. The heap is settled (as in {@code SnapshotFootprint}:
 * {@link System#gc()} until the used heap stops falling by more than 64 KiB, at most 10 times)
 * with the store alone, then with a {@code ZoneSync} (NOTIFY listener bound) holding all N
 * zones; the difference, divided by N, is the cost of one idle zone: its {@code Replica} and
 * timer, its NOTIFY ACL and the snapshot it loaded from the store (the store's own copy is in
 * the baseline). For comparison, the estimate of one snapshot's size is printed too. Then the
 * live threads, grouped by name prefix, and the counters (no SOA query may have run).
 *
 * <p><b>Command</b> (N defaults to 10,000):
 *
 * <pre>
 * java -cp sync-benchmarks/target/benchmarks.jar \
 *     org.zonesync.bench.refresh.IdleZonesFootprint 10000
 * </pre>
 */
public final class IdleZonesFootprint {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private IdleZonesFootprint() {
  }

  /**
   * Runs the measurement.
   *
   * @param args optionally the number of zones, default 10,000
   * @throws Exception if a zone cannot be built or added
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000;
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (0x71 ^ (i * 13));
    }
    TsigKey key = TsigKey.of(Name.fromConstantString("idle-bench."), TsigAlgorithm.HMAC_SHA256,
        secret);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      closedPort = s.getLocalPort(); // closed again at once: nothing answers there
    }
    InetSocketAddress nowhere = new InetSocketAddress(LOOPBACK, closedPort);

    MemoryReplicaStore store = MemoryReplicaStore.create();
    Instant now = Instant.now();
    List<Name> zones = new ArrayList<>(n);
    long snapshotEstimate = 0;
    for (int i = 0; i < n; i++) {
      Name zone = Name.fromConstantString(String.format(Locale.ROOT, "z%06d.idle.test.", i));
      zones.add(zone);
      ZoneSnapshot s = Zones.of(zone, records(zone, 2_025_010_100L + i));
      if (i == 0) {
        snapshotEstimate = ((CompactZone) s).retainedBytesEstimate();
      }
      store.replace(s);
      store.saveTimers(zone, new ReplicaTimers(now.plus(Duration.ofDays(1)),
          Optional.of(now.plus(Duration.ofDays(7))), false, 0, Optional.of(nowhere),
          Optional.of(now)));
    }
    long threadsBefore = Thread.activeCount();
    long baseline = SnapshotFootprint.settledHeapUsed();

    ZoneSync sync = ZoneSync.builder().storage(store)
        .listen(new InetSocketAddress(LOOPBACK, 0)).build();
    long addStart = System.nanoTime();
    for (Name zone : zones) {
      sync.addSecondary(SecondaryZone.builder(zone).primary(Primary.of(nowhere, key)).build());
    }
    long addNanos = System.nanoTime() - addStart;
    long held = SnapshotFootprint.settledHeapUsed();

    int serving = 0;
    for (ZoneReplica r : sync.replicas()) {
      if (r.state() == ReplicaState.SERVING) {
        serving++;
      }
    }
    TransferStats stats = sync.stats();
    long perZone = (held - baseline) / n;
    System.out.printf(Locale.ROOT, "zones: %d added in %d ms, %d SERVING%n", n,
        addNanos / 1_000_000, serving);
    System.out.printf(Locale.ROOT, "retained by ZoneSync: %d bytes (%.1f MiB), %d bytes per"
        + " zone; one 5-record snapshot alone: ~%d bytes (retainedBytesEstimate)%n",
        held - baseline, (held - baseline) / (1024.0 * 1024.0), perZone, snapshotEstimate);
    System.out.printf(Locale.ROOT, "threads: %d live (were %d before ZoneSync), zonesync-*: %s%n",
        Thread.activeCount(), threadsBefore, zonesyncThreads());
    System.out.printf(Locale.ROOT, "counters: %d SOA queries, %d transfers (must be 0: timers"
        + " a day away)%n", stats.soaQueries(), stats.transfersSucceeded()
        + stats.transfersFailed());
    if (serving != n || stats.soaQueries() != 0) {
      throw new IllegalStateException("expected " + n + " idle SERVING zones and no SOA query: "
          + serving + " serving, " + stats);
    }
    sync.close();
    Reference.reachabilityFence(sync);
    Reference.reachabilityFence(store);
  }

  /** Counts live threads whose names start with {@code zonesync-}, by name up to the last dash. */
  private static Map<String, Integer> zonesyncThreads() {
    Map<String, Integer> byPrefix = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("zonesync-")) {
        byPrefix.merge(name.replaceAll("-?\\d+$", ""), 1, Integer::sum);
      }
    }
    return byPrefix;
  }

  private static List<Record> records(Name zone, long serial) {
    Name ns = Name.fromConstantString("ns1." + zone);
    Name www = Name.fromConstantString("www." + zone);
    try {
      return List.of(
          new SOARecord(zone, DClass.IN, 3600, ns, Name.fromConstantString("hostmaster." + zone),
              serial, 3600, 600, 604800, 300),
          new NSRecord(zone, DClass.IN, 3600, ns),
          new ARecord(ns, DClass.IN, 3600, InetAddress.getByAddress(new byte[] {127, 0, 0, 1})),
          new ARecord(www, DClass.IN, 300, InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2,
              1})),
          new TXTRecord(www, DClass.IN, 300, "idle zone " + zone));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
