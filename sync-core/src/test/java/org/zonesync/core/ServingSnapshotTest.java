// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.await;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.set;
import static org.zonesync.core.ServingFixtures.wire;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;

/**
 * TESTPLAN F9: a client that disconnects mid-AXFR releases its slot; a version published during
 * an outgoing AXFR does not leak into it (the stream is entirely the old serial) and the next
 * transfer gets the new one.
 */
final class ServingSnapshotTest {

  @Test
  void clientDisconnectsMidAxfr_slotReleased_andCountedFailed() throws Exception {
    try (ZoneSync sync = ServingQuotaTest.listener(Duration.ofSeconds(20), Duration.ofSeconds(20),
        1)) {
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow(),
          4096)) {
        c.send(wire(query(ZONE, Type.AXFR)));
        c.read(); // the first message: the transfer runs and holds the only slot
        c.socket.setSoLinger(true, 0);
      }
      await(() -> sync.servingStats().failed() == 1, "the abandoned transfer counted failed");
      ServingQuotaTest.smallTransferSucceeds(sync);
      ServingStats s = sync.servingStats();
      assertEquals(1, s.axfrOut(), s.toString());
    }
  }

  @Test
  void updateDuringAnAxfrOverTheListener_theStreamKeepsTheOldSerial() throws Exception {
    ZoneSnapshot v1 = ServingQuotaTest.Big.V1;
    ZoneSnapshot v2 = TransferServerIxfrTest.edited(v1, 101, 3);
    try (ZoneSync sync = ServingQuotaTest.listener(Duration.ofSeconds(20), Duration.ofSeconds(20),
        2)) {
      PrimaryZone p = sync.primary(ZONE).orElseThrow();
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow(),
          4096)) {
        c.send(wire(query(ZONE, Type.AXFR)));
        byte[] first = c.read();
        p.update(ZoneSource.of(v2));
        // the zone is larger than the socket buffers: the stream is still running
        assertEquals(0, sync.servingStats().axfrOut(), "the transfer has not ended yet");
        List<Record> all = new java.util.ArrayList<>(ServingFixtures.answers(List.of(first)));
        while (!ServingFixtures.complete(all, false)) {
          all.addAll(ServingFixtures.answers(List.of(c.read())));
        }
        assertWholly(v1, all);
      }
      ServingFixtures.Recorder next = new ServingFixtures.Recorder();
      byte[] q = wire(query(ZONE, Type.AXFR));
      sync.transferResponder().respond(q, q.length, CLIENT, TransferResponder.Transport.TCP,
          next);
      assertWholly(v2, next.records());
    }
  }

  @Test
  void updateBetweenTwoMessagesOfAnAxfr_theStreamKeepsTheOldSerial() throws Exception {
    ZoneSnapshot v1 = ServingFixtures.zone(ZONE, 100, 500);
    ZoneSnapshot v2 = ServingFixtures.zone(ZONE, 101, 499);
    try (ZoneSync sync = ZoneSync.builder().transferMessageSize(512).build()) {
      PrimaryZone p = sync.addPrimary(ZONE, ZoneSource.of(v1),
          ZoneServing.builder().allowTransfer("127.0.0.1").build());
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      byte[] q = wire(query(ZONE, Type.AXFR));
      sync.transferResponder().respond(q, q.length, CLIENT, TransferResponder.Transport.TCP,
          (m, n) -> {
            r.write(m, n);
            if (r.messages.size() == 2) {
              try {
                p.update(ZoneSource.of(v2));
              } catch (Exception e) {
                throw new java.io.IOException(e);
              }
            }
          });
      assertEquals(101, p.current().serial().value(), "published during the stream");
      assertEquals(true, r.messages.size() > 10, "many messages");
      assertWholly(v1, r.records());
      ServingFixtures.Recorder next = new ServingFixtures.Recorder();
      sync.transferResponder().respond(q, q.length, CLIENT, TransferResponder.Transport.TCP,
          next);
      assertWholly(v2, next.records());
    }
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
