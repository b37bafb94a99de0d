// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.ZoneSyncTest.RecordingListener;
import org.zonesync.journal.MemoryReplicaStore;

/** The replica asks for IXFR when it holds a version, journals deltas, and falls back to AXFR. */
final class ReplicaIxfrTest {

  static ZoneSnapshot v(long serial, int hosts) {
    return ZoneSyncTest.version(serial, hosts);
  }

  static ZoneReplica replica(ZoneSync sync, FakePrimary p, boolean fromDifferences)
      throws Exception {
    return sync.addSecondary(SecondaryZone.builder(ZONE).primary(Primary.of(p.address(), KEY))
        .ixfrFromDifferences(fromDifferences).build());
  }

  @Test
  void heldVersion_isUpdatedByIxfr_andTheDeltasAreJournaled() throws Exception {
    List<ZoneSnapshot> versions = List.of(v(1, 40), v(2, 45), v(3, 43));
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(versions.get(0));
    RecordingListener events = new RecordingListener();
    try (FakePrimary p = FakePrimary.withHistory(versions, KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().storage(store).listener(events).build()) {
      ZoneReplica r = replica(sync, p, false);
      // joins the refresh addSecondary started, or follows it: either way the IXFR happened
      TransferOutcome o = r.refresh().get(30, TimeUnit.SECONDS);
      assertTrue(o instanceof TransferOutcome.Incremental || o instanceof TransferOutcome.UpToDate,
          o.toString());
      assertEquals(versions.get(2), r.snapshot());
      assertEquals(0, p.axfrQueries());
      assertEquals(2, store.deltasSince(ZONE, versions.get(0).serial()).orElseThrow().size());
      assertEquals(List.of("TransferStarted", "TransferFinished"), events.kinds().subList(0, 2));
      ReplicaEvent.TransferFinished f = (ReplicaEvent.TransferFinished) events.events.get(1);
      assertEquals(TransferKind.IXFR, f.stats().kind());
    }
  }

  @Test
  void upToDate_transfersNothing() throws Exception {
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v(5, 10));
    try (FakePrimary p = FakePrimary.withHistory(List.of(v(5, 10)), KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().storage(store).build()) {
      ZoneReplica r = replica(sync, p, false);
      assertInstanceOf(TransferOutcome.UpToDate.class, r.refresh().get(30, TimeUnit.SECONDS));
      assertEquals(0, p.axfrQueries());
    }
  }

  @Test
  void everyIxfrFailure_fallsBackToAxfr_fromCleanState() throws Exception {
    for (FaultPolicy policy : List.of(FaultPolicy.IXFR_NOTIMP, FaultPolicy.IXFR_EMPTY,
        FaultPolicy.SERIAL_GAP, FaultPolicy.NOT_EXACT)) {
      List<ZoneSnapshot> versions = List.of(v(1, 30), v(2, 31), v(3, 33));
      MemoryReplicaStore store = MemoryReplicaStore.create();
      store.replace(versions.get(0));
      RecordingListener events = new RecordingListener();
      try (FakePrimary p = FakePrimary.withHistory(versions, KEY, policy);
          ZoneSync sync = ZoneSync.builder().storage(store).listener(events).build()) {
        ZoneReplica r = replica(sync, p, false);
        r.awaitCurrent(java.time.Duration.ofSeconds(30));
        TransferOutcome o = r.refresh().get(30, TimeUnit.SECONDS);
        assertEquals(versions.get(2), r.snapshot(), policy.name());
        assertTrue(p.axfrQueries() >= 1, policy + ": no AXFR fallback");
        List<String> kinds = events.kinds();
        assertEquals(List.of("TransferStarted", "TransferFailed", "TransferStarted",
            "TransferFinished"), kinds.subList(0, 4), policy.name());
        ReplicaEvent.TransferStarted fallback = (ReplicaEvent.TransferStarted) events.events
            .get(2);
        assertEquals(TransferKind.AXFR, fallback.kind(), policy.name());
        assertTrue(o instanceof TransferOutcome.UpToDate || o instanceof TransferOutcome.Full,
            policy + ": " + o);
        assertTrue(store.deltasSince(ZONE, versions.get(0).serial()).isEmpty(),
            "AXFR restarts the journal");
      }
    }
  }

  /** A TSIG failure or a cut stream in the IXFR also sends the replica to AXFR. */
  @Test
  void tsigAndTransportFailures_fallBackToAxfr_andKeepTheOldZone() throws Exception {
    for (FaultPolicy policy : List.of(FaultPolicy.BAD_MAC, FaultPolicy.DISCONNECT_MID_STREAM)) {
      List<ZoneSnapshot> versions = List.of(v(1, 300), v(2, 330));
      MemoryReplicaStore store = MemoryReplicaStore.create();
      store.replace(versions.get(0));
      RecordingListener events = new RecordingListener();
      try (FakePrimary p = FakePrimary.withHistory(versions, KEY, policy).messageSize(512)
          .cutAt(700);
          ZoneSync sync = ZoneSync.builder().storage(store).listener(events).build()) {
        ZoneReplica r = replica(sync, p, false);
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> r.refresh().get(30, TimeUnit.SECONDS));
        assertInstanceOf(org.zonesync.api.TransferException.class, e.getCause());
        assertEquals(versions.get(0), r.snapshot(), policy.name());
        List<ReplicaEvent> seen = List.copyOf(events.events);
        List<TransferKind> started = seen.stream()
            .filter(x -> x instanceof ReplicaEvent.TransferStarted)
            .map(x -> ((ReplicaEvent.TransferStarted) x).kind()).toList();
        assertEquals(TransferKind.IXFR, started.get(0), policy.name());
        assertEquals(TransferKind.AXFR, started.get(1), policy + ": no AXFR fallback");
        assertTrue(p.axfrQueries() >= 1, policy.name());
      }
    }
  }

