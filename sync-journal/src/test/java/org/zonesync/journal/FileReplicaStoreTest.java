// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.journal.TestZones.ZONE;
import static org.zonesync.journal.TestZones.check;
import static org.zonesync.journal.TestZones.deltaFrom;
import static org.zonesync.journal.TestZones.versionAt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.spi.ReplicaStore;

final class FileReplicaStoreTest extends ReplicaStoreContractTest {
  @TempDir
  Path tmp;
  private final AtomicInteger stores = new AtomicInteger();

  @Override
  ReplicaStore newStore(int depth) {
    return FileReplicaStore.in(tmp.resolve("s" + stores.incrementAndGet()),
        FileReplicaStore.Options.defaults().withMaxJournalDepth(depth));
  }

  private static FileReplicaStore open(Path dir, int depth) {
    return FileReplicaStore.in(dir, FileReplicaStore.Options.defaults()
        .withMaxJournalDepth(depth));
  }

  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Nested
  final class Restart {
    @Test
    void reopen_givesTheSameVersion_withAndWithoutAJournal() throws Exception {
      Path dir = tmp.resolve("store");
      try (FileReplicaStore s = open(dir, 4)) {
        s.replace(versionAt(1));
      }
      try (FileReplicaStore s = open(dir, 4)) {
        assertEquals(1, check(s), "after a full version, empty journal");
        for (long v = 1; v < 4; v++) {
          s.append(deltaFrom(v), versionAt(v + 1));
        }
      }
      try (FileReplicaStore s = open(dir, 4)) {
        assertEquals(4, check(s), "after deltas");
        assertEquals(3, s.deltasSince(ZONE, SerialNumber.of(1)).orElseThrow().size());
        for (long v = 4; v < 11; v++) {
          s.append(deltaFrom(v), versionAt(v + 1));
        }
      }
      try (FileReplicaStore s = open(dir, 4)) {
        assertEquals(11, check(s), "after compactions");
        assertEquals(List.of("journal.zsj", "snapshot.zs"), files(dir.resolve("example.com")));
      }
    }

    @Test
    void strayTemporaryFiles_areRemovedOnOpen() throws Exception {
      Path dir = tmp.resolve("store");
      try (FileReplicaStore s = open(dir, 4)) {
        s.replace(versionAt(1));
      }
      Path zone = dir.resolve("example.com");
      Files.write(zone.resolve("snapshot.zs.tmp"), new byte[] {1, 2, 3});
      Files.write(zone.resolve("journal.zsj.tmp"), new byte[] {4});
      try (FileReplicaStore s = open(dir, 4)) {
        assertEquals(1, check(s));
      }
      assertEquals(List.of("journal.zsj", "snapshot.zs"), files(zone));
    }

