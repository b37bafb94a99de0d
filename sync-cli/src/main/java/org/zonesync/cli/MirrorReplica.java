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
import org.zonesync.api.TransferReport;
import org.zonesync.api.ZoneReplica;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.ZoneSync;
import org.zonesync.journal.FileReplicaStore;

/**
 * {@code zonesync mirror --once --dir DIR}: one refresh of a replica whose versions survive in
 * DIR. The first run transfers the zone by AXFR; later runs start from the stored version and ask
 * for IXFR (the engine asks only the primary, address and port, that version came from). Without
 * {@code --once}, {@link MirrorDaemon} keeps zones up to date.
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

  /** Refreshes once; returns the exit status. */
  int runOnce() {
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
      return refreshOnce(replica, last);
    } catch (ReplicaStoreException e) {
      err.println("zonesync mirror: store " + dir + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int refreshOnce(ZoneReplica replica, AtomicReference<@Nullable TransferReport> last)
      throws InterruptedException {
    long timeout = limits.transferTimeout().toMillis() * 3;
    try {
      if (replica.current().isEmpty()) {
        // nothing stored: the engine transfers the zone as soon as it is added; wait for that
        // instead of queueing a second refresh behind it
        replica.awaitCurrent(Duration.ofMillis(timeout));
      } else {
        replica.refresh().get(timeout, TimeUnit.MILLISECONDS);
      }
    } catch (TransferException e) {
      return failed(e);
    } catch (ExecutionException e) {
      return failed(e.getCause());
    } catch (TimeoutException e) {
      err.println("zonesync mirror: zone " + zone + ": refresh did not finish");
      return 1;
    }
    TransferReport s = last.get(); // the newest transfer of this run, if there was one
    if (s == null) {
      out.println("zone " + zone + ": up to date at serial " + replica.snapshot().serial());
    } else {
      out.println(MirrorCommand.summary(s));
    }
    if (output != null) {
      try {
        ZoneFiles.writeAtomically(replica.snapshot(), output);
      } catch (IOException e) {
        err.println("zonesync mirror: cannot write " + output + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  private int failed(@Nullable Throwable cause) {
    String reason = cause instanceof TransferException te ? te.reason() : String.valueOf(cause);
    err.println("zonesync mirror: zone " + zone + " from " + primary + ": " + reason);
    return 1;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "MirrorReplica[%s from %s in %s]", zone, primary, dir);
  }
}
