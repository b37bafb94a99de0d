// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.zonesync.journal.TestZones.check;
import static org.zonesync.journal.TestZones.deltaFrom;
import static org.zonesync.journal.TestZones.versionAt;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.zonesync.api.ReplicaStoreException;

/**
 * TESTPLAN E1, E7, E8, E9: for every operation N of a journal append, a compaction and a
 * snapshot write, make operation N throw (the process goes on) or crash (power loss), then
 * reboot the disk four ways (dropping unforced bytes, unforced renames, both, or neither).
 * Oracle each time: the store loads exactly one committed version, byte for byte; with every
 * unforced change dropped, it is the version before the operation if N is at or before the
 * commit point and the version after it otherwise; and the store accepts the next write.
 */
final class CrashMatrixTest {
  private static final Path ROOT = Path.of("/fake/store");
  private static final java.util.Map<String, Integer> POINTS = new java.util.LinkedHashMap<>();
  private static int crashPoints;
  private static int reopens;

  /** A store with the state an operation starts from. */
  record Prepared(FaultyFiles fs, FileReplicaStore store) {
  }

  interface Setup {
    Prepared run() throws Exception;
  }

  interface Op {
    void run(FileReplicaStore s) throws ReplicaStoreException;
  }

  /**
   * One operation under test.
   *
   * @param commit the log entry whose success commits the operation, and which occurrence
   */
  record Case(String name, int depth, long maxBytes, Setup setup, Op op, long before,
      long after, String commit, int occurrence, String mustInclude) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static FileReplicaStore store(FaultyFiles fs, Case c) {
    return TestZones.store(fs, ROOT, c.depth(), c.maxBytes());
  }

  private static Setup appends(int depth, long maxBytes, int deltas) {
    return () -> {
      FaultyFiles fs = new FaultyFiles(ROOT);
      FileReplicaStore s = TestZones.store(fs, ROOT, depth, maxBytes);
      s.replace(versionAt(1));
      for (long v = 1; v <= deltas; v++) {
        s.append(deltaFrom(v), versionAt(v + 1));
      }
      return new Prepared(fs, s);
    };
  }

  static Stream<Case> cases() {
    long mb = 1 << 20;
    return Stream.of(
        new Case("journal append", 20, mb, appends(20, mb, 2),
            s -> s.append(deltaFrom(3), versionAt(4)), 3, 4, "force journal.zsj", 2,
            "write journal.zsj"),
        new Case("append + compaction by depth, half kept", 4, mb, appends(4, mb, 4),
            s -> s.append(deltaFrom(5), versionAt(6)), 5, 6, "force journal.zsj", 2,
            "rename journal.zsj.tmp"),
        new Case("append + compaction by depth, none kept", 1, mb, appends(1, mb, 1),
            s -> s.append(deltaFrom(2), versionAt(3)), 2, 3, "force journal.zsj", 2,
            "rename snapshot.zs.tmp"),
        new Case("append + compaction by size", 20, 900, appends(20, 900, 1),
            s -> s.append(deltaFrom(2), versionAt(3)), 2, 3, "force journal.zsj", 2,
            "rename journal.zsj.tmp"),
        new Case("snapshot write replacing a journal", 20, mb, appends(20, mb, 2),
            s -> s.replace(versionAt(40)), 3, 40, "fsyncdir example.com", 1,
            "rename snapshot.zs.tmp"),
        new Case("first snapshot write", 20, mb, () -> {
          FaultyFiles fs = new FaultyFiles(ROOT);
          return new Prepared(fs, TestZones.store(fs, ROOT, 20, mb));
        }, s -> s.replace(versionAt(1)), -1, 1, "fsyncdir example.com", 1, "mkdir example.com"),
        new Case("full rewrite after a failed force", 20, mb, () -> {
          Prepared p = appends(20, mb, 1).run();
          p.fs().resetCount();
          p.fs().failAt(3, FaultyFiles.Fault.THROW);
          try {
            p.store().append(deltaFrom(2), versionAt(3));
            fail("the injected force failure did not surface");
          } catch (ReplicaStoreException expected) {
            p.fs().failAt(0, FaultyFiles.Fault.THROW);
          }
          return p;
        }, s -> s.append(deltaFrom(2), versionAt(3)), 2, 3, "fsyncdir example.com", 1,
            "rename snapshot.zs.tmp"),
        new Case("append onto a torn tail after a restart", 20, mb, () -> {
          Prepared p = appends(20, mb, 1).run();
          p.fs().resetCount();
          p.fs().failAt(4, FaultyFiles.Fault.CRASH); // half the commit marker written
          try {
            p.store().append(deltaFrom(2), versionAt(3));
            fail("the injected crash did not surface");
          } catch (ReplicaStoreException expected) {
            // the disk now ends in a torn commit marker
          }
          FaultyFiles rebooted = p.fs().afterPowerLoss(FaultyFiles.Loss.KEEP_ALL);
          FileReplicaStore s = TestZones.store(rebooted, ROOT, 20, mb);
          assertEquals(2, check(s));
          return new Prepared(rebooted, s);
        }, s -> s.append(deltaFrom(2), versionAt(3)), 2, 3, "force journal.zsj", 2,
            "truncate journal.zsj"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyOperation_failingOrCrashing_leavesOneCommittedVersion(Case c) throws Exception {
    Prepared dry = c.setup().run();
    dry.fs().resetCount();
    c.op().run(dry.store());
    List<String> log = dry.fs().log();
    assertTrue(log.contains(c.mustInclude()), c + " does not exercise " + c.mustInclude()
        + ": " + log);
    assertEquals(c.after(), check(dry.store()));
    int commit = indexOf(log, c.commit(), c.occurrence());
    POINTS.put(c.name(), log.size());
    for (int n = 1; n <= log.size(); n++) {
      String where = c + ", operation " + n + " (" + log.get(n - 1) + ")";
      runThrow(c, n, where);
      runCrash(c, n, n <= commit, where);
      crashPoints++;
    }
  }

  private static int indexOf(List<String> log, String entry, int occurrence) {
    int seen = 0;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).equals(entry) && ++seen == occurrence) {
        return i + 1;
      }
    }
    throw new AssertionError("no " + entry + " #" + occurrence + " in " + log);
  }