  @Test
  void ixfrFromDifferences_journalsTheExactDiff_ofAnAxfr() throws Exception {
    List<ZoneSnapshot> versions = List.of(v(1, 30), v(2, 34));
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(versions.get(0));
    try (FakePrimary p = FakePrimary.withHistory(versions, KEY, FaultPolicy.IXFR_NOTIMP);
        ZoneSync sync = ZoneSync.builder().storage(store).build()) {
      ZoneReplica r = replica(sync, p, true);
      r.refresh().get(30, TimeUnit.SECONDS);
      assertEquals(versions.get(1), r.snapshot());
      var deltas = store.deltasSince(ZONE, versions.get(0).serial()).orElseThrow();
      assertEquals(1, deltas.size());
      assertEquals(versions.get(1).recordCount() - versions.get(0).recordCount(),
          deltas.get(0).added().size() - deltas.get(0).deleted().size());
      assertEquals(versions.get(1), StoredZones.apply(
          (org.zonesync.core.internal.zone.CompactZone) versions.get(0), deltas.get(0)));
    }
  }

  /** A store whose journal refuses every append (a failed force, a full disk). */
  static final class RefusingJournal implements org.zonesync.api.spi.ReplicaStore {
    final MemoryReplicaStore inner = MemoryReplicaStore.create();
    int appends;
    int replaces;

    @Override
    public java.util.Optional<Stored> load(org.xbill.DNS.Name zone,
        org.zonesync.api.WireRecordSink base) {
      return inner.load(zone, base);
    }

    @Override
    public void replace(ZoneSnapshot snapshot) {
      replaces++;
      inner.replace(snapshot);
    }

    @Override
    public void append(org.zonesync.api.ZoneDelta delta, ZoneSnapshot after)
        throws org.zonesync.api.ReplicaStoreException {
      appends++;
      throw new org.zonesync.api.ReplicaStoreException("disk full", after.origin(), null);
    }

    @Override
    public java.util.Optional<List<org.zonesync.api.ZoneDelta>> deltasSince(
        org.xbill.DNS.Name zone, org.zonesync.api.SerialNumber from) {
      return inner.deltasSince(zone, from);
    }
  }

  @Test
  void refusedJournalAppend_storesTheNewVersionInFull_beforeServingIt() throws Exception {
    List<ZoneSnapshot> versions = List.of(v(1, 20), v(2, 22));
    RefusingJournal store = new RefusingJournal();
    store.inner.replace(versions.get(0));
    try (FakePrimary p = FakePrimary.withHistory(versions, KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().storage(store).build()) {
      ZoneReplica r = replica(sync, p, false);
      r.refresh().get(30, TimeUnit.SECONDS);
      assertEquals(versions.get(1), r.snapshot());
      assertEquals(1, store.appends);
      assertEquals(1, store.replaces);
      assertEquals(List.of(), store.inner.deltasSince(ZONE, versions.get(1).serial())
          .orElseThrow(), "the stored version is the new one");
    }
  }
}
