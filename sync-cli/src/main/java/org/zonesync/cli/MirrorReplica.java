// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TransferReport;
import org.zonesync.api.ZoneReplica;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.ZoneSync;
import org.zonesync.journal.FileReplicaStore;

/**
 * {@code zonesync mirror --dir DIR}: a replica whose versions survive in DIR. The first run
 * transfers the zone by AXFR; later runs start from the stored version and ask for IXFR. With
 * {@code --once} it refreshes once and exits; without, it checks every refresh interval until
 * stopped.
 */
final class MirrorReplica {

  private final Name zone;
  private final Primary primary;
  private final TransferLimits limits;
  private final Path dir;
  private final @Nullable Path output;
  private final PrintStream out;
  private final PrintStream err;

  MirrorReplica(Name zone, Primary primary, TransferLimits limits, Path dir,
      @Nullable Path output, PrintStream out, PrintStream err) {
    this.zone = zone;
    this.primary = primary;
    this.limits = limits;
    this.dir = dir;
    this.output = output;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs; returns the exit status.
   *
   * @param once refresh once and return
   * @param every the refresh interval when not {@code once}
   * @param rounds how many refreshes at most when not {@code once} (Long.MAX_VALUE: forever)
   */
  int run(boolean once, Duration every, long rounds) throws InterruptedException {
    AtomicReference<@Nullable TransferReport> last = new AtomicReference<>();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      err.println("zonesync mirror: cannot create " + dir + ": " + e.getMessage());
      return 1;
    }
    try (FileReplicaStore store = FileReplicaStore.in(dir);
        ZoneSync sync = ZoneSync.builder().storage(store).transfersIn(1)
            .listener(e -> {
              if (e instanceof ReplicaEvent.TransferFinished f) {
                last.set(f.stats());
              }
            }).build()) {
      ZoneReplica replica = sync.addSecondary(SecondaryZone.builder(zone).primary(primary)
          .limits(limits).build());
      replica.current().ifPresent(s -> out.println("zone " + zone + ": serving serial "
          + s.serial() + " from " + dir));
      int status = refreshOnce(replica, last);
      if (once) {
        return status;
      }
      for (long i = 1; i < rounds; i++) {
        Thread.sleep(every.toMillis());
        refreshOnce(replica, last);
      }
      return 0;
    } catch (ReplicaStoreException e) {
      err.println("zonesync mirror: store " + dir + ": " + e.getMessage());
      return 1;
    }
  }

  private int refreshOnce(ZoneReplica replica, AtomicReference<@Nullable TransferReport> last)
      throws InterruptedException {
    TransferOutcome outcome;
    last.set(null);
    try {
      outcome = replica.refresh().get(limits.transferTimeout().toMillis() * 3,
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason = cause instanceof TransferException te ? te.reason() : String.valueOf(cause);
      err.println("zonesync mirror: zone " + zone + " from " + primary + ": " + reason);
      return 1;
    } catch (TimeoutException e) {
      err.println("zonesync mirror: zone " + zone + ": refresh did not finish");
      return 1;
    }
    TransferReport s = last.get();
    if (outcome instanceof TransferOutcome.UpToDate || s == null) {
      out.println("zone " + zone + ": up to date at serial " + outcome.serial());
    } else {
      out.println(MirrorCommand.summary(s));
    }
    if (output != null) {
      try {
        MirrorCommand.writeAtomically(replica.snapshot(), output);
      } catch (IOException e) {
        err.println("zonesync mirror: cannot write " + output + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "MirrorReplica[%s from %s in %s]", zone, primary, dir);
  }
}
