// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.ZoneSourceException;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.PrimaryZone;
import org.zonesync.core.ZoneServing;
import org.zonesync.core.ZoneSource;
import org.zonesync.core.ZoneSync;
import org.zonesync.journal.FileReplicaStore;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * A running {@code zonesync serve}: a hidden primary serving one zone from a master file on its
 * listener ({@link ZoneSync#addPrimary}). {@link #reload} (SIGHUP) and {@link #checkFile} (every
 * poll period, and when the file's size, time or content moved) publish the file's new version
 * with its difference journaled, so that secondaries follow by IXFR after the NOTIFY; a version
 * that fails (unreadable, not a zone, changed without a newer serial) prints one line and the old
 * one stays served. Versions live in a {@link FileReplicaStore} when a directory is given (the
 * journal survives restarts), else in memory. Thread-safe: reloads are serialised.
 */
final class ServeDaemon implements Daemon {

  /**
   * What to serve and how.
   *
   * @param zone the apex
   * @param file the master file
   * @param listen where SOA, AXFR, IXFR and NOTIFY are answered (UDP and TCP)
   * @param keys the transfer keys
   * @param serving who may transfer, whom to NOTIFY
   * @param transfersOut transfers out at once in total
   * @param transfersOutPerClient and from one client
   * @param storage the store directory; empty: memory only
   * @param control the control socket; empty: none
   * @param poll how often the file is checked; zero: never (tests call {@link #checkFile})
   */
  record Config(Name zone, Path file, InetSocketAddress listen, List<TsigKey> keys,
      ZoneServing serving, int transfersOut, int transfersOutPerClient, Optional<Path> storage,
      Optional<Path> control, Duration poll) {
    Config {
      requireNonNull(zone, "zone");
      requireNonNull(file, "file");
      requireNonNull(listen, "listen");
      keys = List.copyOf(keys);
      requireNonNull(serving, "serving");
      requireNonNull(storage, "storage");
      requireNonNull(control, "control");
      requireNonNull(poll, "poll");
    }
  }

  private final Config config;
  private final ZoneSync sync;
  private final PrimaryZone primary;
  private final ReplicaStore store;
  private final @Nullable ControlServer control;
  private final @Nullable ScheduledThreadPoolExecutor poller;
  private final FileWatch watch;
  private final PrintStream out;
  private final PrintStream err;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  private ServeDaemon(Config config, ZoneSync sync, PrimaryZone primary, ReplicaStore store,
      @Nullable ControlServer control, FileWatch watch, PrintStream out, PrintStream err) {
    this.config = config;
    this.sync = sync;
    this.primary = primary;
    this.store = store;
    this.control = control;
    this.watch = watch;
    this.out = out;
    this.err = err;
    if (config.poll().isZero()) {
      this.poller = null;
    } else {
      this.poller = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "zonesync-file-watch");
        t.setDaemon(true);
        return t;
      });
      long ms = Math.max(1, config.poll().toMillis());
      poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Loads the zone and starts serving it.
   *
   * @param config what to serve
   * @param out where the lines about versions go
   * @param err where failed reloads go
   * @return the running server
   * @throws IOException if the store, the listener or the control socket cannot be set up
   * @throws ZoneSourceException if the file is not a zone, or conflicts with the stored version
   */
  static ServeDaemon start(Config config, PrintStream out, PrintStream err)
      throws IOException, ZoneSourceException {
    ReplicaStore store = null;
    ZoneSync sync = null;
    ControlServer control = null;
    try {
      if (config.storage().isPresent()) {
        Files.createDirectories(config.storage().get());
        store = FileReplicaStore.in(config.storage().get());
      } else {
        store = MemoryReplicaStore.create(); // the journal IXFR out is served from
      }
      try {
        sync = ZoneSync.builder().storage(store).listen(config.listen())
            .transferKeys(config.keys().toArray(TsigKey[]::new))
            .transfersOut(config.transfersOut(), config.transfersOutPerClient()).build();
      } catch (UncheckedIOException e) {
        throw new IOException(e.getMessage(), e.getCause());
      }
      FileWatch watch = FileWatch.of(config.file());
      watch.mark(); // before the load: an edit in between is seen by the first check
      PrimaryZone p;
      try {
        p = sync.addPrimary(config.zone(), ZoneSource.masterFile(config.file()),
            config.serving());
      } catch (ReplicaStoreException e) {
        throw new IOException("zone " + config.zone() + ": stored data: " + e.getMessage(), e);
      }
      if (config.control().isPresent()) {
        control = ControlServer.start(config.control().get(), sync, InstantSource.system(),
            new ServingText.Served(Map.of(config.zone(), config.serving()), List.of(p)));
      }
      ServeDaemon d = new ServeDaemon(config, sync, p, store, control, watch, out, err);
      ZoneSnapshot z = p.current();
      out.println("zonesync serve: zone " + config.zone() + " serial " + z.serial() + ", "
          + z.recordCount() + " records from " + config.file() + ", listening on "
          + sync.notifyAddress().map(Primary::format).orElse("-") + ", storage "
          + config.storage().map(Path::toString).orElse("none (memory only)") + ", control "
          + config.control().map(Path::toString).orElse("none"));
      return d;
    } catch (IOException | ZoneSourceException | RuntimeException e) {
      closeAll(null, control, sync, store);
      throw e;
    }
  }

  /** Returns the engine. */
  ZoneSync sync() {
    return sync;
  }

  /** Returns the zone served. */
  PrimaryZone zone() {
    return primary;
  }

  /**
   * Re-reads the file and publishes it when it changed (SIGHUP): prints {@code zone NAME: serial
   * N served (D removed, A added)}, or that it is unchanged, or one line saying why it failed
   * while the old version stays served.
   *
   * @param why what asked for it, for the lines
   * @return what was done, or empty if it failed
   */
  synchronized Optional<PrimaryZone.Update> reload(String why) {
    if (closed.get()) {
      return Optional.empty();
    }
    watch.mark();
    return publish(why);
  }

  /**
   * Runs {@link #reload} on the poll thread (or here when there is none), so that a signal
   * handler returns at once.
   *
   * @param why what asked for it
   */
  void reloadSoon(String why) {
    ScheduledThreadPoolExecutor p = poller;
    if (p == null) {
      reload(why);
      return;
    }
    try {
      p.execute(() -> reload(why));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing down
    }
  }

  /**
   * Checks the file once and reloads it when its size, time or content moved (the poll).
   *
   * @return whether a reload was attempted
   */
  synchronized boolean checkFile() {
    if (closed.get() || !watch.changed()) {
      return false;
    }
    publish("file changed");
    return true;
  }

  private void poll() {
    try {
      checkFile();
    } catch (RuntimeException e) {
      err.println("zonesync serve: zone " + config.zone() + ": checking " + config.file()
          + " failed: " + e);
    }
  }

  private Optional<PrimaryZone.Update> publish(String why) {
    try {
      PrimaryZone.Update u = primary.reload();
      if (u.changed()) {
        out.println("zone " + config.zone() + ": serial " + u.serial() + " served ("
            + u.deleted() + " removed, " + u.added() + " added)");
      } else {
        out.println("zone " + config.zone() + ": " + why + ", zone unchanged at serial "
            + u.serial());
      }
      return Optional.of(u);
    } catch (ZoneSourceException | ReplicaStoreException | RuntimeException e) {
      // a RuntimeException is a bug, but a reload on the poller or a signal must still say so
      String m = e instanceof RuntimeException ? e.toString() : String.valueOf(e.getMessage());
      err.println("zone " + config.zone() + ": reload failed (" + why + "): " + m
          + (m.contains("still serving") ? "" : "; still serving serial "
              + primary.current().serial()));
      return Optional.empty();
    }
  }

  /**
   * Waits until {@link #close()} has finished.
   *
   * @throws InterruptedException if interrupted first
   */
  @Override
  public void awaitClosed() throws InterruptedException {
    done.await();
  }

  /** Stops polling, the control socket, the listener and the store; later calls return. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      closeAll(poller, control, sync, store);
      out.println("zonesync serve: stopped");
      out.flush();
    } finally {
      done.countDown();
    }
  }

  private static void closeAll(@Nullable ScheduledThreadPoolExecutor poller,
      @Nullable ControlServer control, @Nullable ZoneSync sync, @Nullable ReplicaStore store) {
    if (poller != null) {
      poller.shutdownNow();
      try {
        poller.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (control != null) {
      control.close();
    }
    if (sync != null) {
      sync.close();
    }
    if (store != null) {
      try {
        store.close();
      } catch (ReplicaStoreException e) {
        // closing a store that failed to write: nothing more to do at exit
      }
    }
  }
}
