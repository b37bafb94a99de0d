// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * Operations on real threads and sockets (TESTPLAN F5, G5): removing a zone while its transfer
 * is stuck, a retransfer that cancels a stuck transfer, a retransfer that goes back to a lower
 * serial. Waits are bounded polls on conditions, never sleeps.
 */
final class EngineControlTest {

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // leave the cores to them
    }
  }

  @SuppressWarnings("unused")
  private static void ignore(byte[] owner, int ownerOff, int ownerLen, int type, int dclass,
      long ttl, byte[] rdata, int rdataOff, int rdataLen) {
  }

  @Test
  void removingAZone_duringAStuckTransfer_cancelsIt_withoutALateWriteOrALeakedSocket()
      throws Exception {
    MemoryReplicaStore store = MemoryReplicaStore.create();
    try (FakePrimary stuck = FakePrimary.start(ZoneSyncTest.version(3, 300), KEY,
        FaultPolicy.STALL).messageSize(512);
        ZoneSync sync = ZoneSync.builder().storage(store).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(stuck.address(), KEY)).build());
      await(() -> stuck.openConnections() > 0, "the transfer connects");
      CompletableFuture<TransferOutcome> pending = r.refresh();
      assertTrue(sync.removeSecondary(ZONE));
      assertEquals(ReplicaState.CLOSED, r.state());
      assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
      await(() -> stuck.openConnections() == 0, "the stuck connection is closed");
      assertEquals(Optional.empty(), sync.replica(ZONE));
      assertFalse(store.load(ZONE, EngineControlTest::ignore).isPresent(),
          "nothing written for the removed zone");
      assertFalse(sync.removeSecondary(ZONE), "already removed");
    }
  }

  @Test
  void retransfer_cancelsAStuckTransfer_andStartsAnAxfr() throws Exception {
    try (FakePrimary stuck = FakePrimary.start(ZoneSyncTest.version(3, 300), KEY,
        FaultPolicy.STALL).messageSize(512);
        ZoneSync sync = ZoneSync.builder().build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(stuck.address(), KEY)).build());
      await(() -> stuck.connections() == 1 && stuck.openConnections() == 1, "first transfer");
      r.retransfer();
      await(() -> stuck.connections() == 2, "the retransfer connects again");
      await(() -> stuck.openConnections() == 1, "the stuck connection was closed");
      await(() -> stuck.axfrQueries() == 2, "the retransfer asks for AXFR");
      assertTrue(r.status().refreshing());
    }
  }

  @Test
  void retransfer_takesTheWholeZone_evenWithALowerSerial() throws Exception {
    ZoneSnapshot ours = ZoneSyncTest.version(9, 10);
    ZoneSnapshot theirs = ZoneSyncTest.version(4, 14);
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(ours);
    try (FakePrimary p = FakePrimary.withHistory(List.of(theirs), KEY, FaultPolicy.NONE);
        ZoneSync sync = ZoneSync.builder().storage(store).build()) {
      ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(p.address(), KEY)).build());
      assertThrows(ExecutionException.class, () -> r.refresh().get(20, TimeUnit.SECONDS),
          "a lower serial is ignored by refresh");
      assertEquals(ours, r.snapshot());
      TransferOutcome o = r.retransfer().get(20, TimeUnit.SECONDS);
      assertTrue(o instanceof TransferOutcome.Full, o.toString());
      assertEquals(theirs, r.snapshot());
      assertEquals(theirs.serial(), store.load(ZONE, EngineControlTest::ignore)
          .orElseThrow().latest(), "stored before served");
      assertEquals(ReplicaState.SERVING, r.state());
      assertTrue(r.status().lastSuccess().isPresent());
    }
  }
}
