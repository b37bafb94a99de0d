// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.LOOPBACK;
import static org.zonesync.core.ServingFixtures.OTHER;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.ixfr;
import static org.zonesync.core.ServingFixtures.parse;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.wire;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.spi.ReplicaTimers;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN B22: an expired or not-yet-loaded zone is answered SERVFAIL and never transferred; a
 * zone not hosted gets NOTAUTH for AXFR and IXFR, REFUSED for an SOA query.
 */
final class ServingZoneStateTest {

  private static final ZoneServing ALLOW = ZoneServing.builder().allowTransfer("127.0.0.1")
      .build();

  /** Sends SOA (UDP and TCP), AXFR and IXFR (TCP) for {@code zone}; returns the rcodes. */
  private static int[] ask(ZoneSync sync, org.xbill.DNS.Name zone) throws Exception {
    int[] rcodes = new int[5];
    byte[][] reqs = {wire(query(zone, Type.SOA)), wire(query(zone, Type.SOA)),
        wire(query(zone, Type.AXFR)), wire(ixfr(zone, 1)), wire(ixfr(zone, 1))};
    TransferResponder.Transport[] how = {TransferResponder.Transport.UDP,
        TransferResponder.Transport.TCP, TransferResponder.Transport.TCP,
        TransferResponder.Transport.TCP, TransferResponder.Transport.UDP};
    for (int i = 0; i < reqs.length; i++) {
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      assertEquals(TransferResponder.Result.ANSWERED, sync.transferResponder().respond(reqs[i],
          reqs[i].length, CLIENT, how[i], r), "request " + i);
      Message m = parse(r.only());
      assertEquals(0, m.getSection(Section.ANSWER).size(), "no zone data in " + m);
      rcodes[i] = m.getRcode();
    }
    return rcodes;
  }

  private static void assertAll(int expected, int[] got) {
    for (int i = 0; i < got.length; i++) {
      assertEquals(Rcode.string(expected), Rcode.string(got[i]), "request " + i);
    }
  }

  @Test
  void notYetLoadedSecondary_isServfail_andNothingIsTransferred() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        ZoneSync sync = ZoneSync.builder().listen(ANY).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of((InetSocketAddress) silent.getLocalSocketAddress()))
          .serving(ALLOW).build());
      assertEquals(Optional.empty(), r.current());
      assertAll(Rcode.SERVFAIL, ask(sync, ZONE));
      // and over the built-in listener's TCP
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow())) {
        c.send(wire(query(ZONE, Type.AXFR)));
        assertEquals(Rcode.SERVFAIL, parse(c.read()).getRcode());
      }
      ServingStats s = sync.servingStats();
      assertEquals(0, s.axfrOut() + s.ixfrOut() + s.quotaFull() + s.failed(), s.toString());
    }
  }

  @Test
  void expiredSecondary_isServfail_whileTheSameStoredVersionUnexpiredIsServed()
      throws Exception {
    for (boolean expired : new boolean[] {true, false}) {
      MemoryReplicaStore store = MemoryReplicaStore.create();
      store.replace(ServingFixtures.zone(ZONE, 100, 20));
      Instant now = Instant.now();
      store.saveTimers(ZONE, new ReplicaTimers(now.plus(Duration.ofHours(1)),
          Optional.of(expired ? now.minus(Duration.ofHours(1)) : now.plus(Duration.ofDays(1))),
          expired, 0, Optional.empty(), Optional.of(now.minus(Duration.ofDays(8)))));
      try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
          ZoneSync sync = ZoneSync.builder().storage(store).build()) {
        ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
            .primary(Primary.of((InetSocketAddress) silent.getLocalSocketAddress()))
            .serving(ALLOW).build());
        if (expired) {
          assertEquals(ReplicaState.EXPIRED, r.status().state());
          assertAll(Rcode.SERVFAIL, ask(sync, ZONE));
          assertEquals(0, sync.servingStats().axfrOut() + sync.servingStats().ixfrOut());
        } else {
          ServingFixtures.Recorder rec = new ServingFixtures.Recorder();
          byte[] axfr = wire(query(ZONE, Type.AXFR));
          assertEquals(TransferResponder.Result.TRANSFERRED, sync.transferResponder().respond(
              axfr, axfr.length, CLIENT, TransferResponder.Transport.TCP, rec));
          assertEquals(ServingFixtures.set(ServingFixtures.zone(ZONE, 100, 20)),
              ServingFixtures.Xfr.of(rec.records()).applyTo(java.util.Set.of()));
        }
      }
    }
  }

  @Test
  void zoneNotHosted_isNotauthForTransfers_andRefusedForSoa() throws Exception {
    try (ZoneSync sync = ZoneSync.builder().listen(ANY).build()) {
      sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 20)), ALLOW);
      int[] got = ask(sync, OTHER);
      assertEquals(Rcode.string(Rcode.REFUSED), Rcode.string(got[0]), "SOA over UDP");
      assertEquals(Rcode.string(Rcode.REFUSED), Rcode.string(got[1]), "SOA over TCP");
      assertEquals(Rcode.string(Rcode.NOTAUTH), Rcode.string(got[2]), "AXFR");
      assertEquals(Rcode.string(Rcode.NOTAUTH), Rcode.string(got[3]), "IXFR over TCP");
      // over the network too, and a subzone name is not the zone
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      Message soa = parse(Dig.udp(server, wire(query(OTHER, Type.SOA))));
      assertEquals(Rcode.REFUSED, soa.getRcode());
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(server)) {
        c.send(wire(query(OTHER, Type.AXFR)));
        assertEquals(Rcode.NOTAUTH, parse(c.read()).getRcode());
        c.send(wire(query(TestZones.child("sub", ZONE), Type.AXFR)));
        assertEquals(Rcode.NOTAUTH, parse(c.read()).getRcode());
      }
      ServingStats s = sync.servingStats();
      assertEquals(0, s.axfrOut() + s.ixfrOut(), s.toString());
    }
  }
}
