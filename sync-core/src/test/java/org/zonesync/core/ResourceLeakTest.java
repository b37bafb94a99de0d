// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.zonesync.api.Primary;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN pass criteria: repeated failing transfers leak no socket and no thread, and the old
 * zone keeps serving throughout.
 */
final class ResourceLeakTest {

  private static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long zonesyncThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("zonesync-")).count();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void fiftyFailedTransfers_leaveNoSocketOrThreadBehind() throws Exception {
    List<ZoneSnapshot> versions = List.of(ZoneSyncTest.version(1, 50),
        ZoneSyncTest.version(2, 60));
    MemoryReplicaStore store = MemoryReplicaStore.create();
    store.replace(versions.get(0));
    try (FakePrimary bad = FakePrimary.withHistory(versions, KEY, FaultPolicy.BAD_MAC)
        .messageSize(512)) {
      long filesBefore;
      try (ZoneSync sync = ZoneSync.builder().storage(store).transfersIn(2).build()) {
        ZoneReplica r = sync.addSecondary(SecondaryZone.builder(ZONE)
            .primary(Primary.of(bad.address(), KEY)).build());
        try {
          r.refresh().get(30, TimeUnit.SECONDS); // the first refresh opens what stays open
        } catch (ExecutionException expected) {
          // BAD_MAC: every attempt fails
        }
        filesBefore = openFiles();
        for (int i = 0; i < 50; i++) {
          assertThrows(ExecutionException.class, () -> r.refresh().get(30, TimeUnit.SECONDS));
          assertEquals(versions.get(0), r.snapshot());
        }
        // the timer thread, and pooled workers: one refresh runs at a time, a worker handing
        // over to the next step may briefly overlap it
        assertTrue(zonesyncThreads() <= 4, "zonesync threads: " + zonesyncThreads());
        long filesAfter = openFiles();
        assertTrue(filesAfter <= filesBefore + 2,
            "file descriptors grew from " + filesBefore + " to " + filesAfter);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (zonesyncThreads() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(0, zonesyncThreads(), "threads left after close");
      assertTrue(bad.connections() >= 100, "IXFR and AXFR per refresh: " + bad.connections());
    }
  }
}
