// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.Primary;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.ZoneSyncTest.RecordingListener;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * The refresh engine in simulated time (TESTPLAN D10, F3, F8, E14): refresh, retry with
 * back-off, expiry at the exact instant and recovery, a lower serial ignored until expiry,
 * persisted timers across a restart. SOA answers are scripted; transfers run against a
 * {@link FakePrimary} on loopback, on the test's thread. No sleeps.
 */
final class EngineTimersTest {

  static final Name ZONE = AxfrClientTest.ZONE;
  static final Instant T0 = SimulatedEngine.T0;

  @AutoClose
  private final SimulatedEngine sim = new SimulatedEngine();
  private final SimulatedTime time = sim.time;
  private final ScriptedProbe probe = sim.probe;
  private final RecordingListener events = sim.events;

  /** A version whose SOA has refresh 600, retry 500, expire 3600 (all within BIND's clamps). */
  static ZoneSnapshot shortLived(long serial, int hosts) {
    List<Record> r = new ArrayList<>(TestZones.records(ZONE, serial, hosts));
    SOARecord soa = (SOARecord) r.get(0);
    r.set(0, new SOARecord(ZONE, DClass.IN, 3600, soa.getHost(), soa.getAdmin(), serial, 600,
        500, 3600, 300));
    return Zones.of(ZONE, r);
  }

  private <T extends AutoCloseable> T open(T c) {
    return sim.open(c);
  }

  private ZoneSync.Builder engine() {
    return sim.builder(7);
  }

  private FakePrimary primary(ZoneSnapshot... versions) throws Exception {
    FakePrimary p = open(FakePrimary.withHistory(List.of(versions), null, FaultPolicy.NONE));
    probe.answer(p);
    return p;
  }

  private static SecondaryZone zone(InetSocketAddress... primaries) {
    SecondaryZone.Builder b = SecondaryZone.builder(ZONE);
    for (InetSocketAddress a : primaries) {
      b.primary(Primary.of(a));
    }
    return b.build();
  }

  private List<Duration> queryTimes(InetSocketAddress primary) {
    return probe.queries().stream().filter(q -> q.primary().equals(primary))
        .map(ScriptedProbe.Query::at).toList();
  }

