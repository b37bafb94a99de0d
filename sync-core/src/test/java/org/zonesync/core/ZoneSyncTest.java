// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.SerialNotNewerException;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.journal.MemoryReplicaStore;

/** The replica's life: first transfer, failures that keep the old zone, failover, restart. */
final class ZoneSyncTest {

  /** Records the kinds of events in order. */
  static final class RecordingListener implements ReplicaListener {
    final List<ReplicaEvent> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onEvent(ReplicaEvent event) {
      synchronized (events) {
        events.add(event);
        events.notifyAll();
      }
    }

    /**
     * Waits until at least {@code n} events arrived (an event can follow the state it reports
     * by a moment: the version is served first, then announced), at most 10 s.
     */
    RecordingListener awaitCount(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      synchronized (events) {
        while (events.size() < n) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("only " + events.size() + " of " + n + " events: " + events);
          }
          TimeUnit.NANOSECONDS.timedWait(events, left);
        }
      }
      return this;
    }

    List<String> kinds() {
      synchronized (events) {
        return events.stream().map(e -> e.getClass().getSimpleName()).toList();
      }
    }
  }

  static ZoneSnapshot version(long serial, int hosts) {
    return Zones.of(ZONE, TestZones.records(ZONE, serial, hosts));
  }

  @Test
  void addSecondary_transfersAndServes_withEventsInOrder() throws Exception {
    ZoneSnapshot source = version(10, 100);
    RecordingListener events = new RecordingListener();
    try (FakePrimary p = FakePrimary.start(source, KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().listener(events).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(p.address(), KEY)).build());
      ZoneSnapshot got = r.awaitCurrent(Duration.ofSeconds(30));
      assertEquals(source, got);
      assertEquals(ReplicaState.SERVING, r.state());
      assertSame(got, r.snapshot());
      assertEquals(List.of("TransferStarted", "TransferFinished"), events.awaitCount(2).kinds());
      ReplicaEvent.TransferFinished f = (ReplicaEvent.TransferFinished) events.events.get(1);
      assertEquals(source.recordCount() + 1, f.stats().records()); // closing SOA counted
    }
  }

  @Test
  void failedTransfer_keepsTheOldZoneServing() throws Exception {
    ZoneSnapshot v1 = version(10, 50);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    RecordingListener events = new RecordingListener();
    try (FakePrimary bad = FakePrimary.start(version(11, 50), KEY, FaultPolicy.BAD_MAC)
        .messageSize(512);
        ZoneSync sync = ZoneSync.builder().storage(store).listener(events).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(bad.address(), KEY)).build());
      ZoneSnapshot served = r.snapshot(); // served at once from the store
      assertEquals(v1, served);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> r.refresh().get(30, TimeUnit.SECONDS));
      assertInstanceOf(TsigVerificationException.class, e.getCause());
      assertSame(served, r.snapshot());
      assertEquals(List.of(), store.deltasSince(ZONE, v1.serial()).orElseThrow(),
          "the store still ends at the old serial");
      // each refresh: IXFR started/failed, AXFR started/failed, then the refresh failed
      List<String> kinds = events.kinds();
      assertTrue(kinds.size() >= 5 && kinds.size() % 5 == 0, kinds.toString());
      for (int i = 0; i < kinds.size(); i += 5) {
        assertEquals(List.of("TransferStarted", "TransferFailed", "TransferStarted",
            "TransferFailed", "RefreshFailed"), kinds.subList(i, i + 5), kinds.toString());
      }
    }
  }

  @Test
  void primaries_areTriedInOrder_untilOneSucceeds() throws Exception {
    ZoneSnapshot source = version(12, 20);
    RecordingListener events = new RecordingListener();
    try (FakePrimary refusing = FakePrimary.start(source, KEY, FaultPolicy.REFUSED);
        FakePrimary good = FakePrimary.start(source, KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().listener(events).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(refusing.address(), KEY))
          .primary(Primary.of(good.address(), KEY)).build());
      assertEquals(source, r.awaitCurrent(Duration.ofSeconds(30)));
      // the refusing primary already refused the SOA query: no transfer was tried from it
      assertEquals(List.of("TransferStarted", "TransferFinished"), events.awaitCount(2).kinds());
      ReplicaEvent.TransferStarted started = (ReplicaEvent.TransferStarted) events.events.get(0);
      assertEquals(good.address(), started.primary().address());
      assertEquals(1, refusing.soaQueries());
      assertEquals(0, refusing.axfrQueries());
      assertEquals(1, r.status().stats().soaQueryFailures());
      assertEquals(Optional.of(good.address()), r.status().primary());
    }
  }

  @Test
  void aPrimaryWithoutEdns_answeringFormerr_isAskedAgainWithoutIt() throws Exception {
    ZoneSnapshot source = version(14, 30);
    try (FakePrimary old = FakePrimary.start(source, KEY, FaultPolicy.EDNS_FORMERR);
        ZoneSync sync = ZoneSync.builder().build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(old.address(), KEY)).build());
      assertEquals(source, r.awaitCurrent(Duration.ofSeconds(30)));
      assertEquals(2, old.axfrQueries(), "with EDNS (FORMERR), then without");
    }
  }

  @Test
  void olderSerial_isNotPublished() throws Exception {
    ZoneSnapshot ours = version(20, 10);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(ours);
    try (FakePrimary older = FakePrimary.start(version(19, 12), KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().storage(store).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(older.address(), KEY)).build());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> r.refresh().get(30, TimeUnit.SECONDS));
      SerialNotNewerException behind = assertInstanceOf(SerialNotNewerException.class,
          e.getCause());
      assertEquals(19, behind.theirs().value());
      assertEquals(ours, r.snapshot());
      assertEquals(20, r.snapshot().serial().value());
      assertEquals(0, older.axfrQueries() + older.ixfrQueries(), "nothing transferred");
      assertTrue(r.status().lastFailureReason().orElseThrow().contains("lower than ours"));
    }
  }

  @Test
  void refresh_duringATransfer_queuesOneFollowUp_andCloseCancels() throws Exception {
    try (FakePrimary stalled = FakePrimary.start(version(5, 200), KEY, FaultPolicy.STALL)
        .messageSize(512)) {
      ZoneSync sync = ZoneSync.builder().build();
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(stalled.address(), KEY)).build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (stalled.connections() == 0) {
        assertTrue(System.nanoTime() < deadline, "the transfer never connected");
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      // the running refresh has asked already: both calls share one follow-up
      CompletableFuture<TransferOutcome> a = r.refresh();
      CompletableFuture<TransferOutcome> b = r.refresh();
      assertSame(a, b);
      sync.close();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> a.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("cancelled")
          || e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
      assertEquals(ReplicaState.CLOSED, r.state());
    }
  }

  @Test
  void awaitCurrent_throwsTheTransferError_whenNoVersionIsHeld() throws Exception {
    try (FakePrimary refusing = FakePrimary.start(version(1, 1), KEY, FaultPolicy.REFUSED);
        ZoneSync sync = ZoneSync.builder().build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(refusing.address(), KEY)).build());
      assertThrows(TransferRefusedException.class, () -> r.awaitCurrent(Duration.ofSeconds(30)));
      assertEquals(ReplicaState.LOADING, r.state());
      assertThrows(IllegalStateException.class, r::snapshot);
    }
  }

  @Test
  void transferServer_servesWhatZoneSyncMirrors_andRefusesUnsigned() throws Exception {
    ZoneSnapshot source = version(30, 300);
    try (TransferServer server = TransferServer.builder().zone(source).keys(KEY).start();
        ZoneSync sync = ZoneSync.builder().build()) {
      ZoneReplica signed = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(server.address(), KEY)).build());
      assertEquals(source, signed.awaitCurrent(Duration.ofSeconds(30)));
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> ZoneTransfers.axfr(ZONE, Primary.of(server.address()), TransferLimits.DEFAULTS,
              TransferProgress.NONE));
      assertEquals("REFUSED", e.reason());
      assertEquals(1, server.transfersServed());
    }
  }
}
