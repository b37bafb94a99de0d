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
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.ZoneSyncTest.RecordingListener;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * NOTIFY into the engine, and many zones, in simulated time (TESTPLAN B19, D7, D8, G1, G2):
 * coalescing into one follow-up, the serial hint, the SOA-query rate limit with NOTIFY first,
 * refusals counted and reported.
 */
final class EngineNotifyTest {

  static final Name ZONE = AxfrClientTest.ZONE;
  static final InetSocketAddress FROM_PRIMARY =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 53000);

  @AutoClose
  private final SimulatedEngine sim = new SimulatedEngine();
  private final SimulatedTime time = sim.time;
  private final ScriptedProbe probe = sim.probe;
  private final RecordingListener events = sim.events;

  private <T extends AutoCloseable> T open(T c) {
    return sim.open(c);
  }

  private ZoneSync.Builder engine() {
    return sim.builder(11);
  }

  private static int rcode(byte[] answer) {
    return answer[3] & 0x0F; // the header's RCODE field
  }

  static byte[] notify(Name zone, int id, Optional<Long> serial) {
    Message m = new Message(id);
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(org.xbill.DNS.Flags.AA);
    m.addRecord(Record.newRecord(zone, Type.SOA, DClass.IN), Section.QUESTION);
    serial.ifPresent(s -> m.addRecord(new SOARecord(zone, DClass.IN, 3600, zone, zone, s, 3600,
        900, 1209600, 300), Section.ANSWER));
    return m.toWire();
  }

  private ZoneReplica serving(FakePrimary p, ZoneSnapshot v, ZoneSync sync) throws Exception {
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
        .primary(Primary.of(p.address())).build());
    time.runUntilIdle();
    assertEquals(v, r.snapshot());
    return r;
  }

  @Test
  void notifyFlood_duringARefresh_coalescesIntoOneFollowUp() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 20);
    FakePrimary p = open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    MemoryReplicaStore store = MemoryReplicaStore.create();
    ZoneSync sync = open(engine().storage(store).build());
    probe.answer(p);
    ZoneReplica r = serving(p, v1, sync);
    long before = probe.count(p.address());
    p.publish(ZoneSyncTest.version(2, 25));
    // the flood arrives while the first NOTIFY's SOA query is out (G1, D7)
    boolean[] flooded = {false};
    probe.answer(p.address(), z -> {
      if (!flooded[0]) {
        flooded[0] = true;
        for (int i = 1; i < 10_000; i++) {
          Optional<byte[]> a = sync.handleNotify(notify(ZONE, i, Optional.of(2L)), FROM_PRIMARY);
          assertEquals(Rcode.NOERROR, rcode(a.orElseThrow()));
        }
      }
      return p.soa();
    });
    sync.handleNotify(notify(ZONE, 0, Optional.of(2L)), FROM_PRIMARY);
    assertTrue(r.status().refreshing(), "the first NOTIFY started a refresh");
    time.runUntilIdle();
    assertEquals(2, r.snapshot().serial().value());
    assertEquals(before + 2, probe.count(p.address()), "one refresh plus one follow-up");
    assertEquals(1, p.ixfrQueries(), "one transfer, by IXFR");
    assertEquals(10_000, r.status().stats().notifiesAccepted());
  }

  @Test
  void notifies_beforeTheRefreshHasAsked_joinIt() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 20);
    FakePrimary p = open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    probe.answer(p);
    ZoneSync sync = open(engine().build());
    ZoneReplica r = serving(p, v1, sync);
    long before = probe.count(p.address());
    p.publish(ZoneSyncTest.version(2, 25));
    for (int i = 0; i < 100; i++) {
      sync.handleNotify(notify(ZONE, i, Optional.of(2L)), FROM_PRIMARY);
    }
    var joined = r.refresh();
    time.runUntilIdle();
    assertEquals(before + 1, probe.count(p.address()), "nothing asked yet: all joined");
    assertTrue(joined.isDone() && joined.join() instanceof org.zonesync.api.TransferOutcome
        .Incremental, joined.toString());
    assertEquals(2, r.snapshot().serial().value());
  }

  @Test
  void notifySerial_notNewerThanOurs_causesNothing_newerCausesOneCheck() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(7, 20);
    FakePrimary p = open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    probe.answer(p);
    ZoneSync sync = open(engine().build());
    ZoneReplica r = serving(p, v1, sync);
    long before = probe.count(p.address());
    sync.handleNotify(notify(ZONE, 1, Optional.of(7L)), FROM_PRIMARY);
    sync.handleNotify(notify(ZONE, 2, Optional.of(6L)), FROM_PRIMARY);
    time.runUntilIdle();
    assertEquals(before, probe.count(p.address()), "a serial <= ours is only a hint: ignored");
    // a serial ahead of what the primary serves: one check, then nothing more (B19)
    sync.handleNotify(notify(ZONE, 3, Optional.of(9L)), FROM_PRIMARY);
    time.advance(Duration.ofMinutes(30));
    assertEquals(before + 1, probe.count(p.address()));
    assertEquals(0, p.axfrQueries() - 1, "no transfer besides the first");
    sync.handleNotify(notify(ZONE, 4, Optional.empty()), FROM_PRIMARY);
    time.runUntilIdle();
    assertEquals(before + 2, probe.count(p.address()), "no serial: one check");
    assertEquals(7, r.snapshot().serial().value());
  }

  @Test
  void notify_fromANonPrimary_orForAnUnknownZone_isRefused_andReported() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(1, 5);
    FakePrimary p = open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    probe.answer(p);
    ZoneSync sync = open(engine().build());
    ZoneReplica r = serving(p, v1, sync);
    InetSocketAddress stranger = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 53);
    Message refused = new Message(sync.handleNotify(notify(ZONE, 5, Optional.of(2L)), stranger)
        .orElseThrow());
    assertEquals(Rcode.REFUSED, refused.getRcode());
    Message notauth = new Message(sync.handleNotify(notify(Name.fromConstantString("other.test."),
        6, Optional.empty()), FROM_PRIMARY).orElseThrow());
    assertEquals(Rcode.NOTAUTH, notauth.getRcode());
    assertEquals(1, r.status().stats().notifiesRefused());
    ReplicaEvent.NotifyRefused e = events.events.stream()
        .filter(x -> x instanceof ReplicaEvent.NotifyRefused).map(ReplicaEvent.NotifyRefused.class::cast)
        .findFirst().orElseThrow();
    assertEquals(stranger, e.source());
    time.runUntilIdle();
    assertEquals(1, probe.count(p.address()), "a refused NOTIFY starts nothing");
  }

  @Test
  void soaQueries_acrossZones_areRateLimited_withNotifyFirst() throws Exception {
    InetSocketAddress primary = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5399);
    probe.answer(primary, z -> (SOARecord) Zones.of(z, TestZones.records(z, 1, 1)).soa());
    MemoryReplicaStore store = MemoryReplicaStore.create();
    List<Name> zones = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Name z = Name.fromConstantString("z" + i + ".example.");
      zones.add(z);
      store.replace(Zones.of(z, TestZones.records(z, 1, 1)));
    }
    ZoneSync sync = open(engine().storage(store).soaQueryRate(20).build());
    for (Name z : zones) {
      sync.addSecondary(SecondaryZone.builder(z).primary(Primary.of(primary)).build());
    }
    // the 100 start-up checks are due at once: a full bucket of 20 went out on adding; a NOTIFY
    // for the last zone, whose check still waits, moves it to the head of the queue
    Name last = zones.get(99);
    Message ok = new Message(sync.handleNotify(notify(last, 1, Optional.of(2L)),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)).orElseThrow());
    assertEquals(Rcode.NOERROR, ok.getRcode());
    time.runUntilIdle();
    assertEquals(20, probe.queries().size(), "a full bucket: 20 at once");
    time.advance(Duration.ofMillis(50));
    assertEquals(21, probe.queries().size(), "one more token after 1/20 s");
    assertEquals(last, probe.queries().get(20).zone(), "the NOTIFY-triggered query went first");
    time.advance(Duration.ofMillis(949));
    assertTrue(probe.queries().size() <= 40, "20 per second: " + probe.queries().size());
    time.advance(Duration.ofSeconds(5));
    // 100 start-up checks; the NOTIFY joined its zone's check, which had not asked yet
    assertEquals(100, probe.queries().size(), "all checked, none dropped");
    for (ScriptedProbe.Query q : probe.queries()) {
      assertTrue(q.at().compareTo(Duration.ofMillis(4000)) <= 0, "20 at once, then one per 50 ms: "
          + q.at());
    }
  }
}
