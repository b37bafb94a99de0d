// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.DJ_A;
import static org.zonesync.core.ServingFixtures.KEY_A;
import static org.zonesync.core.ServingFixtures.ZONE;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.journal.MemoryReplicaStore;

/** Serving onward against a duplicate add, slow clients, signed errors and restarts. */
final class ServingRobustnessTest {

  private static final ZoneServing ALLOW_A = ZoneServing.builder()
      .allowTransfer("key:" + KEY_A.name()).build();

  @Test
  void addingAZoneTwice_failsAndTheFirstKeepsServing() throws Exception {
    ZoneSnapshot v1 = ServingFixtures.zone(ZONE, 100, 10);
    try (ZoneSync sync = ZoneSync.builder().transferKeys(KEY_A).build()) {
      sync.addPrimary(ZONE, ZoneSource.of(v1), ALLOW_A);
      assertThrows(IllegalStateException.class,
          () -> sync.addPrimary(ZONE, ZoneSource.of(v1), ALLOW_A));
      assertThrows(IllegalStateException.class, () -> sync.addSecondary(
          SecondaryZone.builder(ZONE).primary("127.0.0.1", 53).build()));
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      sync.transferResponder().respond(soaQuery(), soaQuery().length, ServingFixtures.CLIENT,
          TransferResponder.Transport.UDP, r);
      Message m = ServingFixtures.parse(r.only());
      assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
      assertEquals(1, m.getSection(Section.ANSWER).size());
    }
  }

  @Test
  void aClientTricklingOneByteAtATime_isClosedAfterTheIdleTimeout_andFreesItsSlot()
      throws Exception {
    try (ZoneSync sync = ZoneSync.builder().listen(ANY).transferKeys(KEY_A)
        .tcpLimits(Duration.ofMillis(400), Duration.ofSeconds(5), 1).build()) {
      sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 10)), ALLOW_A);
      try (Socket slow = new Socket()) {
        slow.connect(sync.notifyAddress().orElseThrow());
        OutputStream out = slow.getOutputStream();
        InputStream in = slow.getInputStream();
        slow.setSoTimeout(200);
        byte[] q = soaQuery();
        out.write(new byte[] {(byte) (q.length >>> 8), (byte) q.length});
        boolean closed = false;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // a byte every 100 ms, well within any per-read timeout, never a whole message
        for (int i = 0; i < q.length - 1 && !closed && System.nanoTime() < end; i++) {
          try {
            out.write(q[i]);
            out.flush();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
          } catch (java.io.IOException e) {
            closed = true;
          }
          closed |= isClosed(in);
        }
        assertTrue(closed, "the trickling connection was closed");
      }
      // the only slot is free again: a client sending whole messages is answered
      ServingFixtures.await(() -> answered(sync), "a new connection is answered");
    }
  }

  @Test
  void signedRequestWithTwoQuestions_getsASignedFormerr() throws Exception {
    try (ZoneSync sync = ZoneSync.builder().transferKeys(KEY_A).build()) {
      sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 10)), ALLOW_A);
      Message q = ServingFixtures.query(ZONE, Type.AXFR);
      q.addRecord(Record.newRecord(ZONE, Type.SOA, org.xbill.DNS.DClass.IN), Section.QUESTION);
      byte[] wire = ServingFixtures.wire(q, DJ_A);
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      sync.transferResponder().respond(wire, wire.length, ServingFixtures.CLIENT,
          TransferResponder.Transport.TCP, r);
      Message answer = ServingFixtures.parse(r.only());
      assertEquals(Rcode.FORMERR, answer.getRcode());
      assertTrue(answer.getTSIG() != null, "signed: the request verified");
      assertEquals(Rcode.NOERROR, DJ_A.verify(answer, r.only(),
          ServingFixtures.parse(wire).getTSIG()),
          "the FORMERR's TSIG verifies with the request's key");
    }
  }

  @Test
  void restartWithTheStoredVersion_notifiesTheSecondariesOnLoad() throws Exception {
    MemoryReplicaStore store = MemoryReplicaStore.create();
    ZoneSnapshot v1 = ServingFixtures.zone(ZONE, 100, 10);
    ZoneServing serving = ZoneServing.builder().allowTransfer("key:" + KEY_A.name())
        .alsoNotify(new java.net.InetSocketAddress(ServingFixtures.LOOPBACK, 9)).build();
    try (ZoneSync first = ZoneSync.builder().storage(store).build()) {
      first.addPrimary(ZONE, ZoneSource.of(v1), serving);
      assertEquals(1, first.servingStats().notifySent(), "first load");
    }
    try (ZoneSync again = ZoneSync.builder().storage(store).build()) {
      PrimaryZone p = again.addPrimary(ZONE, ZoneSource.of(v1), serving);
      assertEquals(v1.serial(), p.current().serial());
      assertEquals(1, again.servingStats().notifySent(), "unchanged, yet NOTIFYed on load");
    }
  }

  private static byte[] soaQuery() {
    return ServingFixtures.wire(ServingFixtures.query(ZONE, Type.SOA), DJ_A);
  }

  private static boolean isClosed(InputStream in) {
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static boolean answered(ZoneSync sync) {
    try (ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow())) {
      c.send(soaQuery());
      return ServingFixtures.rcode(c.read()) == Rcode.NOERROR;
    } catch (java.io.IOException e) {
      return false;
    }
  }

}
