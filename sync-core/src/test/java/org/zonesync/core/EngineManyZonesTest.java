// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * Several zones in one engine (TESTPLAN D13, G2, G6): hostile timers clamped, back-to-back
 * NOTIFY-triggered transfers serialised, one zone's failure isolated, and a caller's executor
 * with a single thread still converging every zone.
 */
final class EngineManyZonesTest {

  static final Name ZONE = AxfrClientTest.ZONE;

  @AutoClose
  private final SimulatedEngine sim = new SimulatedEngine();
  private final SimulatedTime time = sim.time;
  private final ScriptedProbe probe = sim.probe;

  private <T extends AutoCloseable> T open(T c) {
    return sim.open(c);
  }

  private ZoneSync.Builder simulated() {
    return sim.builder(5);
  }

  private static ZoneSnapshot zone(Name origin, long serial, long refresh, long retry,
      long expire) {
    List<Record> r = new ArrayList<>(TestZones.records(origin, serial, 3));
    SOARecord soa = (SOARecord) r.get(0);
    r.set(0, new SOARecord(origin, DClass.IN, 3600, soa.getHost(), soa.getAdmin(), serial,
        refresh, retry, expire, 300));
    return Zones.of(origin, r);
  }

  @Test
  void hostileTimers_ofZero_areClamped_soThereIsNoTightLoop() throws Exception {
    ZoneSnapshot v = zone(ZONE, 1, 0, 0, 0);
    FakePrimary p = open(FakePrimary.withHistory(List.of(v), null, FaultPolicy.NONE));
    probe.answer(p);
    ZoneSync sync = open(simulated().build());
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
        .primary(Primary.of(p.address())).build());
    time.runUntilIdle();
    assertEquals(v, r.snapshot());
    // expire is clamped to refresh + retry = 800 s; refreshes come every 240..300 s
    assertEquals(Optional.of(Instant.parse("2026-11-24T00:13:20Z")), r.status().expiresAt());
    time.advance(Duration.ofHours(1));
    long n = probe.count(p.address());
    assertTrue(n >= 12 && n <= 16, "checks in an hour with refresh clamped to 300 s: " + n);
    List<ScriptedProbe.Query> q = probe.queries();
    for (int i = 1; i < q.size(); i++) {
      assertTrue(q.get(i).at().minus(q.get(i - 1).at()).compareTo(Duration.ofSeconds(240)) >= 0);
    }
    assertEquals(ReplicaState.SERVING, r.state());
  }

  @Test
  void hundredNotifyCycles_backToBack_endAtTheLatestSerial_eachByOneIxfr() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 10);
    FakePrimary p = open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    probe.answer(p);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    ZoneSync sync = open(simulated().storage(store).build());
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
        .primary(Primary.of(p.address())).build());
    time.runUntilIdle();
    InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 53001);
    for (int s = 2; s <= 101; s++) {
      p.publish(ZoneSyncTest.version(s, 10 + s % 7));
      sync.handleNotify(EngineNotifyTest.notify(ZONE, s, Optional.of((long) s)), from);
      sync.handleNotify(EngineNotifyTest.notify(ZONE, s, Optional.of((long) s)), from);
      time.advance(Duration.ofMillis(100)); // two SOA queries fit the rate of 20/s
      assertEquals(s, r.snapshot().serial().value());
    }
    assertEquals(ZoneSyncTest.version(101, 10 + 101 % 7), r.snapshot());
    assertEquals(100, p.ixfrQueries());
    assertEquals(1, p.axfrQueries());
    assertEquals(101, r.status().stats().transfersSucceeded());
    var stored = store.load(ZONE, (a, b, c, d, e, f, g, h, i) -> { }).orElseThrow();
    assertEquals(101, stored.latest().value());
    assertEquals(101, stored.base().value() + stored.deltas().size(),
        "the journal chains one delta per version since its base");
  }

  @Test
  void oneZonesFailure_isIsolated_fromTheOthers() throws Exception {
    List<FakePrimary> primaries = new ArrayList<>();
    ZoneSync sync = open(simulated().build());
    List<ZoneReplica> replicas = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Name z = Name.fromConstantString("z" + i + ".example.");
      FakePrimary p = open(FakePrimary.withHistory(List.of(zone(z, 1, 3600, 900, 86400)), null,
          i == 3 ? FaultPolicy.MISSING_FINAL_SOA : FaultPolicy.NONE));
      probe.answer(p);
      primaries.add(p);
      replicas.add(sync.addSecondary(SecondaryZone.builder(z)
          .primary(Primary.of(p.address())).build()));
    }
    time.runUntilIdle();
    for (int i = 0; i < 6; i++) {
      assertEquals(i == 3 ? ReplicaState.LOADING : ReplicaState.SERVING, replicas.get(i).state(),
          "zone " + i);
    }
    assertTrue(replicas.get(3).status().lastFailureReason().orElseThrow()
        .contains("before the closing SOA"),
        replicas.get(3).status().lastFailureReason().toString());
    assertEquals(5, sync.stats().axfrSucceeded());
    assertEquals(1, sync.stats().axfrFailed());
  }

  @Test
  void virtualThreads_asTheExecutor_convergeEveryZone() throws Exception {
    ExecutorService virtual;
    try {
      // JDK 21+: looked up by reflection, as the build targets release 17
      virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
          .invoke(null);
    } catch (NoSuchMethodException e) {
      Assumptions.abort("JDK " + Runtime.version() + " has no virtual threads; runs on 21+");
      return;
    }
    convergeOn(virtual);
  }

  @Test
  void aCallersExecutor_withOneThread_convergesEveryZone() throws Exception {
    convergeOn(Executors.newSingleThreadExecutor());
  }

  private void convergeOn(ExecutorService one) throws Exception {
    try {
      List<ZoneReplica> replicas = new ArrayList<>();
      List<ZoneSnapshot> sources = new ArrayList<>();
      try (ZoneSync sync = ZoneSync.builder().executor(one).build()) {
        for (int i = 0; i < 8; i++) {
          Name z = Name.fromConstantString("one" + i + ".example.");
          ZoneSnapshot v = zone(z, 10 + i, 3600, 900, 86400);
          FakePrimary p = open(FakePrimary.withHistory(List.of(v), null, FaultPolicy.NONE));
          sources.add(v);
          replicas.add(sync.addSecondary(SecondaryZone.builder(z)
              .primary(Primary.of(p.address())).build()));
        }
        for (int i = 0; i < 8; i++) {
          assertEquals(sources.get(i), replicas.get(i).awaitCurrent(Duration.ofSeconds(30)));
        }
      }
    } finally {
      one.shutdownNow();
      assertTrue(one.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
