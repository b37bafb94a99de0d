// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.ixfr;
import static org.zonesync.core.ServingFixtures.set;
import static org.zonesync.core.ServingFixtures.wire;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Record;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.journal.FileReplicaStore;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN G8: IXFR served from the journal while it is appended to and trimmed (a primary
 * updated in a loop): every answer, applied to the client's version, gives exactly the version
 * of the serial it ends at, whether incremental, AXFR-style or the single SOA.
 */
final class ServingJournalRaceTest {

  private static final int VERSIONS = 40;
  private static final int HOSTS = 12;

  @TempDir
  Path dir;

  enum Backing { MEMORY_STORE, FILE_STORE, NO_STORE }

  @ParameterizedTest
  @EnumSource(Backing.class)
  void ixfrWhileTheJournalGrows_everyAnswerIsAConsistentChainOrAxfrStyle(Backing b)
      throws Exception {
    Map<Long, ZoneSnapshot> versions = new HashMap<>();
    Map<Long, Set<Record>> sets = new HashMap<>();
    for (long s = 100; s < 100 + VERSIONS; s++) {
      versions.put(s, ServingFixtures.zone(ZONE, s, HOSTS));
      sets.put(s, set(versions.get(s)));
    }
    ZoneSync.Builder builder = ZoneSync.builder();
    if (b == Backing.MEMORY_STORE) {
      builder.storage(MemoryReplicaStore.create());
    } else if (b == Backing.FILE_STORE) {
      builder.storage(FileReplicaStore.in(dir));
    }
    try (ZoneSync sync = builder.build()) {
      PrimaryZone p = sync.addPrimary(ZONE, ZoneSource.of(versions.get(100L)),
          ZoneServing.builder().allowTransfer("127.0.0.1").maxIxfrRatio(0).build());
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (long s = 101; s < 100 + VERSIONS; s++) {
          try {
            p.update(ZoneSource.of(versions.get(s)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      Random rnd = new Random(42);
      int[] kinds = new int[ServingFixtures.Kind.values().length];
      int answers = 0;
      while (!writer.isDone() || answers < 50) {
        long served = p.current().serial().value();
        long from = Math.max(100, served - rnd.nextInt(25));
        ServingFixtures.Recorder r = new ServingFixtures.Recorder();
        byte[] q = wire(ixfr(ZONE, from));
        sync.transferResponder().respond(q, q.length, CLIENT, TransferResponder.Transport.TCP,
            r);
        ServingFixtures.Xfr x = ServingFixtures.Xfr.of(r.records());
        Set<Record> expected = sets.get(x.serial());
        assertNotNull(expected, "answer ends at serial " + x.serial() + ", never published");
        assertTrue(x.serial() >= from, "from " + from + " to " + x.serial());
        assertEquals(expected, x.applyTo(sets.get(from)), "from " + from + " to " + x.serial()
            + " (" + x.kind() + ")");
        kinds[x.kind().ordinal()]++;
        answers++;
      }
      writer.get(15, TimeUnit.SECONDS);
      assertTrue(kinds[ServingFixtures.Kind.INCREMENTAL.ordinal()] > 0,
          "some answers were incremental: " + java.util.Arrays.toString(kinds));
      assertEquals(answers, sync.servingStats().ixfrOut());
    }
  }
}
