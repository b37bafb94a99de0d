// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.ZoneSourceException;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * Three tiers in one process: a {@link TransferServer} primary, a {@link ZoneSync} stealth
 * secondary serving onward on its listener, and a downstream {@link ZoneSync} replica; and a
 * {@link ZoneSync#addPrimary} hidden primary feeding a replica.
 */
final class ZoneSyncServingTest {

  static final TsigKey DOWN_KEY = TsigKey.of(Name.fromConstantString("down-key."),
      TsigAlgorithm.HMAC_SHA256, new byte[32]);
  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @Test
  void stealthSecondary_servesDownstream_axfrThenIxfrAfterNotify() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(100, 200);
    ZoneSnapshot v2 = TransferServerIxfrTest.edited(v1, 101, 4);
    try (TransferServer primary = TransferServer.builder().zone(v1).keys(KEY).start();
        ZoneSync downstream = ZoneSync.builder().storage(MemoryReplicaStore.create()).listen(ANY)
            .build();
        ZoneSync middle = ZoneSync.builder().storage(MemoryReplicaStore.create()).listen(ANY)
            .transferKeys(DOWN_KEY).build()) {
      ZoneReplica mid = middle.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(primary.address(), KEY))
          .serving(ZoneServing.builder().allowTransfer("key:down-key.")
              .alsoNotify(downstream.notifyAddress().orElseThrow(), DOWN_KEY).build())
          .build());
      assertEquals(v1, mid.awaitCurrent(Duration.ofSeconds(30)));
      ZoneReplica down = downstream.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(middle.notifyAddress().orElseThrow(), DOWN_KEY)).build());
      assertEquals(v1, down.awaitCurrent(Duration.ofSeconds(30)));
      // the counter moves after the last message is written, maybe after the reader is done
      awaitTrue(() -> middle.servingStats().axfrOut() == 1, "one AXFR out counted");

      primary.publishAndNotify(v2, List.of(middle.notifyAddress().orElseThrow())).get(0)
          .get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!down.snapshot().serial().equals(v2.serial()) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(v2, down.snapshot(), "the change reached the third tier");
      awaitTrue(() -> middle.servingStats().ixfrOut() == 1
          && middle.servingStats().notifyAcknowledged() >= 1, "IXFR out and NOTIFY counted");
      ServingStats s = middle.servingStats();
      assertEquals(1, s.ixfrOut(), s.toString());
      assertEquals(1, s.axfrOut(), s.toString());
    }
  }

  @Test
  void unsignedDownstream_isRefused_withoutTakingAQuotaSlot() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(100, 20);
    try (TransferServer primary = TransferServer.builder().zone(v1).keys(KEY).start();
        ZoneSync middle = ZoneSync.builder().listen(ANY).transferKeys(DOWN_KEY).build();
        ZoneSync downstream = ZoneSync.builder().build()) {
      middle.addSecondary(SecondaryZone.builder(ZONE).primary(Primary.of(primary.address(), KEY))
          .serving(ZoneServing.builder().allowTransfer("key:down-key.").build()).build())
          .awaitCurrent(Duration.ofSeconds(30));
      ZoneReplica down = downstream.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(middle.notifyAddress().orElseThrow())).build());
      Exception e = assertThrows(Exception.class, () -> down.retransfer().get(30,
          TimeUnit.SECONDS));
      assertInstanceOf(TransferRefusedException.class, e.getCause(), e.toString());
      assertTrue(middle.servingStats().refused() >= 1);
      assertEquals(0, middle.servingStats().quotaFull());
    }
  }

  @Test
  void hiddenPrimary_updatesReachTheReplicaByIxfr_andABadUpdateKeepsServing() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(100, 50);
    ZoneSnapshot v2 = TransferServerIxfrTest.edited(v1, 101, 2);
    try (ZoneSync replicaSide = ZoneSync.builder().storage(MemoryReplicaStore.create())
            .listen(ANY).build();
        ZoneSync app = ZoneSync.builder().storage(MemoryReplicaStore.create()).listen(ANY)
            .transferKeys(DOWN_KEY).build()) {
      PrimaryZone p = app.addPrimary(ZONE, ZoneSource.of(v1), ZoneServing.builder()
          .allowTransfer("key:down-key.")
          .alsoNotify(replicaSide.notifyAddress().orElseThrow(), DOWN_KEY).build());
      ZoneReplica r = replicaSide.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(app.notifyAddress().orElseThrow(), DOWN_KEY)).build());
      assertEquals(v1, r.awaitCurrent(Duration.ofSeconds(30)));
      PrimaryZone.Update u = p.update(ZoneSource.of(v2));
      assertEquals(new PrimaryZone.Update(v2.serial(), true, 0, 2), u, "two A records added");
      assertEquals(new PrimaryZone.Update(v2.serial(), false, 0, 0), p.update(ZoneSource.of(v2)),
          "same content: nothing published");
      ZoneSourceException bad = assertThrows(ZoneSourceException.class,
          () -> p.update(ZoneSource.of(TransferServerIxfrTest.edited(v1, 101, 9))));
      assertTrue(bad.getMessage().contains("not newer"), bad.getMessage());
      assertEquals(v2, p.current());
      TransferOutcome o = r.refresh().get(30, TimeUnit.SECONDS);
      if (!(o instanceof TransferOutcome.UpToDate)) {
        assertInstanceOf(TransferOutcome.Incremental.class, o);
      }
      assertEquals(v2, r.snapshot());
      assertTrue(app.servingStats().ixfrOut() >= 1, app.servingStats().toString());
    }
  }

  @Test
  void stealthSecondary_answersEdnsExpire_withTheTimeItsCopyHasLeft() throws Exception {
    ZoneSnapshot v1 = ZoneSyncTest.version(100, 20);
    long soaExpire = ((org.xbill.DNS.SOARecord) v1.lookup(ZONE, org.xbill.DNS.Type.SOA).get(0))
        .getExpire();
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
    try (TransferServer primary = TransferServer.builder().zone(v1).keys(KEY).start();
        ZoneSync middle = ZoneSync.builder().listen(ANY).clock(now::get).build()) {
      middle.addSecondary(SecondaryZone.builder(ZONE).primary(Primary.of(primary.address(), KEY))
          .serving(ZoneServing.builder().allowTransfer("127.0.0.1").build()).build())
          .awaitCurrent(Duration.ofSeconds(30));
      now.updateAndGet(t -> t.plusSeconds(1000));
      byte[] answer = Dig.udp(middle.notifyAddress().orElseThrow(),
          Dig.query(ZONE, org.xbill.DNS.Type.SOA, true, true).toWire());
      byte[] v = Dig.expireOption(new org.xbill.DNS.Message(answer));
      assertTrue(v != null, "EXPIRE asked for");
      long seconds = Dig.u32(v);
      // RFC 7314 section 4: a secondary gives what its copy has left, not the SOA field
      assertTrue(seconds <= soaExpire - 1000 && seconds >= soaExpire - 1002,
          seconds + " of " + soaExpire);

      // the same in the first message of an AXFR (RFC 7314 section 2); no OPT when not asked
      List<byte[]> axfr = Dig.tcp(middle.notifyAddress().orElseThrow(),
          Dig.query(ZONE, org.xbill.DNS.Type.AXFR, true, true).toWire(),
          Dig.query(ZONE, org.xbill.DNS.Type.AXFR, false, false).toWire());
      org.xbill.DNS.Message withOpt = new org.xbill.DNS.Message(axfr.get(0));
      byte[] x = Dig.expireOption(withOpt);
      assertTrue(x != null, withOpt.toString());
      assertEquals(seconds, Dig.u32(x), "EXPIRE in the AXFR");
      assertEquals(null, new org.xbill.DNS.Message(axfr.get(1)).getOPT(), "no OPT unasked");
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
    }
  }
}
