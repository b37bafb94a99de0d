// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.zonesync.journal.ReplicaStoreContractTest.bareTimers;
import static org.zonesync.journal.ReplicaStoreContractTest.fullTimers;
import static org.zonesync.journal.TestZones.ZONE;
import static org.zonesync.journal.TestZones.check;
import static org.zonesync.journal.TestZones.deltaFrom;
import static org.zonesync.journal.TestZones.versionAt;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * TESTPLAN E9 and E14 for {@code timers.zst}, as {@link CrashMatrixTest} does for the data: for
 * every operation N of a timers save, make N throw (the process goes on) or crash (power
 * loss), then reboot the disk four ways. Oracle: the timers read are exactly the previous ones
 * or the new ones, never damage and never an exception; with every unforced change dropped
 * they are the previous ones unless the save returned; the data is untouched; and the next
 * save lands durably.
 */
final class TimersCrashTest {
  private static final Path ROOT = Path.of("/fake/store");
  private static final ReplicaTimers NEXT = bareTimers(Instant.parse("2030-05-06T07:08:09.5Z"));

  /**
   * One starting disk.
   *
   * @param before the timers on it
   * @param data the version stored on it, -1 for none
   */
  record Case(String name, Optional<ReplicaTimers> before, long data, String mustInclude) {
    @Override
    public String toString() {
      return name;
    }

    FaultyFiles disk() throws ReplicaStoreException {
      FaultyFiles fs = new FaultyFiles(ROOT);
      FileReplicaStore s = store(fs);
      if (data > 0) {
        s.replace(versionAt(1));
        for (long v = 1; v < data; v++) {
          s.append(deltaFrom(v), versionAt(v + 1));
        }
      }
      if (before.isPresent()) {
        s.saveTimers(ZONE, before.get());
      }
      fs.resetCount();
      return fs;
    }
  }

  static Stream<Case> cases() {
    ReplicaTimers old = fullTimers();
    return Stream.of(
        new Case("first save, no zone directory yet", Optional.empty(), -1, "mkdir example.com"),
        new Case("first save beside data", Optional.empty(), 3, "rename timers.zst.tmp"),
        new Case("overwrite beside data", Optional.of(old), 3, "rename timers.zst.tmp"),
        new Case("overwrite, no data", Optional.of(old), -1, "rename timers.zst.tmp"));
  }

  private static FileReplicaStore store(StoreFiles fs) {
    return TestZones.store(fs, ROOT, 4, 1 << 20);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyOperationOfASave_failingOrCrashing_leavesTheOldOrTheNewTimers(Case c)
      throws Exception {
    FaultyFiles dry = c.disk();
    store(dry).saveTimers(ZONE, NEXT);
    List<String> log = dry.log();
    assertEquals(Optional.of(NEXT), store(dry.afterPowerLoss(FaultyFiles.Loss.DROP_ALL))
        .loadTimers(ZONE), c + ": a save that returned is durable");
    assertTrue(log.contains(c.mustInclude()), c + ": " + log);
    assertEquals("fsyncdir example.com", log.get(log.size() - 1), "the commit is last: " + log);
    for (int n = 1; n <= log.size(); n++) {
      String where = c + ", operation " + n + " (" + log.get(n - 1) + ")";
      runThrow(c, n, where);
      runCrash(c, n, where);
    }
  }

  private static void runThrow(Case c, int n, String where) throws Exception {
    FaultyFiles fs = c.disk();
    fs.failAt(n, FaultyFiles.Fault.THROW);
    FileReplicaStore s = store(fs);
    boolean threw = false;
    try {
      s.saveTimers(ZONE, NEXT);
    } catch (ReplicaStoreException e) {
      threw = true;
    }
    fs.failAt(0, FaultyFiles.Fault.THROW);
    assertTrue(threw, where + ": the injected fault did not surface");
    assertOneOf(c, s.loadTimers(ZONE), where + ", same process");
    for (FaultyFiles.Loss loss : FaultyFiles.Loss.values()) {
      rebootAndCheck(c, fs.afterPowerLoss(loss), loss, where);
    }
    ReplicaTimers again = bareTimers(Instant.ofEpochSecond(n));
    s.saveTimers(ZONE, again);
    assertEquals(Optional.of(again), store(fs.afterPowerLoss(FaultyFiles.Loss.DROP_ALL))
        .loadTimers(ZONE), where + ", the next save, then reboot");
  }

  private static void runCrash(Case c, int n, String where) throws Exception {
    FaultyFiles fs = c.disk();
    fs.failAt(n, FaultyFiles.Fault.CRASH);
    try {
      store(fs).saveTimers(ZONE, NEXT);
      fail(where + ": the crash did not surface");
    } catch (ReplicaStoreException expected) {
      // the device is gone; what matters is what a reboot finds
    }
    for (FaultyFiles.Loss loss : FaultyFiles.Loss.values()) {
      FaultyFiles disk = fs.afterPowerLoss(loss);
      rebootAndCheck(c, disk, loss, where);
      ReplicaTimers again = bareTimers(Instant.ofEpochSecond(n));
      store(disk).saveTimers(ZONE, again);
      FaultyFiles twice = disk.afterPowerLoss(FaultyFiles.Loss.DROP_ALL);
      assertEquals(Optional.of(again), store(twice).loadTimers(ZONE),
          where + ", reboot " + loss + ", the next save, reboot again");
      assertEquals(c.data(), check(store(twice)), where + ": the data");
    }
  }

  /** A reboot finds the old or the new timers (the old ones if nothing unforced survived). */
  private static void rebootAndCheck(Case c, FaultyFiles disk, FaultyFiles.Loss loss,
      String where) throws Exception {
    FileReplicaStore s = store(disk);
    Optional<ReplicaTimers> found = s.loadTimers(ZONE);
    if (loss == FaultyFiles.Loss.DROP_ALL) {
      assertEquals(c.before(), found, where + ", reboot " + loss + ": the save never returned");
    } else {
      assertOneOf(c, found, where + ", reboot " + loss);
    }
    assertEquals(c.data(), check(s), where + ", reboot " + loss + ": the data");
    assertEquals(found, store(disk).loadTimers(ZONE), where + ": a second reopen differs");
  }

  private static void assertOneOf(Case c, Optional<ReplicaTimers> found, String where) {
    assertTrue(found.equals(c.before()) || found.equals(Optional.of(NEXT)),
        where + ": found " + found + ", expected " + c.before() + " or " + NEXT);
  }
}
