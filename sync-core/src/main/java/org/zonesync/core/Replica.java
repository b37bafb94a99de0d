// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;
import org.zonesync.api.TransferStats;
import org.zonesync.core.internal.xfr.AxfrClient;
import org.zonesync.core.internal.xfr.IxfrClient;
import org.zonesync.core.internal.xfr.IxfrStream;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneContentException;

/**
 * One secondary zone. The served snapshot is published through an {@link AtomicReference}: one
 * swap per transfer, readers never lock. At most one transfer runs per zone; a refresh asked
 * for meanwhile joins it.
 *
 * <p>A replica holding a version asks for IXFR with its SOA (RFC 1995) and falls back to AXFR,
 * on a new connection, on every failure; one without a version uses AXFR. Each new version is
 * made durable in the store before it is published. (The SOA query and timers arrive with the
 * refresh engine.) A transferred serial that is not newer than the one served is not
 * published.
 */
final class Replica implements ZoneReplica {

  private static final Logger LOG = Loggers.XFER_IN;

  private final SecondaryZone config;
  private final @Nullable ReplicaStore store;
  private final TransferQueue queue;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final ReplicaListener listener;
  private final AtomicReference<@Nullable ZoneSnapshot> current = new AtomicReference<>();
  private final AtomicReference<@Nullable CompletableFuture<TransferOutcome>> inFlight =
      new AtomicReference<>();
  private final AtomicReference<@Nullable Runnable> running = new AtomicReference<>();
  private volatile boolean closed;

  Replica(SecondaryZone config, @Nullable ReplicaStore store, TransferQueue queue,
      InstantSource clock, LongSupplier nanoTime, ReplicaListener listener) {
    this.config = config;
    this.store = store;
    this.queue = queue;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.listener = listener;
  }

  void loadStored() throws ReplicaStoreException {
    if (store != null) {
      StoredZones.load(store, config.zone()).ifPresent(current::set);
    }
  }

  @Override
  public Name zone() {
    return config.zone();
  }

  @Override
  public ReplicaState state() {
    if (closed) {
      return ReplicaState.CLOSED;
    }
    return current.get() == null ? ReplicaState.LOADING : ReplicaState.SERVING;
  }

  @Override
  public Optional<ZoneSnapshot> current() {
    return closed ? Optional.empty() : Optional.ofNullable(current.get());
  }

