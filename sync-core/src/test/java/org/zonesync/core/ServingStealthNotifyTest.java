// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.await;
import static org.zonesync.core.ServingFixtures.parse;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.set;
import static org.zonesync.core.ServingFixtures.wire;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.ServingNotifyOutTest.Receiver;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN G7 for a stealth secondary (Knot {@code notify/too_early}, BIND {@code notify-defer}):
 * a {@link ZoneSync} secondary serving onward NOTIFYs its downstream only once a transferred
 * version is durable and live. Upstream is a {@link TransferServer}; the middle's store holds
 * its writes on a latch; the downstream is a plain socket that records NOTIFYs and, at the
 * moment each arrives, asks the middle for the SOA and an IXFR.
 */
final class ServingStealthNotifyTest {

  /** Holds append and replace while armed; records the serials that became durable. */
  static final class GatedStore extends DelegatingStore {
    volatile CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate = new CountDownLatch(1);
    final List<Long> durable = Collections.synchronizedList(new ArrayList<>());

    GatedStore() {
      super(MemoryReplicaStore.create());
    }

    /** Holds the next write (and those after it) until {@link #gate} opens. */
    void arm() {
      entered = new CountDownLatch(1);
      gate = new CountDownLatch(1);
    }

    private void hold() {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void replace(ZoneSnapshot snapshot) throws ReplicaStoreException {
      hold();
      super.replace(snapshot);
      durable.add(snapshot.serial().value());
    }

    @Override
    public void append(ZoneDelta delta, ZoneSnapshot after) throws ReplicaStoreException {
      hold();
      super.append(delta, after);
      durable.add(after.serial().value());
    }
  }

  /** What the downstream saw when a NOTIFY for {@code serial} arrived. */
  record AtNotify(long serial, List<Long> durable, String soa, String ixfr) {
  }

  @Test
  void stealthSecondary_notifiesOnlyDurableLiveVersions_firstAxfrThenIxfr() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(100, 50);
    ZoneSnapshot v2 = TransferServerIxfrTest.edited(v1, 101, 3);
    GatedStore store = new GatedStore(); // armed: the first write, of the initial AXFR, waits
    try (Receiver rx = new Receiver();
        TransferServer upstream = TransferServer.builder().zone(v1).keys(KEY).start();
        ZoneSync middle = ZoneSync.builder().storage(store).listen(ANY).build()) {
      InetSocketAddress server = middle.notifyAddress().orElseThrow();
      List<AtNotify> seen = Collections.synchronizedList(new ArrayList<>());
      rx.onNotify = serial -> seen.add(new AtNotify(serial, List.copyOf(store.durable),
          soaAt(server), ixfrFrom(middle, v1, v2)));
      ZoneReplica mid = middle.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(upstream.address(), KEY))
          .serving(ZoneServing.builder().allowTransfer("127.0.0.1").alsoNotify(rx.address())
              .build())
          .build());

      // the initial AXFR is fetched but its store write is held: not live, nothing notified
      assertTrue(store.entered.await(30, TimeUnit.SECONDS), "the initial store write began");
      assertEquals(ReplicaState.LOADING, mid.state());
      assertEquals("SERVFAIL", soaAt(server), "nothing served before the first version is durable");
      assertEquals(List.of(), rx.serials(), "no NOTIFY before the first version is durable");
      assertEquals(0, middle.servingStats().notifySent());
      store.gate.countDown();
      assertEquals(v1, mid.awaitCurrent(Duration.ofSeconds(30)));
      await(() -> middle.servingStats().notifyAcknowledged() == 1, "the first version notified");
      assertEquals(List.of(100L), rx.serials());
      assertEquals(new AtNotify(100, List.of(100L), "100", "SINGLE_SOA 100"), seen.get(0),
          "at the first NOTIFY the AXFR is durable and served");

      // v2 reaches the middle by IXFR; its journal append is held
      store.arm();
      upstream.publishAndNotify(v2, List.of(server)).get(0).get(30, TimeUnit.SECONDS);
      assertTrue(store.entered.await(30, TimeUnit.SECONDS), "the journal write of v2 began");
      assertEquals(List.of(100L), rx.serials(), "no NOTIFY for v2 while its write is held");
      assertEquals(1, middle.servingStats().notifySent());
      assertEquals("100", soaAt(server), "v2 not live before it is durable");
      assertEquals("SINGLE_SOA 100", ixfrFrom(middle, v1, v2), "an IXFR from v1 is up to date");
      assertEquals(v1, mid.snapshot());
      store.gate.countDown();

      await(() -> middle.servingStats().notifyAcknowledged() == 2, "v2 notified");
      assertEquals(List.of(100L, 101L), rx.serials());
      assertEquals(new AtNotify(101, List.of(100L, 101L), "101", "INCREMENTAL 101 ok"),
          seen.get(1), "at the NOTIFY for v2 it is durable, and the SOA and IXFR give it");
      assertEquals(v2, mid.snapshot());
      ServingStats s = middle.servingStats();
      assertEquals(0, s.notifyFailed(), s.toString());
      assertEquals(0, s.failed(), s.toString());
      assertEquals(2, s.notifySent(), s.toString());
      assertEquals(3, s.ixfrOut(), "the IXFRs asked at each NOTIFY and while held: " + s);
    }
  }

  /** The serial of the middle's SOA answer over UDP, or the rcode's name when not NOERROR. */
  private static String soaAt(InetSocketAddress server) {
    try {
      Message a = parse(Dig.udp(server, wire(query(ZONE, Type.SOA))));
      if (a.getRcode() != Rcode.NOERROR) {
        return Rcode.string(a.getRcode());
      }
      return Long.toString(((SOARecord) a.getSection(Section.ANSWER).get(0)).getSerial());
    } catch (Exception e) {
      return e.toString();
    }
  }

  /**
   * Asks the middle for an IXFR from {@code base} and describes the answer: its kind and
   * serial, and for a delta chain whether it turns {@code base} into exactly {@code target}.
   */
  private static String ixfrFrom(ZoneSync middle, ZoneSnapshot base, ZoneSnapshot target) {
    try {
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      byte[] q = wire(ServingFixtures.ixfr(ZONE, base.serial().value()));
      middle.transferResponder().respond(q, q.length, CLIENT, TransferResponder.Transport.TCP,
          r);
      ServingFixtures.Xfr x = ServingFixtures.Xfr.of(r.records());
      String d = x.kind() + " " + x.serial();
      if (x.kind() == ServingFixtures.Kind.INCREMENTAL) {
        // applied independently of zonesync's readers
        boolean ok = x.serial() == target.serial().value()
            && x.applyTo(set(base)).equals(set(target));
        d += ok ? " ok" : " wrong content";
      }
      return d;
    } catch (Throwable e) {
      return e.toString();
    }
  }
}
