// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.spi.ReplicaStore;

/**
 * A set of secondary zones kept up to date from their primaries.
 *
 * <pre>{@code
 * try (ZoneSync sync = ZoneSync.builder().transfersIn(10).build()) {
 *   ZoneReplica replica = sync.addSecondary(SecondaryZone.builder("example.com.")
 *       .primary("192.0.2.1", 53, key).build());
 *   ZoneSnapshot zone = replica.awaitCurrent(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Transfers run on the executor, at most {@link Builder#transfersIn} at once;
 * more wait in a queue. {@link #close()} cancels running transfers and releases threads.
 *
 * @since 0.1
 */
public final class ZoneSync implements AutoCloseable {

  private final @Nullable ReplicaStore store;
  private final TransferQueue queue;
  private final @Nullable ExecutorService ownExecutor;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final ReplicaListener listener;
  private final ConcurrentMap<Name, Replica> replicas = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private ZoneSync(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.nanoTime = b.nanoTime;
    this.listener = b.listener;
    Executor executor = b.executor;
    if (executor == null) {
      AtomicInteger n = new AtomicInteger();
      ownExecutor = Executors.newFixedThreadPool(b.transfersIn, r -> {
        Thread t = new Thread(r, "zonesync-xfer-in-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      executor = ownExecutor;
    } else {
      ownExecutor = null;
    }
    this.queue = new TransferQueue(executor, b.transfersIn);
  }

  /** Returns a builder with the defaults: no store, 10 transfers in, system clocks. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds a secondary zone: loads its last stored version (served at once) and starts a
   * transfer from its primaries.
   *
   * @param config the zone's configuration
   * @return the replica
   * @throws IllegalStateException if the zone is already added or this is closed
   * @throws ReplicaStoreException if the store cannot read the zone
   */
  public ZoneReplica addSecondary(SecondaryZone config) throws ReplicaStoreException {
    requireNonNull(config, "config");
    if (closed) {
      throw new IllegalStateException("ZoneSync is closed");
    }
    Replica replica = new Replica(config, store, queue, clock, nanoTime, listener);
    if (replicas.putIfAbsent(config.zone(), replica) != null) {
      throw new IllegalStateException("zone " + config.zone() + " is already added");
    }
    try {
      replica.loadStored();
    } catch (ReplicaStoreException e) {
      replicas.remove(config.zone());
      throw e;
    }
    replica.refresh();
    return replica;
  }

  /**
   * Returns the replica of a zone.
   *
   * @param zone the apex
   * @return the replica, or empty
   */
  public Optional<ZoneReplica> replica(Name zone) {
    return Optional.ofNullable(replicas.get(zone));
  }

  /** Returns every replica. */
  public List<ZoneReplica> replicas() {
    return List.copyOf(replicas.values());
  }

  /** Cancels running transfers, closes every replica and stops zonesync's own threads. */
  @Override
  public void close() {
    closed = true;
    for (Replica r : replicas.values()) {
      r.close();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
      try {
        ownExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Configures a {@link ZoneSync}. Not thread-safe; the built object is. */
  public static final class Builder {
    private @Nullable ReplicaStore store;
    private int transfersIn = 10;
    private @Nullable Executor executor;
    private InstantSource clock = InstantSource.system();
    private LongSupplier nanoTime = System::nanoTime;
    private ReplicaListener listener = ReplicaListener.NONE;

    private Builder() {
    }

    /**
     * Sets where zones are kept between restarts; default: nowhere (memory only).
     *
     * @param store the store
     * @return this
     */
    public Builder storage(ReplicaStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets how many incoming transfers run at once; default 10.
     *
     * @param n at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public Builder transfersIn(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("transfersIn must be at least 1: " + n);
      }
      this.transfersIn = n;
      return this;
    }

    /**
     * Sets the executor transfers run on; default a pool of {@code transfersIn} daemon threads
     * owned by zonesync. A given executor is not shut down by {@link ZoneSync#close()}.
     *
     * @param executor the executor
     * @return this
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the wall clock (TSIG time signed, event times); default the system clock.
     *
     * @param clock the clock
     * @return this
     */
    public Builder clock(InstantSource clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the monotonic clock for timeouts and durations; default {@link System#nanoTime()}.
     *
     * @param nanoTime nanoseconds from an arbitrary origin, never going backwards
     * @return this
     */
    public Builder ticker(LongSupplier nanoTime) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * Sets the listener for replica events; default {@link ReplicaListener#NONE}.
     *
     * @param listener fast, never throws, never calls back into zonesync
     * @return this
     */
    public Builder listener(ReplicaListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the instance; starts no threads until a zone is added. */
    public ZoneSync build() {
      return new ZoneSync(this);
    }
  }
}
