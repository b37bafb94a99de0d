// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * The engine where it could get stuck (found in review): an unreachable primary that comes
 * back, an executor that refuses work, close() with a joined request, a request during the
 * store load at start, a retransfer queued behind a cancelled attempt. Simulated time.
 */
final class EngineRobustnessTest {

  static final Name ZONE = AxfrClientTest.ZONE;

  @AutoClose
  private final SimulatedEngine sim = new SimulatedEngine();
  private final SimulatedTime time = sim.time;
  private final ScriptedProbe probe = sim.probe;

  private static Name zone(int i) {
    return Name.fromConstantString("r" + i + ".example.");
  }

  private static ZoneSnapshot version(Name z, long serial) {
    return Zones.of(z, TestZones.records(z, serial, 2));
  }

  @Test
  void aPrimaryBackFromUnreachable_isAskedAgain_skipsDoNotRenewTheHold() throws Exception {
    InetSocketAddress primary = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5301);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    ZoneSync sync = sim.open(sim.builder(3).storage(store).unreachableHold(Duration.ofHours(1))
        .build());
    for (int i = 0; i < 20; i++) {
      store.replace(version(zone(i), 1));
    }
    // zones added over time: their periodic refreshes skip the held primary often
    for (int i = 0; i < 20; i++) {
      sync.addSecondary(SecondaryZone.builder(zone(i)).primary(Primary.of(primary)).build());
      time.advance(Duration.ofMinutes(3));
    }
    long asked = probe.count(primary);
    probe.answer(primary, z -> (SOARecord) version(z, 1).soa()); // the primary is back
    time.advance(Duration.ofHours(6));
    assertTrue(probe.count(primary) > asked, "never asked again: the hold renewed itself");
    for (int i = 0; i < 20; i++) {
      assertEquals(0, sync.replica(zone(i)).orElseThrow().status().consecutiveFailures(),
          "zone " + i + " recovered");
    }
  }

  @Test
  void anExecutorThatRefuses_failsTheRefresh_andTheZoneRetries() throws Exception {
    ZoneSync sync = sim.open(ZoneSync.builder().clock(time).ticker(time.ticker())
        .scheduler(time).soaProbe(probe).randomSeed(1)
        .executor(task -> {
          throw new RejectedExecutionException("bounded pool is full");
        }).build());
    InetSocketAddress primary = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5302);
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
        .primary(Primary.of(primary)).build());
    CompletableFuture<TransferOutcome> f = r.refresh();
    time.runUntilIdle();
    assertTrue(f.isCompletedExceptionally(), "the refresh future completes");
    assertEquals(2, r.status().consecutiveFailures(), "the start refresh, then this one");
    assertTrue(r.status().nextRefresh().isPresent(), "a retry is scheduled");
    assertTrue(r.status().lastFailureReason().orElseThrow().contains("refused by the executor"));
    time.advance(Duration.ofMinutes(3));
    assertEquals(3, r.status().consecutiveFailures(), "and it happens");
  }

  @Test
  void close_completesARequestThatJoinedAWaitingRefresh() throws Exception {
    ZoneSync sync = sim.builder(2).build();
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE).primary(Primary.of(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 5303))).build());
    CompletableFuture<TransferOutcome> joined = r.refresh(); // the first refresh waits to run
    sync.close();
    assertTrue(joined.isDone(), "not left pending by close()");
    ExecutionException e = assertThrows(ExecutionException.class, joined::get);
    assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
  }

  @Test
  void aRefreshAsked_whileTheStoreLoads_isServedByTheOneStartRefresh() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(4, 10);
    FakePrimary p = sim.open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    probe.answer(p);
    MemoryReplicaStore inner = MemoryReplicaStore.create();
    inner.replace(v1);
    ZoneSync[] sync = new ZoneSync[1];
    @SuppressWarnings("unchecked")
    CompletableFuture<TransferOutcome>[] early = new CompletableFuture[1];
    DelegatingStore store = new DelegatingStore(inner) {
      @Override
      public Optional<Stored> load(Name zone, WireRecordSink base) throws ReplicaStoreException {
        // another thread asks for a refresh before the zone is started
        early[0] = sync[0].replica(zone).orElseThrow().refresh();
        return super.load(zone, base);
      }
    };
    sync[0] = sim.open(sim.builder(4).storage(store).build());
    ZoneReplica r = sync[0].addSecondary(SecondaryZone.builder(ZONE)
        .primary(Primary.of(p.address())).build());
    time.runUntilIdle();
    assertEquals(1, probe.count(p.address()), "one refresh, not two at once");
    assertTrue(early[0].isDone() && !early[0].isCompletedExceptionally(), early[0].toString());
    assertEquals(v1, r.snapshot());
  }

  @Test
  void aRetransfer_doesNotWaitBehindTheCancelledAttemptInTheQueue() throws Exception {
    MemoryReplicaStore store = MemoryReplicaStore.create();
    ZoneSnapshot mine = null;
    FakePrimary p = null;
    ZoneSync sync = sim.open(sim.builder(5).storage(store).soaQueryRate(1).build());
    for (int i = 0; i < 30; i++) {
      ZoneSnapshot v = version(zone(i), 7);
      store.replace(v);
      if (i == 29) {
        mine = v;
        p = sim.open(FakePrimary.withHistory(List.of(v), null, FaultPolicy.NONE));
        probe.answer(p);
      }
      InetSocketAddress to = i == 29 ? p.address()
          : new InetSocketAddress(InetAddress.getLoopbackAddress(), 5304);
      probe.answer(to, z -> (SOARecord) version(z, 7).soa());
      sync.addSecondary(SecondaryZone.builder(zone(i)).primary(Primary.of(to)).build());
    }
    time.runUntilIdle(); // one token: zone 0 asked; zones 1..29 wait in the gate, 1 per second
    ZoneReplica last = sync.replica(zone(29)).orElseThrow();
    CompletableFuture<TransferOutcome> again = last.retransfer();
    time.runUntilIdle();
    assertTrue(again.isDone(), "the retransfer ran without waiting its turn in the gate");
    assertInstanceOf(TransferOutcome.Full.class, again.join());
    assertEquals(mine, last.snapshot());
    assertEquals(1, p.axfrQueries());
    assertFalse(probe.queries().stream().anyMatch(q -> q.zone().equals(zone(29))),
        "its queued SOA check was dropped with the cancelled attempt");
    assertEquals(SerialNumber.of(7), last.snapshot().serial());
  }
}
