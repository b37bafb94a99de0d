// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.zonesync.journal.TestZones.deltaFrom;
import static org.zonesync.journal.TestZones.versionAt;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * The process {@link KillNineTest} kills: opens the store in {@code args[0]} (journal depth
 * {@code args[1]}), then commits version after version of {@link TestZones}, printing
 * "committed S" after each write returns and {@link #timersFor timersFor(S)} are saved. Every
 * 23rd version is a full replace. Stops by itself after 500 versions in case its parent is
 * gone.
 */
final class CrashChild {
  private CrashChild() {
  }

  /** The timers saved after version {@code serial}: every field a function of it. */
  static ReplicaTimers timersFor(long serial) throws UnknownHostException {
    Instant t = Instant.ofEpochSecond(serial, serial % 1_000_000_000L);
    return new ReplicaTimers(t, Optional.of(t.plusSeconds(86_400)), serial % 2 == 0,
        (int) (serial % 7), Optional.of(new InetSocketAddress(
            InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 5300)),
        Optional.of(t.minusNanos(1)));
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    out.println("opening");
    out.flush();
    FileReplicaStore.Options o = FileReplicaStore.Options.defaults()
        .withMaxJournalDepth(Integer.parseInt(args[1]));
    try (FileReplicaStore s = FileReplicaStore.in(Path.of(args[0]), o)) {
      Optional<ReplicaStore.Stored> stored = s.load(TestZones.ZONE,
          (a, b, c, d, e, f, g, h, i) -> { });
      long latest = stored.map(x -> x.latest().value()).orElse(-1L);
      if (latest < 0) {
        s.replace(versionAt(1));
        s.saveTimers(TestZones.ZONE, timersFor(1));
        latest = 1;
        out.println("committed 1");
      }
      out.println("ready " + latest);
      out.flush();
      for (int n = 0; n < 500; n++) {
        long next = latest + 1;
        if (next % 23 == 0) {
          s.replace(versionAt(next));
        } else {
          s.append(deltaFrom(latest), versionAt(next));
        }
        s.saveTimers(TestZones.ZONE, timersFor(next));
        out.println("committed " + next);
        out.flush();
        latest = next;
      }
    }
  }
}