  @Test
  void refresh_followsTheSoaRefresh_withAtMostTwentyPercentJitter() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 10); // refresh 3600
    FakePrimary p = primary(v1);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    ZoneSync sync = open(engine().storage(store).build());
    ZoneReplica r = sync.addSecondary(zone(p.address()));
    time.runUntilIdle();
    assertEquals(List.of(Duration.ZERO), queryTimes(p.address()), "a zone without timers checks at once");
    assertEquals(ReplicaState.SERVING, r.state());
    time.advance(Duration.ofSeconds(2879));
    assertEquals(1, probe.count(p.address()), "no refresh before 80 % of refresh");
    time.advance(Duration.ofSeconds(721));
    assertEquals(2, probe.count(p.address()), "a refresh by the full refresh interval");
    Duration second = queryTimes(p.address()).get(1);
    assertTrue(second.compareTo(Duration.ofSeconds(2880)) >= 0, second.toString());
    assertEquals(0, p.axfrQueries() + p.ixfrQueries(), "serial equal: nothing transferred");
    assertEquals(2, r.status().stats().upToDate());
  }

  @Test
  void failures_backOffFromRetry_neverFasterThanRetry_andNeverALoop() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 10); // refresh 3600, retry 900
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    ZoneSync sync = open(engine().storage(store).unreachableHold(Duration.ZERO).build());
    ZoneReplica r = sync.addSecondary(zone(dead));
    time.advance(Duration.ofHours(12));
    List<Duration> at = queryTimes(dead);
    assertTrue(at.size() >= 12 && at.size() <= 49, "attempts in 12 h: " + at.size());
    for (int i = 1; i < at.size(); i++) {
      Duration gap = at.get(i).minus(at.get(i - 1));
      assertTrue(gap.compareTo(Duration.ofSeconds(900)) >= 0, "gap " + gap + " below retry");
      assertTrue(gap.compareTo(Duration.ofSeconds(3600)) <= 0, "gap " + gap + " above refresh");
    }
    Duration firstGap = at.get(1).minus(at.get(0));
    Duration lastGap = at.get(at.size() - 1).minus(at.get(at.size() - 2));
    assertTrue(lastGap.compareTo(firstGap) > 0, "back-off grows: " + firstGap + " then " + lastGap);
    assertEquals(ReplicaState.SERVING, r.state(), "serving until expiry (2 weeks)");
    assertEquals(at.size(), r.status().consecutiveFailures());
    List<ReplicaEvent.RefreshFailed> failed = events.events.stream()
        .filter(e -> e instanceof ReplicaEvent.RefreshFailed)
        .map(ReplicaEvent.RefreshFailed.class::cast).toList();
    assertEquals(at.size(), failed.size(), "one RefreshFailed per failed refresh");
    assertEquals(at.size(), failed.get(failed.size() - 1).consecutiveFailures());
    assertEquals(r.status().nextRefresh().orElseThrow(),
        failed.get(failed.size() - 1).nextAttempt());
    assertTrue(r.status().lastFailureReason().orElseThrow().contains("timeout"),
        r.status().lastFailureReason().toString());
  }

  @Test
  void expiry_atTheExactInstant_stopsServing_andAnAnswerRecovers() throws Exception {
    ZoneSnapshot v1 = shortLived(1, 10);
    FakePrimary p = primary(v1);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    ZoneSync sync = open(engine().storage(store).build());
    ZoneReplica r = sync.addSecondary(zone(p.address()));
    time.runUntilIdle(); // the first check succeeds at T0: expires at T0 + 3600
    assertEquals(Optional.of(T0.plusSeconds(3600)), r.status().expiresAt());
    probe.silence(p.address());
    time.advance(Duration.ofSeconds(3600).minusNanos(1));
    assertEquals(ReplicaState.SERVING, r.state());
    assertTrue(r.current().isPresent());
    time.advance(Duration.ofNanos(1));
    assertEquals(ReplicaState.EXPIRED, r.state());
    assertEquals(Optional.empty(), r.current(), "an expired zone offers no data");
    assertTrue(events.kinds().contains("Expired"));
    assertEquals(Duration.ZERO, r.status().stats().untilExpiry().orElseThrow());
    probe.answer(p);
    time.advance(Duration.ofHours(2));
    assertEquals(ReplicaState.SERVING, r.state());
    assertEquals(v1, r.snapshot(), "the kept data is served again");
    assertTrue(events.kinds().contains("Recovered"));
    assertEquals(0, p.axfrQueries(), "same serial: recovered without a transfer");
  }

  @Test
  void lowerSerial_isIgnoredUntilExpiry_thenTransferred() throws Exception {
    ZoneSnapshot ours = shortLived(5, 10);
    ZoneSnapshot theirs = shortLived(4, 12);
    FakePrimary p = primary(theirs);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(ours);
    ZoneSync sync = open(engine().storage(store).build());
    ZoneReplica r = sync.addSecondary(zone(p.address()));
    time.runUntilIdle();
    assertEquals(5, r.snapshot().serial().value());
    assertTrue(r.status().lastFailureReason().orElseThrow().contains("lower than ours"));
    time.advance(Duration.ofSeconds(3599));
    assertEquals(5, r.snapshot().serial().value(), "ignored until expiry");
    assertEquals(0, p.axfrQueries());
    time.advance(Duration.ofHours(2));
    assertEquals(ReplicaState.SERVING, r.state());
    assertEquals(4, r.snapshot().serial().value(), "after expiry the primary's version is taken");
    assertEquals(1, p.axfrQueries());
  }

  @Test
  void aSerialExactly2pow31Away_isNotNewer_andIsNotTransferred() throws Exception {
    ZoneSnapshot ours = shortLived(5, 10);
    ZoneSnapshot far = shortLived(5 + (1L << 31), 12);
    FakePrimary p = primary(far);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(ours);
    ZoneSync sync = open(engine().storage(store).build());
    ZoneReplica r = sync.addSecondary(zone(p.address()));
    time.runUntilIdle();
    assertEquals(ours, r.snapshot());
    assertEquals(0, p.axfrQueries() + p.ixfrQueries());
    assertTrue(r.status().lastFailureReason().orElseThrow().contains("undefined distance"),
        r.status().lastFailureReason().toString());
  }

  @Test
  void aTransferNotNewerThanTheSoaSaid_isRejected_andRetried() throws Exception {
    ZoneSnapshot ours = shortLived(5, 10);
    FakePrimary p = primary(shortLived(4, 12)); // serves 4 ...
    probe.answer(p.address(), z -> (SOARecord) shortLived(9, 1).soa()); // ... but answers 9
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(ours);
    ZoneSync sync = open(engine().storage(store).build());
    // AXFR only: an IXFR answered "up to date" is taken as BIND takes it (UPTODATE)
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
        .primary(Primary.of(p.address())).requestIxfr(false).build());
    time.runUntilIdle();
    assertEquals(ours, r.snapshot(), "a flapping primary's older zone is not activated (B17)");
    assertEquals(1, p.axfrQueries());
    assertEquals(1, r.status().consecutiveFailures(), "counted as a failed refresh");
    assertEquals(1, r.status().stats().axfrFailed());
    assertTrue(events.kinds().contains("RefreshFailed"));
    time.advance(Duration.ofSeconds(600));
    assertEquals(2, p.axfrQueries(), "retried after retry (500 s, jittered)");
  }

  @Test
  void ednsExpire_limitsANewVersion_butAShorterOneNeverCutsTheRunningTimer() throws Exception {
    ZoneSnapshot v1 = shortLived(1, 10);
    FakePrimary p = primary(v1);
    probe.expire(p.address(), Duration.ofSeconds(1200)); // the primary itself expires sooner
    ZoneSync sync = open(engine().build());
    ZoneReplica r = sync.addSecondary(zone(p.address()));
    time.runUntilIdle();
    assertEquals(Optional.of(T0.plusSeconds(1200)), r.status().expiresAt(), "min(expire, EXPIRE)");
    probe.expire(p.address(), Duration.ofSeconds(100));
    r.refresh();
    time.advance(Duration.ofSeconds(10));
    assertEquals(Optional.of(T0.plusSeconds(1200)), r.status().expiresAt(),
        "a shorter EXPIRE does not cut the running timer (F8)");
    probe.expire(p.address(), Duration.ofSeconds(3000));
    r.refresh();
    time.advance(Duration.ofSeconds(10));
    assertEquals(Optional.of(T0.plusSeconds(10 + 3000)), r.status().expiresAt(),
        "answers alone prolong it");
  }

  @Test
  void restart_keepsTheExpiredState_andTheNextRefresh() throws Exception {
    ZoneSnapshot v1 = shortLived(1, 10);
    FakePrimary p = primary(v1);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    ZoneSync first = engine().storage(store).build();
    ZoneReplica r = first.addSecondary(zone(p.address()));
    time.runUntilIdle();
    Instant next = r.status().nextRefresh().orElseThrow();
    first.close();
    ZoneSync second = open(engine().storage(store).build());
    ZoneReplica again = second.addSecondary(zone(p.address()));
    assertEquals(Optional.of(next), again.status().nextRefresh(), "the persisted refresh");
    time.runUntilIdle();
    assertEquals(1, probe.count(p.address()), "a restart does not refresh at once");
    second.removeSecondary(ZONE);
    probe.silence(p.address());
    ZoneSync third = open(engine().storage(store).build());
    third.addSecondary(zone(p.address()));
    time.advance(Duration.ofHours(2));
    assertEquals(ReplicaState.EXPIRED, third.replica(ZONE).orElseThrow().state());
    third.close();
    ZoneSync fourth = open(engine().storage(store).build());
    ZoneReplica restarted = fourth.addSecondary(zone(p.address()));
    assertEquals(ReplicaState.EXPIRED, restarted.state(), "expired before any refresh (E14)");
    assertEquals(Optional.empty(), restarted.current());
  }

  @Test
  void failover_skipsAFailingPrimary_andNeverChainsIxfrAcrossPrimaries() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 20);
    ZoneSnapshot v2 = ZoneSyncTest.version(2, 22);
    FakePrimary a = primary(v1, v2);
    FakePrimary b = primary(v1, v2);
    probe.silence(a.address());
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    ZoneSync sync = open(engine().storage(store).unreachableHold(Duration.ofHours(3)).build());
    ZoneReplica r = sync.addSecondary(zone(a.address(), b.address()));
    time.runUntilIdle();
    assertEquals(v2, r.snapshot());
    assertEquals(Optional.of(b.address()), r.status().primary());
    assertEquals(0, b.ixfrQueries(), "the held version came from the first primary: AXFR");
    assertEquals(1, b.axfrQueries());
    time.advance(Duration.ofMinutes(61));
    assertEquals(1, probe.count(a.address()), "an unreachable primary is skipped for a while");
    assertEquals(2, probe.count(b.address()));
  }

  @Test
  void transfer_isReportedOnce_withCountersAndEvents() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 20);
    FakePrimary p = primary(v1);
    ZoneSync sync = open(engine().build());
    ZoneReplica r = sync.addSecondary(zone(p.address()));
    assertEquals(ReplicaState.LOADING, r.state());
    time.runUntilIdle();
    assertEquals(v1, r.snapshot());
    var stats = r.status().stats();
    assertEquals(1, stats.axfrSucceeded());
    assertEquals(1, stats.soaQueries());
    assertEquals(v1.recordCount() + 1, stats.records());
    assertEquals(Optional.of(Duration.ZERO), stats.sinceLastSuccess());
    assertEquals(List.of("TransferStarted", "TransferFinished"), events.kinds());
    assertInstanceOf(ReplicaEvent.TransferFinished.class, events.events.get(1));
    assertEquals(stats, sync.stats(), "one zone: the total is its counters");
    assertFalse(r.status().refreshing());
  }
}
