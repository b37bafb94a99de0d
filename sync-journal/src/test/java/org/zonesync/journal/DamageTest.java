// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.zonesync.journal.TestZones.check;
import static org.zonesync.journal.TestZones.deltaFrom;
import static org.zonesync.journal.TestZones.versionAt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TESTPLAN E2: the journal truncated at every byte offset and every byte altered (all bits,
 * and one bit), the snapshot likewise. The expected version is computed from the entry
 * boundaries: a reopened store holds exactly the committed prefix that survives (or the
 * snapshot alone when the prefix no longer reaches it, or nothing when the snapshot is hit),
 * byte for byte, repairs itself durably, and takes the next write. No exception escapes.
 */
final class DamageTest {
  private static final Path ROOT = Path.of("/fake/store");
  private static final Path ZONE_DIR = ROOT.resolve("example.com");
  private static final Path JOURNAL = ZONE_DIR.resolve("journal.zsj");
  private static final Path SNAPSHOT = ZONE_DIR.resolve("snapshot.zs");
  private static int reopens;

  /**
   * A disk whose snapshot is version {@code baseSeq + 1} inside a journal starting at version
   * {@code startSeq + 1}; version numbers are serials here.
   */
  private record Disk(FaultyFiles fs, int depth, List<JournalFormat.Entry> entries,
      int headerLength, long startSeq, long baseSeq) {

    /** The serial a reopen must find when only {@code complete} entries survive. */
    long expected(int complete) {
      return startSeq + complete >= baseSeq ? startSeq + complete + 1 : baseSeq + 1;
    }

    /** How many entries lie wholly before byte {@code offset}. */
    int completeBefore(long offset) {
      int n = 0;
      while (n < entries.size() && entries.get(n).end() <= offset) {
        n++;
      }
      return n;
    }
  }

  private static Disk disk(int depth, int appends) throws Exception {
    FaultyFiles fs = new FaultyFiles(ROOT);
    FileReplicaStore s = TestZones.store(fs, ROOT, depth, 1 << 20);
    s.replace(versionAt(1));
    for (long v = 1; v <= appends; v++) {
      s.append(deltaFrom(v), versionAt(v + 1));
    }
    byte[] apex = RecordCodec.canonical(TestZones.ZONE);
    JournalFormat.Scan scan = JournalFormat.scan(new BytesHandle(fs.bytes(JOURNAL), 0,
        fs.bytes(JOURNAL).length), apex, 64);
    SnapshotFormat.Info info = SnapshotFormat.read(new BytesHandle(fs.bytes(SNAPSHOT), 0,
        fs.bytes(SNAPSHOT).length), apex, null, 64);
    assertEquals(null, scan.stop());
    return new Disk(fs, depth, scan.entries(), scan.header().length(),
        scan.header().startSeq(), info.seq());
  }

  /** Reopens {@code fs} with one file replaced; checks, reopens again, writes, reopens. */
  private static void expect(Disk d, Path file, byte[] content, long expected, String what)
      throws Exception {
    FaultyFiles fs = d.fs().copy();
    fs.put(file, content);
    assertEquals(expected, check(TestZones.store(fs, ROOT, d.depth(), 1 << 20)), what);
    FileReplicaStore again = TestZones.store(fs, ROOT, d.depth(), 1 << 20);
    assertEquals(expected, check(again), what + ", second reopen after repair");
    if (expected < 0) {
      again.replace(versionAt(500));
    } else {
      again.append(deltaFrom(expected), versionAt(expected + 1));
    }
    long next = expected < 0 ? 500 : expected + 1;
    assertEquals(next, check(TestZones.store(fs.afterPowerLoss(FaultyFiles.Loss.DROP_ALL), ROOT,
        d.depth(), 1 << 20)), what + ", next write");
    reopens += 3;
  }