  @Override
  public CompletableFuture<TransferOutcome> refresh() {
    while (true) {
      CompletableFuture<TransferOutcome> f = inFlight.get();
      if (f != null) {
        return f;
      }
      CompletableFuture<TransferOutcome> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        if (closed) {
          finish(mine, null, new CompletionException(new TransferConnectionException(
              "zone " + zone() + " is closed", zone(), null, null)));
          return mine;
        }
        queue.submit(() -> run(mine));
        return mine;
      }
    }
  }

  private void run(CompletableFuture<TransferOutcome> result) {
    if (result.isDone()) {
      inFlight.compareAndSet(result, null);
      return;
    }
    TransferException last = null;
    for (Primary primary : config.primaries()) {
      if (closed || result.isCancelled()) {
        break;
      }
      try {
        ZoneSnapshot held = current.get();
        if (held != null && config.requestIxfr()) {
          try {
            finish(result, incremental(primary, compact(held)), null);
            return;
          } catch (TransferException e) {
            // every IXFR failure class falls back to AXFR, from clean state (RFC 1995 4)
            if (last != null) {
              e.addSuppressed(last);
            }
            last = e;
          }
        }
        finish(result, full(primary), null);
        return;
      } catch (TransferException e) {
        if (last != null) {
          e.addSuppressed(last);
        }
        last = e;
      } catch (ReplicaStoreException e) {
        LOG.error("zone {}: cannot store the transferred version: {}", zone(), e.getMessage());
        finish(result, null, new CompletionException(e));
        return;
      } catch (RuntimeException e) {
        LOG.error("zone {}: transfer from {} failed unexpectedly", zone(), primary, e);
        finish(result, null, e);
        return;
      } finally {
        running.set(null);
      }
    }
    TransferException failure = last != null ? last : new TransferConnectionException(
        "zone " + zone() + " is closed", zone(), null, null);
    finish(result, null, new CompletionException(failure));
  }

  private static CompactZone compact(ZoneSnapshot s) {
    return s instanceof CompactZone c ? c : StoredZones.compact(s);
  }

  /** One IXFR; the caller falls back to AXFR on any TransferException. */
  private TransferOutcome incremental(Primary primary, CompactZone base)
      throws TransferException, ReplicaStoreException {
    emit(new ReplicaEvent.TransferStarted(zone(), clock.instant(), primary, TransferKind.IXFR));
    IxfrClient client = new IxfrClient(zone(), primary, base, config.limits(),
        config.ixfrMaxDeltas(), config.ixfrLenient(), clock, nanoTime);
    running.set(client::cancel);
    IxfrClient.Result r;
    try {
      r = ZoneTransfers.ixfr(client, zone(), primary);
    } catch (TransferException e) {
      emit(new ReplicaEvent.TransferFailed(zone(), clock.instant(), primary, TransferKind.IXFR,
          e));
      throw e;
    }
    if (r.outcome() instanceof IxfrStream.Result.UpToDate) {
      return new TransferOutcome.UpToDate(base.serial());
    }
    CompactZone fresh = r.outcome() instanceof IxfrStream.Result.Incremental i ? i.zone()
        : ((IxfrStream.Result.Full) r.outcome()).zone();
    TransferStats stats = new TransferStats(zone(), primary.address(), TransferKind.IXFR,
        fresh.serial(), r.messages(), r.records(), r.bytes(), r.duration());
    if (closed) {
      return new TransferOutcome.UpToDate(base.serial());
    }
    TransferOutcome outcome;
    if (r.outcome() instanceof IxfrStream.Result.Incremental i) {
      if (store != null) {
        journal(base, i.deltas(), fresh);
      }
      outcome = new TransferOutcome.Incremental(stats);
    } else {
      storeFull(base, fresh);
      outcome = new TransferOutcome.Full(stats);
    }
    current.set(fresh);
    emit(new ReplicaEvent.TransferFinished(zone(), clock.instant(), stats));
    return outcome;
  }

  /**
   * Commits the deltas, each durable before the new version is served. If the journal refuses
   * one (a failed write may have left its state unknown), the whole new version is stored
   * instead, which restarts the journal.
   */
  private void journal(CompactZone base, List<WireDelta> deltas, CompactZone fresh)
      throws ReplicaStoreException {
    CompactZone version = base;
    try {
      for (WireDelta d : deltas) {
        version = apply(version, d);
        store.append(d.toZoneDelta(), version);
      }
    } catch (ReplicaStoreException e) {
      LOG.warn("zone {}: journal append failed ({}); storing serial {} in full", zone(),
          e.getMessage(), fresh.serial());
      store.replace(fresh);
    }
  }

  private CompactZone apply(CompactZone version, WireDelta d) throws ReplicaStoreException {
    try {
      return version.apply(d, config.ixfrLenient(), 0, 0);
    } catch (ZoneContentException e) {
      // the stream applied the same delta already; failing here means a bug, not bad input
      throw new ReplicaStoreException("cannot replay delta " + d.from() + " -> " + d.to()
          + " for the journal: " + e.getMessage(), zone(), e);
    }
  }

  /** One AXFR. */
  private TransferOutcome full(Primary primary) throws TransferException, ReplicaStoreException {
    emit(new ReplicaEvent.TransferStarted(zone(), clock.instant(), primary, TransferKind.AXFR));
    AxfrClient client = new AxfrClient(zone(), primary, config.limits(), clock, nanoTime);
    running.set(client::cancel);
    ZoneTransfers.Result r;
    try {
      r = ZoneTransfers.axfr(client, zone(), primary, TransferProgress.NONE);
    } catch (TransferException e) {
      emit(new ReplicaEvent.TransferFailed(zone(), clock.instant(), primary, TransferKind.AXFR,
          e));
      throw e;
    }
    TransferOutcome outcome = publish(r);
    emit(new ReplicaEvent.TransferFinished(zone(), clock.instant(), r.stats()));
    return outcome;
  }

  private TransferOutcome publish(ZoneTransfers.Result r) throws ReplicaStoreException {
    ZoneSnapshot old = current.get();
    ZoneSnapshot fresh = r.snapshot();
    if (old != null && !fresh.serial().isNewerThan(old.serial())) {
      if (fresh.serial().isOlderThan(old.serial())) {
        LOG.warn("zone {}: primary {} has serial {}, older than ours {}; keeping ours", zone(),
            Primary.format(r.stats().remote()), fresh.serial(), old.serial());
      }
      return new TransferOutcome.UpToDate(old.serial());
    }
    if (closed) {
      return new TransferOutcome.UpToDate(old == null ? fresh.serial() : old.serial());
    }
    storeFull(old == null ? null : compact(old), compact(fresh));
    current.set(fresh);
    return new TransferOutcome.Full(r.stats());
  }

  /**
   * Makes a full version durable before it is served: the exact difference from the previous
   * version is journaled when ixfr-from-differences is on, else the journal restarts.
   */
  private void storeFull(@Nullable CompactZone old, CompactZone fresh)
      throws ReplicaStoreException {
    if (store == null) {
      return;
    }
    if (old != null && config.ixfrFromDifferences() && fresh.serial().isNewerThan(old.serial())) {
      store.append(CompactZone.diff(old, fresh).toZoneDelta(), fresh);
    } else {
      store.replace(fresh);
    }
  }

  private void finish(CompletableFuture<TransferOutcome> f, @Nullable TransferOutcome outcome,
      @Nullable Throwable error) {
    inFlight.compareAndSet(f, null);
    if (error != null) {
      f.completeExceptionally(error);
    } else {
      f.complete(outcome);
    }
  }

  private void emit(ReplicaEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("zone {}: exception thrown by replica listener", zone(), e);
    }
  }

  @Override
  public ZoneSnapshot awaitCurrent(Duration timeout)
      throws TransferException, InterruptedException, TimeoutException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    while (true) {
      ZoneSnapshot s = current.get();
      if (s != null && !closed) {
        return s;
      }
      if (closed) {
        throw new IllegalStateException("zone " + zone() + " is closed");
      }
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        throw new TimeoutException("zone " + zone() + " has no version after " + timeout);
      }
      try {
        refresh().get(left, TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof CompletionException ce && ce.getCause() != null
            ? ce.getCause() : e.getCause();
        if (cause instanceof TransferException te) {
          throw te;
        }
        throw new IllegalStateException("zone " + zone() + ": " + cause, cause);
      }
    }
  }

  void close() {
    closed = true;
    Runnable cancel = running.get();
    if (cancel != null) {
      cancel.run();
    }
  }

  @Override
  public String toString() {
    return "ZoneReplica[" + zone() + ", " + state() + "]";
  }
}
