// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferStats;
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
 * TSIG-signed AXFR; a replica mirrors it; the demo checks that both are equal and prints the
 * figures. Needs no setup and no network beyond 127.0.0.1.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Mirror a generated zone from an embedded primary on 127.0.0.1 and check it.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--records", defaultValue = "100000", description = "zone size (default 100000)")
  int records = 100_000;

  @Override
  public Integer call() throws Exception {
    Name origin = Name.fromConstantString("demo.zonesync.test.");
    long t0 = System.nanoTime();
    ZoneSnapshot source = Zones.of(origin, SyntheticZone.generate(origin, records, 2026112401L,
        42));
    TsigKey key = TsigKeyFiles.generate(Name.fromConstantString("demo-key."),
        TsigAlgorithm.HMAC_SHA256, new SecureRandom());
    System.out.printf(Locale.ROOT, "primary: generated %s with %d records, serial %s (%.2f s)%n",
        origin, source.recordCount(), source.serial(), (System.nanoTime() - t0) / 1e9);
    AtomicReference<@Nullable TransferStats> stats = new AtomicReference<>();
    try (TransferServer primary = TransferServer.builder().zone(source).keys(key).start();
        ZoneSync sync = ZoneSync.builder().storage(MemoryReplicaStore.create())
            .listener(e -> {
              if (e instanceof ReplicaEvent.TransferFinished f) {
                stats.set(f.stats());
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
      TransferStats s = stats.get();
      if (s == null) {
        System.err.println("demo: no transfer figures were reported");
        return 1;
      }
      boolean equal = copy.equals(source);
      System.out.printf(Locale.ROOT,
          "replica: AXFR of %s: %d records, %d messages, %d bytes, %.3f s, %.0f records/s%n",
          s.zone(), s.records(), s.messages(), s.bytes(), s.duration().toNanos() / 1e9,
          s.recordsPerSecond());
      System.out.printf(Locale.ROOT, "replica: serial %s, %d records, %s the primary's zone%n",
          copy.serial(), copy.recordCount(), equal ? "identical to" : "DIFFERENT FROM");
      return equal ? 0 : 1;
    }
  }
}