  private static void everyTruncationAndFlip(Disk d) throws Exception {
    byte[] j = d.fs().bytes(JOURNAL);
    assertEquals(d.entries().get(d.entries().size() - 1).end(), j.length);
    for (int t = 0; t <= j.length; t++) {
      long want = t < d.headerLength() ? d.baseSeq() + 1 : d.expected(d.completeBefore(t));
      expect(d, JOURNAL, Arrays.copyOf(j, t), want, "journal cut at " + t);
    }
    for (int i = 0; i < j.length; i++) {
      long want = i < d.headerLength() ? d.baseSeq() + 1 : d.expected(d.completeBefore(i));
      for (int mask : new int[] {0xFF, 1 << (i % 8)}) {
        byte[] b = j.clone();
        b[i] ^= (byte) mask;
        expect(d, JOURNAL, b, want, "journal byte " + i + " ^ " + mask);
      }
    }
  }

  @Test
  void journal_cutOrAlteredAnywhere_givesTheCommittedPrefix() throws Exception {
    everyTruncationAndFlip(disk(20, 6));
  }

  @Test
  void journal_cutOrAlteredAnywhere_withTheSnapshotInTheMiddleOfIt() throws Exception {
    Disk d = disk(6, 9);
    assertEquals(List.of(4L, 7L), List.of(d.startSeq(), d.baseSeq()),
        "entries before the snapshot are history, entries after it are replayed");
    everyTruncationAndFlip(d);
  }

  @Test
  void snapshot_cutOrAlteredAnywhere_readsAsNothing() throws Exception {
    Disk d = disk(20, 2);
    byte[] s = d.fs().bytes(SNAPSHOT);
    for (int t = 0; t < s.length; t++) {
      expect(d, SNAPSHOT, Arrays.copyOf(s, t), -1, "snapshot cut at " + t);
    }
    for (int i = 0; i < s.length; i++) {
      for (int mask : new int[] {0xFF, 1 << (i % 8)}) {
        byte[] b = s.clone();
        b[i] ^= (byte) mask;
        expect(d, SNAPSHOT, b, -1, "snapshot byte " + i + " ^ " + mask);
      }
    }
    byte[] longer = Arrays.copyOf(s, s.length + 1);
    expect(d, SNAPSHOT, longer, -1, "snapshot with a byte after its end");
    expect(d, SNAPSHOT, s, 3, "intact");
  }

  @Test
  void journal_ofZerosOrNoise_afterTheHeader_isIgnored() throws Exception {
    Disk d = disk(20, 3);
    byte[] j = d.fs().bytes(JOURNAL);
    byte[] zeros = Arrays.copyOf(j, j.length + 4096);
    expect(d, JOURNAL, zeros, 4, "zeros after the last entry (size grew, data lost)");
    byte[] noise = Arrays.copyOf(j, j.length + 300);
    new java.util.Random(7).nextBytes(noise);
    System.arraycopy(j, 0, noise, 0, j.length);
    expect(d, JOURNAL, noise, 4, "noise after the last entry");
    byte[] zeroedHeader = j.clone();
    Arrays.fill(zeroedHeader, 0, d.headerLength(), (byte) 0);
    expect(d, JOURNAL, zeroedHeader, 1, "zeroed header");
  }

  @Test
  void realFiles_cutAtASampleOfOffsets(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("store");
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      s.replace(versionAt(1));
      for (long v = 1; v <= 4; v++) {
        s.append(deltaFrom(v), versionAt(v + 1));
      }
    }
    Path journal = dir.resolve("example.com/journal.zsj");
    byte[] j = Files.readAllBytes(journal);
    JournalFormat.Scan scan = JournalFormat.scan(new BytesHandle(j, 0, j.length),
        RecordCodec.canonical(TestZones.ZONE), 64);
    for (int t = 0; t <= j.length; t += 7) {
      Files.write(journal, Arrays.copyOf(j, t));
      int complete = 0;
      while (complete < 4 && scan.entries().get(complete).end() <= t) {
        complete++;
      }
      try (FileReplicaStore s = FileReplicaStore.in(dir)) {
        assertEquals(t < scan.header().length() ? 1 : complete + 1, check(s), "cut at " + t);
      }
      Files.write(journal, j);
      reopens++;
    }
  }

  @AfterAll
  static void report() {
    System.out.println("damage: " + reopens + " damaged stores reopened");
  }
}
