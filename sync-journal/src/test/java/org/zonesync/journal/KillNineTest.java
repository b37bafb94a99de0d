// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * TESTPLAN E1 out of process: a child JVM ({@link CrashChild}) commits versions in a loop and
 * is killed with SIGKILL ({@link ProcessHandle#destroyForcibly()}) after a random number of commits,
 * so at a random point of an append, a compaction or a full replace. After each kill the store
 * must hold the last version the child reported committed, or the next one (committed but not
 * yet reported), byte for byte; and the timers saved after each version must be those of that
 * version or of the one before (a kill between the data and the timers), exactly, and once
 * saved never missing. 200 iterations when {@code CI=true}, 30 otherwise; the seed is in the
 * failure message.
 */
@Tag("crash")
final class KillNineTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a guard against a hung child, not a measure
  void childKilledAtRandomMoments_leavesTheLastCommittedVersion(@TempDir Path tmp)
      throws Exception {
    int iterations = "true".equals(System.getenv("CI")) ? 200 : 30;
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    Path dir = tmp.resolve("store");
    Path err = tmp.resolve("child.err");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(javaBin, "-cp", System.getProperty("java.class.path"), "-Xmx64m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", CrashChild.class.getName(),
        dir.toString(), "4");
    long committed = -1;
    int unreported = 0;
    int timersBehind = 0;
    boolean timersSaved = false;
    long started = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      String where = "iteration " + i + " (seed " + seed + ")";
      int killAfter = rnd.nextInt(18) - 2; // -2: while opening, -1/0: once ready
      Process p = new ProcessBuilder(cmd).redirectError(
          ProcessBuilder.Redirect.appendTo(err.toFile())).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.US_ASCII))) {
        int seen = 0;
        boolean kill = false;
        String line;
        while (!kill && (line = out.readLine()) != null) {
          if (line.startsWith("committed ")) {
            committed = Long.parseLong(line.substring(10));
            kill = ++seen >= killAfter;
          } else if (line.equals("opening")) {
            kill = killAfter < -1;
          } else if (line.startsWith("ready ")) {
            kill = killAfter < 1;
          }
        }
        assertTrue(p.isAlive(), where + ": the child ended by itself: "
            + Files.readString(err));
        // SIGKILL through the handle: Process.destroyForcibly() would also close the pipe and
        // lose the lines the child printed just before it died.
        p.toHandle().destroyForcibly();
        p.waitFor();
        while ((line = out.readLine()) != null) { // printed before the kill, not yet read
          if (line.startsWith("committed ")) {
            committed = Long.parseLong(line.substring(10));
          }
        }
      }
      try (FileReplicaStore s = FileReplicaStore.in(dir, FileReplicaStore.Options.defaults()
          .withMaxJournalDepth(4))) {
        long found = TestZones.check(s);
        assertTrue(found == committed || found == committed + 1 || committed < 0 && found == 1,
            where + ": found version " + found + ", the child last reported " + committed);
        if (found == committed + 1) {
          unreported++;
        }
        committed = found;
        Optional<ReplicaTimers> timers = s.loadTimers(TestZones.ZONE);
        if (timers.isPresent()) {
          long t = timers.get().nextRefresh().getEpochSecond();
          assertTrue(t == found || t == found - 1, where + ": timers of version " + t
              + " beside version " + found);
          assertEquals(CrashChild.timersFor(t), timers.get(), where);
          timersBehind += t == found - 1 ? 1 : 0;
          timersSaved = true;
        } else {
          assertTrue(!timersSaved && found <= 1, where + ": timers missing at version " + found);
        }
      }
    }
    System.out.printf(java.util.Locale.ROOT, "kill -9: %d iterations in %.1f s, reached serial"
        + " %d, %d kills after a commit but before its report, %d before its timers%n",
        iterations, (System.nanoTime() - started) / 1e9, committed, unreported, timersBehind);
  }
}
