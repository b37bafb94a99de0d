// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.cli.DemoTier.DemoFailure;
import org.zonesync.cli.DemoTier.Hop;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ServingStats;
import org.zonesync.core.TransferServer;
import org.zonesync.core.ZoneServing;
import org.zonesync.core.ZoneSync;
import org.zonesync.core.Zones;
import org.zonesync.journal.MemoryReplicaStore;
import org.zonesync.tsig.TsigKeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zonesync demo}: the three-tier picture in one process, on 127.0.0.1 only. An embedded
 * primary serves a generated zone over TSIG-signed AXFR; a zonesync stealth secondary (the
 * middle tier) mirrors it and serves it onward, to a second key only; a downstream zonesync
 * replica mirrors the middle tier. The primary then changes 100 records and sends a signed
 * NOTIFY: the middle tier follows by IXFR and NOTIFYs downstream, which follows by IXFR. The demo
 * prints each hop's figures and times (primary to middle, middle to downstream, end to end) and
 * checks that the three tiers hold identical zones after each step. Every wait is bounded
 * ({@link #WAIT}); exit status 0 when every check passed, 1 with one line naming the step that
 * did not happen.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Primary -> zonesync stealth secondary -> downstream replica, all on"
        + " 127.0.0.1: a generated zone, then a change followed by NOTIFY and IXFR; checks that"
        + " every tier holds the same zone and prints each hop's time.")
final class DemoCommand implements Callable<Integer> {

  /** The longest any step may take. */
  static final Duration WAIT = Duration.ofSeconds(60);

  private static final InetSocketAddress LOOPBACK_ANY =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @Option(names = "--records", defaultValue = "100000", description = "zone size (default 100000)")
  int records = 100_000;

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
    try {
      return run();
    } catch (DemoFailure e) {
      System.out.flush();
      System.err.println("demo: " + e.getMessage());
      return 1;
    }
  }

  private int run() throws Exception {
    Name origin = Name.fromConstantString("demo.zonesync.test.");
    long t0 = System.nanoTime();
    List<Record> records = SyntheticZone.generate(origin, this.records, 2026112401L, 42);
    ZoneSnapshot source = Zones.of(origin, records);
    SecureRandom random = new SecureRandom();
    TsigKey key = TsigKeyFiles.generate(Name.fromConstantString("demo-key."),
        TsigAlgorithm.HMAC_SHA256, random);
    TsigKey downKey = TsigKeyFiles.generate(Name.fromConstantString("downstream-key."),
        TsigAlgorithm.HMAC_SHA256, random);
    System.out.printf(Locale.ROOT, "primary: generated %s with %d records, serial %s (%.2f s)%n",
        origin, source.recordCount(), source.serial(), (System.nanoTime() - t0) / 1e9);
    DemoTier middleTier = new DemoTier("middle");
    DemoTier downTier = new DemoTier("downstream");
    try (TransferServer primary = TransferServer.builder().zone(source).keys(key).notifyKey(key)
            .start();
        ZoneSync downstream = ZoneSync.builder().storage(MemoryReplicaStore.create())
            .listen(LOOPBACK_ANY).listener(downTier).build();
        ZoneSync middle = ZoneSync.builder().storage(MemoryReplicaStore.create())
            .listen(LOOPBACK_ANY).transferKeys(downKey).listener(middleTier).build()) {
      InetSocketAddress primaryAt = primary.address();
      InetSocketAddress middleAt = middle.notifyAddress().orElseThrow();
      InetSocketAddress downAt = downstream.notifyAddress().orElseThrow();
      System.out.printf(Locale.ROOT, "primary: serving AXFR on %s, TSIG key %s (%s)%n",
          Primary.format(primaryAt), key.name(), key.algorithm().keyword());
      System.out.printf(Locale.ROOT, "middle: zonesync stealth secondary on %s, serving to key"
          + " %s only, NOTIFY to %s%n", Primary.format(middleAt), downKey.name(),
          Primary.format(downAt));

      ZoneReplica mid = middle.addSecondary(SecondaryZone.builder(origin)
          .primary(Primary.of(primaryAt, key)).ixfrFromDifferences(true)
          .serving(ZoneServing.builder().allowTransfer("key:" + downKey.name())
              .alsoNotify(downAt, downKey).build()).build());
      first(mid);
      System.out.println(middleTier.line(middleTier.await(WAIT).report(), "primary"));
      ZoneReplica down = downstream.addSecondary(SecondaryZone.builder(origin)
          .primary(Primary.of(middleAt, downKey)).build());
      first(down);
      System.out.println(downTier.line(downTier.await(WAIT).report(), "middle"));
      identical(source, mid, down);

      // the primary changes 100 records, bumps the serial and NOTIFYs the middle tier, which
      // follows by IXFR, serves the new version and NOTIFYs downstream, which follows by IXFR
      ZoneSnapshot v2 = Zones.of(origin, changed(records, 100));
      middleTier.expectNext();
      downTier.expectNext();
      primary.publish(v2);
      long notified = System.nanoTime();
      primary.notify(middleAt, origin);
      System.out.printf(Locale.ROOT, "primary: changed 100 records, serial %s -> %s, NOTIFY"
          + " sent to the middle tier%n", source.serial(), v2.serial());
      Hop m = incremental(middleTier.await(WAIT));
      System.out.println(middleTier.line(m.report(), "primary"));
      Hop d = incremental(downTier.await(WAIT));
      System.out.println(downTier.line(d.report(), "middle"));
      System.out.printf(Locale.ROOT, "primary -> middle: NOTIFY -> serial %s served in %.1f ms%n",
          v2.serial(), (m.servedAt() - notified) / 1e6);
      System.out.printf(Locale.ROOT, "middle -> downstream: NOTIFY -> serial %s served in %.1f"
          + " ms%n", v2.serial(), (d.servedAt() - m.servedAt()) / 1e6);
      System.out.printf(Locale.ROOT, "end to end: primary NOTIFY -> downstream serial %s served"
          + " in %.1f ms%n", v2.serial(), (d.servedAt() - notified) / 1e6);
      identical(v2, mid, down);
      ServingStats s = middle.servingStats();
      System.out.printf(Locale.ROOT, "middle: served %d AXFR and %d IXFR, refused %d; NOTIFY %d"
          + " sent, %d acknowledged, %d failed%n", s.axfrOut(), s.ixfrOut(), s.refused(),
          s.notifySent(), s.notifyAcknowledged(), s.notifyFailed());
      if (s.axfrOut() != 1 || s.ixfrOut() != 1) {
        throw new DemoFailure("the middle tier should have served 1 AXFR and 1 IXFR: " + s);
      }
      return 0;
    }
  }

  private static void first(ZoneReplica r) throws DemoFailure, InterruptedException {
    try {
      r.awaitCurrent(WAIT);
    } catch (TransferException e) {
      throw new DemoFailure("zone " + r.zone() + ": transfer failed: " + e.reason());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new DemoFailure("zone " + r.zone() + ": no version within " + WAIT.toSeconds()
          + " s");
    }
  }

  private static Hop incremental(Hop h) throws DemoFailure {
    if (h.report().kind() != TransferKind.IXFR) {
      throw new DemoFailure("expected an incremental transfer from "
          + Primary.format(h.report().remote()) + ", got " + h.report().kind());
    }
    return h;
  }

  private static void identical(ZoneSnapshot source, ZoneReplica mid, ZoneReplica down)
      throws DemoFailure {
    ZoneSnapshot m = mid.snapshot();
    ZoneSnapshot d = down.snapshot();
    boolean same = m.equals(source) && d.equals(source);
    System.out.printf(Locale.ROOT, "all tiers: serial %s, %d records: %s%n", source.serial(),
        source.recordCount(), same ? "primary, middle and downstream identical"
            : "DIFFERENT (middle serial " + m.serial() + ", downstream serial " + d.serial()
                + ")");
    if (!same) {
      throw new DemoFailure("the tiers hold different zones");
    }
  }
}
