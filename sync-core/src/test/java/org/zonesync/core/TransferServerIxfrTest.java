// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.journal.MemoryReplicaStore;

/** TransferServer answers IXFR from the differences between the versions it published. */
final class TransferServerIxfrTest {

  @Test
  void publishedVersions_reachTheReplicaByIxfr_andUnknownSerialsByAxfrStyle() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(100, 200);
    // small edits, so the IXFR stays below max-ixfr-ratio (100 % of the zone)
    ZoneSnapshot v2 = edited(v1, 101, 3);
    ZoneSnapshot v3 = edited(v2, 102, 5);
    try (TransferServer server = TransferServer.builder().zone(v1).keys(KEY).start();
        ZoneSync sync = ZoneSync.builder().storage(MemoryReplicaStore.create()).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(server.address(), KEY)).build());
      assertEquals(v1, r.awaitCurrent(Duration.ofSeconds(30)));
      assertInstanceOf(TransferOutcome.UpToDate.class, r.refresh().get(30, TimeUnit.SECONDS));
      server.publish(v2);
      server.publish(v3);
      TransferOutcome o = r.refresh().get(30, TimeUnit.SECONDS);
      assertInstanceOf(TransferOutcome.Incremental.class, o);
      assertEquals(v3, r.snapshot());
    }
    // a server that never saw v1: the IXFR from 100 gets the whole zone, AXFR-style
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    ZoneSyncTest.RecordingListener events = new ZoneSyncTest.RecordingListener();
    try (TransferServer server = TransferServer.builder().zone(v3).keys(KEY).start();
        ZoneSync sync = ZoneSync.builder().storage(store).listener(events).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(server.address(), KEY)).build());
      r.refresh().get(30, TimeUnit.SECONDS);
      r.refresh().get(30, TimeUnit.SECONDS); // the first may have joined the one addSecondary ran
      assertEquals(v3, r.snapshot());
      java.util.List<org.zonesync.api.ReplicaEvent> seen = java.util.List.copyOf(events.events);
      assertEquals(java.util.List.of(org.zonesync.api.TransferKind.IXFR),
          seen.stream().filter(e -> e instanceof org.zonesync.api.ReplicaEvent.TransferStarted)
              .map(e -> ((org.zonesync.api.ReplicaEvent.TransferStarted) e).kind()).distinct()
              .toList(), "answered within the IXFR, no AXFR fallback");
    }
  }

  /** The zone with a new serial and {@code added} more A records. */
  static ZoneSnapshot edited(ZoneSnapshot z, long serial, int added) throws Exception {
    java.util.List<org.xbill.DNS.Record> out = new java.util.ArrayList<>();
    for (org.xbill.DNS.Record r : z) {
      if (r instanceof org.xbill.DNS.SOARecord s) {
        out.add(new org.xbill.DNS.SOARecord(s.getName(), s.getDClass(), s.getTTL(), s.getHost(),
            s.getAdmin(), serial, s.getRefresh(), s.getRetry(), s.getExpire(), s.getMinimum()));
      } else {
        out.add(r);
      }
    }
    for (int i = 0; i < added; i++) {
      out.add(new org.xbill.DNS.ARecord(org.xbill.DNS.Name.fromString("added" + serial + "-" + i,
          z.origin()), org.xbill.DNS.DClass.IN, 300,
          java.net.InetAddress.getByAddress(new byte[] {10, 9, 0, (byte) i})));
    }
    return Zones.of(z.origin(), out);
  }
}