  private void runThrow(Case c, int n, String where) throws Exception {
    Prepared p = c.setup().run();
    p.fs().resetCount();
    p.fs().failAt(n, FaultyFiles.Fault.THROW);
    boolean threw = false;
    try {
      c.op().run(p.store());
    } catch (ReplicaStoreException e) {
      threw = true;
    }
    p.fs().failAt(0, FaultyFiles.Fault.THROW);
    assertTrue(p.fs().count() >= n, where + ": the fault was not reached");
    long live = check(p.store());
    assertOneOf(c, live, where + ", same process");
    if (!threw) {
      assertEquals(c.after(), live, where + ": no exception, so the write must have committed");
    }
    for (FaultyFiles.Loss loss : FaultyFiles.Loss.values()) {
      assertOneOf(c, check(store(p.fs().afterPowerLoss(loss), c)), where + ", reboot " + loss);
      reopens++;
    }
    long next = writeNext(p.store(), live);
    for (FaultyFiles.Loss loss : FaultyFiles.Loss.values()) {
      assertEquals(next, check(store(p.fs().afterPowerLoss(loss), c)),
          where + ", the next write, then reboot " + loss);
      reopens++;
    }
  }

  private void runCrash(Case c, int n, boolean beforeCommit, String where) throws Exception {
    Prepared p = c.setup().run();
    p.fs().resetCount();
    p.fs().failAt(n, FaultyFiles.Fault.CRASH);
    try {
      c.op().run(p.store());
      // Only a failed compaction after the commit may go unreported: the delta is committed.
      assertTrue(!beforeCommit, where + ": the crash before the commit did not surface");
    } catch (ReplicaStoreException expected) {
      // the device is gone; what matters is what a reboot finds
    }
    for (FaultyFiles.Loss loss : FaultyFiles.Loss.values()) {
      FaultyFiles disk = p.fs().afterPowerLoss(loss);
      FileReplicaStore s = store(disk, c);
      long found = check(s);
      if (loss == FaultyFiles.Loss.DROP_ALL) {
        assertEquals(beforeCommit ? c.before() : c.after(), found, where + ", reboot " + loss);
      } else {
        assertOneOf(c, found, where + ", reboot " + loss);
      }
      long next = writeNext(s, found);
      assertEquals(next, check(store(disk.afterPowerLoss(FaultyFiles.Loss.DROP_ALL), c)),
          where + ", reboot " + loss + ", the next write, reboot again");
      reopens += 2;
    }
  }

  /** Commits the version after {@code latest} (or a first one) and returns its serial. */
  private static long writeNext(FileReplicaStore s, long latest) throws ReplicaStoreException {
    if (latest < 0) {
      s.replace(versionAt(100));
      return 100;
    }
    s.append(deltaFrom(latest), versionAt(latest + 1));
    assertEquals(latest + 1, check(s));
    return latest + 1;
  }

  private static void assertOneOf(Case c, long found, String where) {
    assertTrue(found == c.before() || found == c.after(), where + ": found version " + found
        + ", expected " + c.before() + " or " + c.after());
  }

  @AfterAll
  static void report() {
    System.out.println("crash matrix: " + crashPoints + " crash points (each thrown and "
        + "crashed), " + reopens + " reboots checked; per operation " + POINTS);
  }
}
