// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneSync;
import org.zonesync.journal.FileReplicaStore;

/**
 * A {@link ZoneSync} with one secondary zone kept in a {@code FileReplicaStore}, opened so that
 * the test sees the replica before its first transfer: transfers run on an executor whose gate
 * opens only when the constructor ends, so {@link #stateAtOpen} and {@link #servedAtOpen} are
 * what {@code addSecondary} loaded from the store, and {@link #awaitFirst()} is the outcome of
 * the transfer {@code addSecondary} queued (a refresh asked for during a transfer joins it).
 * Records every {@link ReplicaEvent}.
 */
final class OpenReplica implements AutoCloseable {

  /** Bound on one refresh, and on the wait for its closing event. */
  private static final long WAIT_SECONDS = 60;

  final ZoneReplica replica;
  final ReplicaState stateAtOpen;
  final Optional<SerialNumber> servedAtOpen;

  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "ixfr-interop-xfer");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch gate = new CountDownLatch(1);
  private final BlockingQueue<ReplicaEvent> events = new LinkedBlockingQueue<>();
  private final ReplicaStore store;
  private final ZoneSync sync;
  private final CompletableFuture<TransferOutcome> first;

  OpenReplica(Path storeDir, Name zone, PrimaryServer server, TsigKey key) throws Exception {
    store = FileReplicaStore.in(storeDir);
    sync = ZoneSync.builder().storage(store).transfersIn(1).listener(events::add)
        .executor(task -> pool.execute(() -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          task.run();
        })).build();
    try {
      replica = sync.addSecondary(SecondaryZone.builder(zone)
          .primary(Primary.of(server.address(), key)).build());
      stateAtOpen = replica.state();
      servedAtOpen = replica.current().map(ZoneSnapshot::serial);
      first = replica.refresh();
    } finally {
      gate.countDown();
    }
  }

  /** Waits for the transfer that {@code addSecondary} started. */
  TransferOutcome awaitFirst() throws InterruptedException {
    return await(first);
  }

  /** Waits for a refresh; its failure fails the test with the cause and the events so far. */
  TransferOutcome await(CompletableFuture<TransferOutcome> refresh) throws InterruptedException {
    return IxfrInteropTest.await(refresh, "events: " + List.copyOf(events));
  }

  /**
   * Returns the events of the refresh that has just completed with {@code outcome}. After a
   * transfer: every event up to and including its {@link ReplicaEvent.TransferFinished}
   * (waiting for it, as a listener may be called after the future completes), so failed
   * attempts before it are included. After {@link TransferOutcome.UpToDate}: the events
   * recorded so far.
   */
  List<ReplicaEvent> transferEvents(TransferOutcome outcome) throws InterruptedException {
    List<ReplicaEvent> out = new ArrayList<>();
    if (outcome instanceof TransferOutcome.UpToDate) {
      events.drainTo(out);
      return out;
    }
    while (true) {
      ReplicaEvent e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (e == null) {
        return fail("no TransferFinished event within " + WAIT_SECONDS + " s; events: " + out);
      }
      out.add(e);
      if (e instanceof ReplicaEvent.TransferFinished) {
        return out;
      }
    }
  }

  @Override
  public void close() throws ReplicaStoreException {
    try {
      sync.close();
      store.close();
    } finally {
      pool.shutdownNow();
    }
  }
}