    @Test
    void tornTail_isIgnored_andTheNextAppendOverwritesIt() throws Exception {
      Path dir = tmp.resolve("store");
      try (FileReplicaStore s = open(dir, 20)) {
        s.replace(versionAt(1));
        s.append(deltaFrom(1), versionAt(2));
      }
      Path journal = dir.resolve("example.com/journal.zsj");
      byte[] good = Files.readAllBytes(journal);
      try (FileReplicaStore s = open(dir, 20)) {
        s.append(deltaFrom(2), versionAt(3));
      }
      byte[] three = Files.readAllBytes(journal);
      // The entry for 2 -> 3 written but its commit marker lost: it must not count.
      Files.write(journal, java.util.Arrays.copyOf(three, three.length - 8));
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(2, check(s));
        s.append(deltaFrom(2), versionAt(3));
        s.append(deltaFrom(3), versionAt(4));
      }
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(4, check(s));
      }
      assertTrue(Files.size(journal) > good.length);
    }

    @Test
    void zoneDirectory_isNamedFromTheZone() throws Exception {
      Path dir = tmp.resolve("store");
      try (FileReplicaStore s = open(dir, 4)) {
        s.replace(versionAt(1));
      }
      assertEquals(List.of("example.com"), files(dir));
    }
  }

  @Nested
  final class Damage {
    @Test
    void journalOfAnEarlierLineage_isRemoved_andTheSnapshotServed() throws Exception {
      Path dir = tmp.resolve("store");
      Path journal = dir.resolve("example.com/journal.zsj");
      try (FileReplicaStore s = open(dir, 20)) {
        s.replace(versionAt(1));
        s.append(deltaFrom(1), versionAt(2));
        byte[] old = Files.readAllBytes(journal);
        s.replace(versionAt(50)); // e.g. an AXFR; then a crash before its new journal landed
        Files.write(journal, old);
      }
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(50, check(s));
        assertTrue(s.deltasSince(ZONE, SerialNumber.of(1)).isEmpty());
        s.append(deltaFrom(50), versionAt(51));
      }
      assertEquals(List.of("journal.zsj", "snapshot.zs"), files(dir.resolve("example.com")));
    }

    @Test
    void journalNotReachingTheSnapshot_isQuarantined_andTheSnapshotServed() throws Exception {
      Path dir = tmp.resolve("store");
      Path journal = dir.resolve("example.com/journal.zsj");
      byte[] early;
      try (FileReplicaStore s = open(dir, 4)) {
        s.replace(versionAt(1));
        s.append(deltaFrom(1), versionAt(2));
        early = Files.readAllBytes(journal); // versions 0..1 of the lineage
        for (long v = 2; v < 6; v++) {
          s.append(deltaFrom(v), versionAt(v + 1)); // compacts: the snapshot is now version 5
        }
      }
      Files.write(journal, early);
      try (FileReplicaStore s = open(dir, 4)) {
        assertEquals(6, check(s));
        s.append(deltaFrom(6), versionAt(7));
      }
      try (FileReplicaStore s = open(dir, 4)) {
        assertEquals(7, check(s));
      }
      assertTrue(files(dir.resolve("example.com")).stream()
          .anyMatch(f -> f.startsWith("journal.zsj.corrupt-2026") || f.startsWith(
              "journal.zsj.corrupt-")), "set aside");
    }

    @Test
    void corruptSnapshot_isQuarantined_theZoneReadsEmpty_andCanBeStoredAgain()
        throws Exception {
      Path dir = tmp.resolve("store");
      Path snapshot = dir.resolve("example.com/snapshot.zs");
      try (FileReplicaStore s = open(dir, 20)) {
        s.replace(versionAt(1));
        s.append(deltaFrom(1), versionAt(2));
      }
      byte[] b = Files.readAllBytes(snapshot);
      b[b.length / 2] ^= 0x10;
      Files.write(snapshot, b);
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(-1, check(s));
        assertTrue(s.deltasSince(ZONE, SerialNumber.of(1)).isEmpty());
        s.replace(versionAt(9));
        assertEquals(9, check(s));
      }
      List<String> names = files(dir.resolve("example.com"));
      assertEquals(4, names.size(), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("snapshot.zs.corrupt-")));
      assertTrue(names.stream().anyMatch(n -> n.startsWith("journal.zsj.corrupt-")));
    }

    @Test
    void newerFormatVersion_isSetAside_neverMisread() throws Exception {
      Path dir = tmp.resolve("store");
      Path zone = dir.resolve("example.com");
      try (FileReplicaStore s = open(dir, 20)) {
        s.replace(versionAt(1));
        s.append(deltaFrom(1), versionAt(2));
      }
      bumpVersion(zone.resolve("journal.zsj"));
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(1, check(s), "unknown journal version: the snapshot alone");
      }
      bumpVersion(zone.resolve("snapshot.zs"));
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(-1, check(s), "unknown snapshot version: transfer again");
      }
    }

    /** Sets the format version to 2 and fixes the header CRC, as a newer build would write. */
    private void bumpVersion(Path file) throws Exception {
      byte[] b = Files.readAllBytes(file);
      b[5] = 2;
      int nameAt = file.getFileName().toString().equals("snapshot.zs") ? 28 : 32;
      int end = nameAt + 1 + (b[nameAt] & 0xFF);
      Buf crc = new Buf(4).u32(JournalFormat.crc(b, 0, end));
      System.arraycopy(crc.array(), 0, b, end, 4);
      Files.write(file, b);
    }

    @Test
    void journalDeletedUnderTheStore_isDetectedAtTheNextAppend() throws Exception {
      Path dir = tmp.resolve("store");
      try (FileReplicaStore s = open(dir, 20)) {
        s.replace(versionAt(1));
        s.append(deltaFrom(1), versionAt(2));
        Files.delete(dir.resolve("example.com/journal.zsj"));
        assertThrows(ReplicaStoreException.class, () -> s.append(deltaFrom(2), versionAt(3)));
        assertEquals(1, check(s), "what the disk still holds: the snapshot");
        assertThrows(ReplicaStoreException.class, () -> s.append(deltaFrom(2), versionAt(3)));
        s.replace(versionAt(3)); // the engine transfers again
        s.append(deltaFrom(3), versionAt(4));
      }
      try (FileReplicaStore s = open(dir, 20)) {
        assertEquals(4, check(s));
      }
    }

    @Test
    void zonePathThatIsNotADirectory_isAnErrorTheCallerSees() throws Exception {
      Path dir = tmp.resolve("store");
      Files.createDirectories(dir);
      Files.write(dir.resolve("example.com"), new byte[] {0});
      try (FileReplicaStore s = open(dir, 20)) {
        assertThrows(ReplicaStoreException.class, () -> check(s));
        assertThrows(ReplicaStoreException.class, () -> s.replace(versionAt(1)));
      }
    }
  }

  @Nested
  final class DiskFaults {
    private final Path root = Path.of("/fake/store");

    @Test
    void diskFull_duringASnapshotWrite_keepsThePreviousState_andNoTemporaryFile()
        throws Exception {
      FaultyFiles fs = new FaultyFiles(root);
      FileReplicaStore s = TestZones.store(fs, root, 20, 1 << 20);
      s.replace(versionAt(1));
      s.append(deltaFrom(1), versionAt(2));
      fs.resetCount();
      fs.failAt(2, FaultyFiles.Fault.THROW); // the first write of snapshot.zs.tmp
      assertThrows(ReplicaStoreException.class, () -> s.replace(versionAt(7)));
      assertEquals(List.of("create snapshot.zs.tmp", "write snapshot.zs.tmp",
          "delete snapshot.zs.tmp"), fs.log());
      assertEquals(2, check(s));
      assertEquals(2, check(TestZones.store(fs.afterPowerLoss(FaultyFiles.Loss.DROP_ALL), root,
          20, 1 << 20)));
      assertFalse(fs.list(root.resolve("example.com")).contains("snapshot.zs.tmp"));
    }

    @Test
    void forceFailure_onAppend_isNotRetried_theNextWriteIsAFullSnapshot() throws Exception {
      FaultyFiles fs = new FaultyFiles(root);
      FileReplicaStore s = TestZones.store(fs, root, 20, 1 << 20);
      s.replace(versionAt(1));
      s.append(deltaFrom(1), versionAt(2));
      fs.resetCount();
      fs.failAt(3, FaultyFiles.Fault.THROW); // open, write, force <- EIO
      assertThrows(ReplicaStoreException.class, () -> s.append(deltaFrom(2), versionAt(3)));
      assertEquals(List.of("open journal.zsj", "write journal.zsj", "force journal.zsj"),
          fs.log());
      assertEquals(2, check(s));
      fs.failAt(0, FaultyFiles.Fault.THROW);
      fs.resetCount();
      s.append(deltaFrom(2), versionAt(3));
      assertEquals("create snapshot.zs.tmp", fs.log().get(0), "a full snapshot, not an append");
      assertFalse(fs.log().contains("write journal.zsj"));
      assertEquals(3, check(s));
      fs.resetCount();
      s.append(deltaFrom(3), versionAt(4));
      assertEquals("open journal.zsj", fs.log().get(0), "appends again once rewritten");
      assertEquals(4, check(TestZones.store(fs.afterPowerLoss(FaultyFiles.Loss.DROP_ALL), root,
          20, 1 << 20)));
    }
  }

  /** TESTPLAN G8: IXFR served from the journal while it is appended to and trimmed. */
  @Test
  void readers_duringAppendsAndCompactions_getConsistentAnswers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileReplicaStore s = open(tmp.resolve("store"), 4)) {
      s.replace(versionAt(1));
      AtomicBoolean done = new AtomicBoolean();
      Callable<Integer> reader = () -> {
        int reads = 0;
        while (!done.get() || reads == 0) {
          consistentRead(s);
          reads++;
        }
        return reads;
      };
      Future<Integer> r1 = pool.submit(reader);
      Future<Integer> r2 = pool.submit(reader);
      for (long v = 1; v <= 60; v++) {
        s.append(deltaFrom(v), versionAt(v + 1));
      }
      done.set(true);
      assertTrue(r1.get() > 0 && r2.get() > 0);
      assertEquals(61, check(s));
    } finally {
      pool.shutdownNow();
    }
  }

  /** One load and one deltasSince, each checked on its own: a chain of the right deltas. */
  private static void consistentRead(FileReplicaStore s) throws Exception {
    List<String> base = new ArrayList<>();
    ReplicaStore.Stored st = s.load(TestZones.ZONE, TestZones.collector(base)).orElseThrow();
    assertEquals(TestZones.wire(versionAt(st.base().value())), base);
    long at = st.base().value();
    for (ZoneDelta d : st.deltas()) {
      assertEquals(TestZones.wire(deltaFrom(at)), TestZones.wire(d));
      at++;
    }
    long from = Math.max(1, at - 2);
    Optional<List<ZoneDelta>> since = s.deltasSince(TestZones.ZONE, SerialNumber.of(from));
    if (since.isPresent()) {
      long x = from;
      for (ZoneDelta d : since.get()) {
        assertEquals(TestZones.wire(deltaFrom(x)), TestZones.wire(d));
        x++;
      }
      assertTrue(x >= at, "a chain from " + from + " ends before the version loaded, " + at);
    }
  }

  @Test
  void zoneDirectoryNames_areSafe_lowerCased_andDistinct() throws Exception {
    assertEquals("example.com", ZoneDirs.name(org.xbill.DNS.Name.fromString("Example.COM.")));
    assertEquals("@", ZoneDirs.name(org.xbill.DNS.Name.root));
    assertEquals("a%2eb.c%20d.%2f%00", ZoneDirs.name(org.xbill.DNS.Name.fromString(
        "a\\.b.c\\032d.\\/\\000.")));
    assertEquals("_tcp.x-y.example", ZoneDirs.name(org.xbill.DNS.Name.fromString(
        "_tcp.X-Y.example.")));
    String longName = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "."
        + "d".repeat(61) + ".";
    String n1 = ZoneDirs.name(org.xbill.DNS.Name.fromString(longName));
    String n2 = ZoneDirs.name(org.xbill.DNS.Name.fromString(longName.replace('d', 'e')));
    assertTrue(n1.length() <= 200 && n1.contains("~"), n1);
    assertFalse(n1.equals(n2));
  }
}
