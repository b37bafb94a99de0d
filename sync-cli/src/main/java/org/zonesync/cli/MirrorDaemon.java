// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneSync;
import org.zonesync.journal.FileReplicaStore;

/**
 * A running {@code zonesync mirror}: the engine with its zones, its store, its NOTIFY listener,
 * its control socket and the event lines. {@link #start} brings everything up or nothing;
 * {@link #close()} (from the shutdown hook on SIGINT or SIGTERM, or a test) takes it down in the
 * reverse order: no more control requests, then transfers cancelled, then the store closed.
 * Thread-safe.
 */
final class MirrorDaemon implements Daemon {

  private final ZoneSync sync;
  private final @Nullable FileReplicaStore store;
  private final @Nullable ControlServer control;
  private final EventPrinter printer;
  private final @Nullable ExecutorService writer;
  private final PrintStream out;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  private MirrorDaemon(ZoneSync sync, @Nullable FileReplicaStore store,
      @Nullable ControlServer control, EventPrinter printer, @Nullable ExecutorService writer,
      PrintStream out) {
    this.sync = sync;
    this.store = store;
    this.control = control;
    this.printer = printer;
    this.writer = writer;
    this.out = out;
  }

  /**
   * Starts mirroring.
   *
   * @param config what to mirror and how
   * @param output with one zone: a master file rewritten atomically after every transfer
   * @param out where the event lines go
   * @param err where failures to write {@code output} go
   * @return the running mirror
   * @throws IOException if the store directory, the NOTIFY listener, the control socket or a
   *     zone's stored data cannot be set up; everything started is stopped again
   */
  static MirrorDaemon start(MirrorConfig config, Optional<Path> output, PrintStream out,
      PrintStream err) throws IOException {
    if (output.isPresent() && config.zones().size() != 1) {
      throw new IllegalArgumentException("an output file needs exactly one zone");
    }
    EventPrinter printer = new EventPrinter(out);
    ExecutorService writer = output.isEmpty() ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "zonesync-output");
      t.setDaemon(true);
      return t;
    });
    FileReplicaStore store = null;
    ZoneSync sync = null;
    ControlServer control = null;
    try {
      ZoneSync.Builder b = config.limits().applyTo(ZoneSync.builder());
      if (config.storage().isPresent()) {
        Files.createDirectories(config.storage().get());
        store = FileReplicaStore.in(config.storage().get());
        b.storage(store);
      }
      config.listen().ifPresent(b::listen);
      b.transferKeys(config.transferKeys().toArray(org.zonesync.api.TsigKey[]::new));
      ZoneSync[] self = new ZoneSync[1];
      ReplicaListener listener = writer == null ? printer : e -> {
        printer.onEvent(e);
        if (e instanceof ReplicaEvent.TransferFinished) {
          writer.execute(() -> writeOutput(self[0], e.zone(), output.get(), err));
        }
      };
      try {
        sync = b.listener(listener).build();
      } catch (UncheckedIOException e) {
        throw new IOException(e.getMessage(), e.getCause());
      }
      self[0] = sync;
      if (config.control().isPresent()) {
        control = ControlServer.start(config.control().get(), sync, InstantSource.system(),
            new ServingText.Served(config.served(), List.of()));
      }
      for (SecondaryZone z : config.zones()) {
        try {
          sync.addSecondary(z);
        } catch (ReplicaStoreException e) {
          throw new IOException("zone " + z.zone() + ": stored data: " + e.getMessage(), e);
        }
      }
    } catch (IOException | RuntimeException e) {
      closeAll(control, sync, store, printer, writer);
      throw e;
    }
    MirrorDaemon d = new MirrorDaemon(sync, store, control, printer, writer, out);
    int served = config.served().size();
    out.println("zonesync mirror: " + config.zones().size() + " zone"
        + (config.zones().size() == 1 ? "" : "s") + (served == 0 ? "" : " (" + served
        + " served onward)") + ", storage "
        + config.storage().map(Path::toString).orElse("none (memory only)") + ", notify "
        + sync.notifyAddress().map(Primary::format).orElse("not listened for") + ", control "
        + config.control().map(Path::toString).orElse("none"));
    return d;
  }

  private static void writeOutput(@Nullable ZoneSync sync, Name zone, Path output,
      PrintStream err) {
    Optional<ZoneSnapshot> snap = sync == null ? Optional.empty()
        : sync.replica(zone).flatMap(r -> r.current());
    if (snap.isEmpty()) {
      return;
    }
    try {
      ZoneFiles.writeAtomically(snap.get(), output);
    } catch (IOException e) {
      err.println("zonesync mirror: cannot write " + output + ": " + e.getMessage());
    }
  }

  /** Returns the engine. */
  ZoneSync sync() {
    return sync;
  }

  /** Returns the control socket's path, if there is one. */
  Optional<Path> controlPath() {
    return control == null ? Optional.empty() : Optional.of(control.path());
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

  /** Stops everything; later calls return at once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      closeAll(control, sync, store, printer, writer);
      out.println("zonesync mirror: stopped");
      out.flush();
    } finally {
      done.countDown();
    }
  }

  private static void closeAll(@Nullable ControlServer control, @Nullable ZoneSync sync,
      @Nullable FileReplicaStore store, EventPrinter printer, @Nullable ExecutorService writer) {
    if (control != null) {
      control.close();
    }
    if (sync != null) {
      sync.close();
    }
    if (writer != null) {
      writer.shutdown();
      try {
        writer.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (store != null) {
      store.close();
    }
    printer.close();
  }
}
