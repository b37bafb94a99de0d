// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.rcode;
import static org.zonesync.core.ServingFixtures.set;
import static org.zonesync.core.ServingFixtures.wire;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN F9, the zone expiring during an outgoing transfer: a stealth secondary whose primary
 * went silent expires (RFC 1035 section 4.3.5) while it streams an AXFR to a downstream client.
 * The running stream finishes on the version it started with (BIND's {@code xfrout} holds the
 * version for the stream), while a request arriving after the expiry is answered SERVFAIL; once
 * the primary answers again the zone is served again. The engine runs in simulated time; the
 * stream is held after its first message by doing the expiry from inside the sink, on the
 * test's thread, so nothing races.
 */
final class ServingExpiryDuringTransferTest {

  static final Name ZONE = EngineTimersTest.ZONE;
  /** The SOA expire of {@link EngineTimersTest#shortLived}. */
  static final Duration EXPIRE = Duration.ofSeconds(3600);

  @AutoClose
  private final SimulatedEngine sim = new SimulatedEngine();
  private final SimulatedTime time = sim.time;

  @Test
  void zoneExpiresMidAxfr_theStreamFinishesOnItsSnapshot_andANewRequestGetsServfail()
      throws Exception {
    ZoneSnapshot v1 = EngineTimersTest.shortLived(100, 500);
    FakePrimary p = sim.open(FakePrimary.withHistory(List.of(v1), null, FaultPolicy.NONE));
    sim.probe.answer(p);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(v1);
    ZoneSync sync = sim.open(sim.builder(7).storage(store).transferMessageSize(512).build());
    ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE).primary(Primary.of(p.address()))
        .serving(ZoneServing.builder().allowTransfer("127.0.0.1").build()).build());
    time.runUntilIdle(); // the first check succeeds at T0: the copy expires at T0 + 3600 s
    assertEquals(ReplicaState.SERVING, r.state());
    assertEquals(Optional.of(SimulatedEngine.T0.plus(EXPIRE)), r.status().expiresAt());
    sim.probe.silence(p.address()); // the primary becomes unreachable

    byte[] axfr = wire(query(ZONE, Type.AXFR));
    List<byte[]> stream = new ArrayList<>();
    List<byte[]> duringStream = new ArrayList<>();
    List<ReplicaState> stateAfterFirst = new ArrayList<>();
    TransferResponder.Result first = sync.transferResponder().respond(axfr, axfr.length, CLIENT,
        TransferResponder.Transport.TCP, (m, n) -> {
          stream.add(java.util.Arrays.copyOf(m, n));
          if (stream.size() == 1) {
            // the stream is held here, after its first message, while the zone expires
            assertEquals(ReplicaState.SERVING, r.state(), "serving when the stream started");
            time.advance(EXPIRE.plusSeconds(1));
            stateAfterFirst.add(r.state());
            ServingFixtures.Recorder again = new ServingFixtures.Recorder();
            sync.transferResponder().respond(axfr, axfr.length, CLIENT,
                TransferResponder.Transport.TCP, again);
            duringStream.add(again.only());
          }
        });

    assertEquals(List.of(ReplicaState.EXPIRED), stateAfterFirst,
        "expired while the stream was held");
    assertEquals(TransferResponder.Result.TRANSFERRED, first);
    assertTrue(stream.size() > 10, "a multi-message stream: " + stream.size() + " messages");
    assertWholly(v1, ServingFixtures.answers(stream));
    assertEquals(1, duringStream.size());
    assertEquals(Rcode.SERVFAIL, rcode(duringStream.get(0)),
        "an AXFR asked while the zone is expired");

    // after the stream: still expired, every new request is SERVFAIL, IXFR and SOA included
    assertEquals(ReplicaState.EXPIRED, r.state());
    assertEquals(Rcode.SERVFAIL, rcode(ask(sync, axfr, TransferResponder.Transport.TCP)));
    byte[] ixfr = wire(ServingFixtures.ixfr(ZONE, 99));
    assertEquals(Rcode.SERVFAIL, rcode(ask(sync, ixfr, TransferResponder.Transport.TCP)));
    byte[] soa = wire(query(ZONE, Type.SOA));
    assertEquals(Rcode.SERVFAIL, rcode(ask(sync, soa, TransferResponder.Transport.UDP)));
    ServingStats s = sync.servingStats();
    // the SERVFAILs: one new AXFR during the stream, then AXFR, IXFR and SOA after it
    assertEquals(new ServingStats(1, 0, 0, 0, 4, 0, 0, 0, 0), s,
        "one AXFR served whole; the SERVFAILs counted unavailable, not refused or failed");

    // the primary answers again: the kept data is served again (TESTPLAN F3 recovery)
    sim.probe.answer(p);
    time.advance(Duration.ofHours(2));
    assertEquals(ReplicaState.SERVING, r.state());
    ServingFixtures.Recorder after = new ServingFixtures.Recorder();
    sync.transferResponder().respond(axfr, axfr.length, CLIENT, TransferResponder.Transport.TCP,
        after);
    assertWholly(v1, after.records());
    assertEquals(2, sync.servingStats().axfrOut(), sync.servingStats().toString());
    assertEquals(0, sync.servingStats().failed(), sync.servingStats().toString());
  }

  private static byte[] ask(ZoneSync sync, byte[] q, TransferResponder.Transport how)
      throws Exception {
    ServingFixtures.Recorder rec = new ServingFixtures.Recorder();
    assertEquals(TransferResponder.Result.ANSWERED, sync.transferResponder().respond(q, q.length,
        CLIENT, how, rec));
    return rec.only();
  }

  private static void assertWholly(ZoneSnapshot z, List<Record> got) {
    long serial = z.serial().value();
    assertEquals(serial, ((SOARecord) got.get(0)).getSerial(), "first SOA");
    assertEquals(serial, ((SOARecord) got.get(got.size() - 1)).getSerial(), "last SOA");
    ServingFixtures.Xfr x = ServingFixtures.Xfr.of(got);
    assertEquals(ServingFixtures.Kind.AXFR_STYLE, x.kind());
    assertEquals(set(z), x.applyTo(Set.of()), "exactly the records of serial " + serial);
  }
}
