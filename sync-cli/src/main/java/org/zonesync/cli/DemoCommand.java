// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferReport;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TransferServer;
import org.zonesync.core.ZoneSync;
import org.zonesync.core.Zones;
import org.zonesync.journal.MemoryReplicaStore;
import org.zonesync.tsig.TsigKeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zonesync demo}: an embedded primary on a loopback port serves a generated zone over
 * TSIG-signed AXFR; a replica mirrors it; the primary then changes 100 records and sends a
 * signed NOTIFY, and the replica follows by IXFR. The demo checks that both are equal after each
 * step and prints the figures, including the time from NOTIFY to the new serial being served. Needs no setup and no network beyond 127.0.0.1.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Mirror a generated zone from an embedded primary on 127.0.0.1 and check it.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--records", defaultValue = "100000", description = "zone size (default 100000)")
  int records = 100_000;

  private static void print(TransferReport s) {
    System.out.printf(Locale.ROOT,
        "replica: %s of %s: %d records, %d messages, %d bytes, %.3f s, %.0f records/s%n",
        s.kind(), s.zone(), s.records(), s.messages(), s.bytes(), s.duration().toNanos() / 1e9,
        s.recordsPerSecond());
  }

  /** The same zone with {@code n} A records moved to new addresses and the serial bumped. */
  static List<Record> changed(List<Record> zone, int n) {
    List<Record> out = new ArrayList<>(zone.size());
    int left = n;
    for (Record r : zone) {
      if (r instanceof SOARecord soa) {
        out.add(new SOARecord(soa.getName(), soa.getDClass(), soa.getTTL(), soa.getHost(),
            soa.getAdmin(), soa.getSerial() + 1, soa.getRefresh(), soa.getRetry(),
            soa.getExpire(), soa.getMinimum()));
      } else if (left > 0 && r instanceof ARecord a) {
        byte[] ip = a.getAddress().getAddress();
        ip[0] = (byte) 172;
        try {
          out.add(new ARecord(a.getName(), a.getDClass(), a.getTTL(),
              java.net.InetAddress.getByAddress(ip)));
        } catch (java.net.UnknownHostException e) {
          throw new IllegalStateException(e);
        }
        left--;
      } else {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    Name origin = Name.fromConstantString("demo.zonesync.test.");
    long t0 = System.nanoTime();
    List<Record> records = SyntheticZone.generate(origin, this.records, 2026112401L, 42);
    ZoneSnapshot source = Zones.of(origin, records);
    TsigKey key = TsigKeyFiles.generate(Name.fromConstantString("demo-key."),
        TsigAlgorithm.HMAC_SHA256, new SecureRandom());
    System.out.printf(Locale.ROOT, "primary: generated %s with %d records, serial %s (%.2f s)%n",
        origin, source.recordCount(), source.serial(), (System.nanoTime() - t0) / 1e9);
    AtomicReference<@Nullable TransferReport> stats = new AtomicReference<>();
    AtomicReference<CompletableFuture<TransferReport>> served =
        new AtomicReference<>(new CompletableFuture<>());
    try (TransferServer primary = TransferServer.builder().zone(source).keys(key).notifyKey(key)
        .start();
        ZoneSync sync = ZoneSync.builder().storage(MemoryReplicaStore.create())
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .listener(e -> {
              if (e instanceof ReplicaEvent.TransferFinished f) {
                stats.set(f.stats());
                served.get().complete(f.stats());
              }
            }).build()) {
      InetSocketAddress at = primary.address();
      System.out.printf(Locale.ROOT, "primary: serving AXFR on %s, TSIG key %s (%s)%n",
          Primary.format(at),
          key.name(), key.algorithm().keyword());
      ZoneReplica replica = sync.addSecondary(SecondaryZone.builder(origin)
          .primary(Primary.of(at, key)).build());
      ZoneSnapshot copy;
      try {
        copy = replica.awaitCurrent(Duration.ofMinutes(2));
      } catch (TransferException e) {
        System.err.println("demo: transfer failed: " + e.reason());
        return 1;
      }
      TransferReport s = stats.get();
      if (s == null) {
        System.err.println("demo: no transfer figures were reported");
        return 1;
      }
      boolean equal = copy.equals(source);
      print(s);
      System.out.printf(Locale.ROOT, "replica: serial %s, %d records, %s the primary's zone%n",
          copy.serial(), copy.recordCount(), equal ? "identical to" : "DIFFERENT FROM");
      if (!equal) {
        return 1;
      }
      // the primary changes 100 records, bumps the serial and sends NOTIFY; the replica's
      // listener takes it, checks the SOA and follows by IXFR
      List<Record> next = changed(records, 100);
      ZoneSnapshot v2 = Zones.of(origin, next);
      InetSocketAddress notifyAt = sync.notifyAddress().orElseThrow();
      served.set(new CompletableFuture<>());
      primary.publish(v2);
      long n0 = System.nanoTime();
      primary.notify(notifyAt, origin);
      System.out.printf(Locale.ROOT, "primary: changed 100 records, serial %s -> %s, NOTIFY sent"
          + " to %s%n", source.serial(), v2.serial(), Primary.format(notifyAt));
      TransferReport s2;
      try {
        s2 = served.get().get(2, TimeUnit.MINUTES);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        System.err.println("demo: the replica did not follow the NOTIFY: " + e);
        return 1;
      }
      long notifyToServing = System.nanoTime() - n0;
      if (s2.kind() != TransferKind.IXFR) {
        System.err.println("demo: expected an incremental transfer, got " + s2.kind());
        return 1;
      }
      System.out.printf(Locale.ROOT, "replica: NOTIFY -> serial %s served in %.1f ms%n",
          s2.serial(), notifyToServing / 1e6);
      print(s2);
      ZoneSnapshot copy2 = replica.snapshot();
      boolean equal2 = copy2.equals(v2);
      System.out.printf(Locale.ROOT, "replica: serial %s, %d records, %s the primary's zone%n",
          copy2.serial(), copy2.recordCount(), equal2 ? "identical to" : "DIFFERENT FROM");
      return equal2 ? 0 : 1;
    }
  }
}
