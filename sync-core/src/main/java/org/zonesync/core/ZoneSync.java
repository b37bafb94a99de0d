// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.TransferStats;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.notify.NotifyHandler;
import org.zonesync.core.internal.notify.NotifyListener;
import org.zonesync.core.internal.notify.Outcome;
import org.zonesync.core.internal.notify.ZoneAcl;
import org.zonesync.core.internal.notifyout.NotifySender;
import org.zonesync.core.internal.serve.OutQuota;
import org.zonesync.core.internal.xfr.XfrOut;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSourceException;
import org.zonesync.tsig.TsigKeyring;
import java.net.InetAddress;

/**
 * A set of secondary zones kept up to date from their primaries: SOA timers, NOTIFY, several
 * primaries per zone, expiry ("The life of a secondary zone" in DESIGN.md).
 *
 * <pre>{@code
 * try (ZoneSync sync = ZoneSync.builder().storage(FileReplicaStore.in(dir))
 *     .listen(new InetSocketAddress("127.0.0.1", 5300)).build()) {
 *   ZoneReplica replica = sync.addSecondary(SecondaryZone.builder("example.com.")
 *       .primary("192.0.2.1", 53, key).build());
 *   ZoneSnapshot zone = replica.awaitCurrent(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe. No thread belongs to a zone: each zone is a timer on the {@link Scheduler}
 * and its work runs on the executor. At most {@link Builder#transfersIn} transfers run at once
 * and at most {@link Builder#transfersPerPrimary} from one primary; more wait in a queue (work
 * after a NOTIFY first) and never fail for lack of a slot. SOA queries across all zones are
 * rate-limited ({@link Builder#soaQueryRate}). {@link #close()} cancels running transfers and
 * releases threads.
 *
 * @since 0.1
 */
public final class ZoneSync implements AutoCloseable {

  private final Engine engine;
  private final ConcurrentMap<Name, Replica> replicas = new ConcurrentHashMap<>();
  private final ConcurrentMap<Name, ZoneAcl> acls = new ConcurrentHashMap<>();
  private final NotifyHandler notifyHandler;
  private final @Nullable ExecutorService ownExecutor;
  private final @Nullable ScheduledThreadPoolExecutor ownScheduler;
  private final @Nullable NotifyListener notifyListener;
  private final Serving serving;
  private final TransferResponder transferResponder;
  private final ConcurrentMap<Name, PrimaryZone> primaries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private ZoneSync(Builder b) {
    Executor executor = b.executor;
    if (executor == null) {
      // a cached pool: threads exist only while work runs; the queue and gate bound how many
      ownExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
          new SynchronousQueue<>(), daemon("zonesync-worker-"));
      executor = ownExecutor;
    } else {
      ownExecutor = null;
    }
    Scheduler scheduler = b.scheduler;
    if (scheduler == null) {
      ownScheduler = new ScheduledThreadPoolExecutor(1, daemon("zonesync-timer-"));
      ownScheduler.setRemoveOnCancelPolicy(true); // thousands of re-armed timers
      scheduler = Scheduler.of(ownScheduler);
    } else {
      ownScheduler = null;
    }
    SoaProbe probe = b.probe != null ? b.probe : SoaProbe.network(b.clock, b.nanoTime);
    long seed = b.seed != null ? b.seed : new SecureRandom().nextLong();
    this.engine = new Engine(b.store, new TransferQueue(executor, b.transfersIn,
        b.transfersPerPrimary), new SoaGate(executor, scheduler, b.nanoTime, b.soaQueryRate),
        scheduler, b.clock, b.nanoTime, seed, b.listener, probe,
        new Unreachable(b.unreachableHold), b.soaQueryTimeout);
    this.notifyHandler = new NotifyHandler(zone -> Optional.ofNullable(acls.get(zone)), b.clock);
    InetAddress notifySource = b.notifySource != null ? b.notifySource
        : b.listen != null ? b.listen.getAddress() : new InetSocketAddress(0).getAddress();
    this.serving = new Serving(b.store, TsigKeyring.of(b.transferKeys.toArray(TsigKey[]::new)),
        new OutQuota(b.transfersOut, b.transfersOutPerClient),
        new XfrOut.Limits(b.transferMessageSize, b.oneAnswer, b.transferDeadline), b.clock, b.nanoTime,
        notifySource, NotifySender.DEFAULT_INITIAL_TIMEOUT);
    this.transferResponder = new TransferResponder(serving.xfrOut());
    NotifyListener l = null;
    if (b.listen != null) {
      try {
        l = new NotifyListener(b.listen, notifyHandler, (src, o) -> onNotify(src, o),
            b.tcpIdleTimeout, b.tcpWriteTimeout, b.tcpConnections, serving.xfrOut());
      } catch (IOException e) {
        close();
        throw new UncheckedIOException("cannot listen for notify on " + b.listen + ": "
            + e.getMessage(), e);
      }
    }
    this.notifyListener = l;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Returns a builder with the defaults: no store, 10 transfers in, system clocks. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds a secondary zone: loads its last stored version and timers (served at once unless they
   * say it expired) and schedules its first refresh: at once for a zone without a version,
   * else when the stored timers say.
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
    Replica replica = new Replica(config, engine);
    Outbound out;
    try {
      // the served-zones map is the one registry of names: a zone is added once, as a
      // secondary or as a primary
      out = serving.serve(config.zone(), config.serving(),
          () -> replica.current().map(StoredZones::compact));
    } catch (IllegalStateException e) {
      replica.close();
      throw new IllegalStateException("zone " + config.zone() + " is already added", e);
    }
    replicas.put(config.zone(), replica);
    replica.onPublish(z -> out.published(StoredZones.compact(z)));
    out.expireFrom(replica::expireSeconds);
    try {
      replica.start();
    } catch (ReplicaStoreException | RuntimeException e) {
      replicas.remove(config.zone(), replica);
      serving.remove(config.zone(), out);
      replica.close();
      throw e;
    }
    acls.put(config.zone().canonicalize(), ZoneAcl.of(config.primaries()));
    return replica;
  }

  /**
   * Removes a zone: cancels its running transfer (closing its socket) and its timers; once this
   * returns nothing more is written to the store for it. Its stored data stays.
   *
   * @param zone the apex
   * @return whether the zone was held
   */
  public boolean removeSecondary(Name zone) {
    requireNonNull(zone, "zone");
    Replica r = replicas.remove(zone);
    if (r == null) {
      return false;
    }
    acls.remove(zone.canonicalize());
    serving.find(zone).ifPresent(o -> serving.remove(zone, (Outbound) o));
    r.close();
    return true;
  }

  /**
   * Makes zonesync the primary of a zone (a hidden primary): loads it from {@code source} (or,
   * with a store, the stored version, and journals the difference when the source is newer),
   * serves it to the secondaries {@code serving} allows and NOTIFYs its targets after each
   * {@link PrimaryZone#update}.
   *
   * @param zone the apex
   * @param source where its content comes from
   * @param serving who may transfer it, whom to NOTIFY
   * @return the zone, to update
   * @throws IllegalStateException if the zone is already added or this is closed
   * @throws ZoneSourceException if the source cannot be loaded, or conflicts with the stored
   *     version (changed content without a newer serial)
   * @throws ReplicaStoreException if the store cannot be read or written
   */
  public PrimaryZone addPrimary(Name zone, ZoneSource source, ZoneServing serving)
      throws ZoneSourceException, ReplicaStoreException {
    requireNonNull(zone, "zone");
    requireNonNull(source, "source");
    requireNonNull(serving, "serving");
    if (closed) {
      throw new IllegalStateException("ZoneSync is closed");
    }
    PrimaryZone p;
    try {
      p = new PrimaryZone(zone, source, engine.store(),
          self -> this.serving.serve(zone, serving, self::served));
    } catch (IllegalStateException e) {
      throw new IllegalStateException("zone " + zone + " is already added", e);
    }
    primaries.put(zone, p);
    try {
      p.start();
    } catch (ZoneSourceException | ReplicaStoreException | RuntimeException e) {
      primaries.remove(zone, p);
      this.serving.remove(zone, p.outbound());
      throw e;
    }
    return p;
  }

  /**
   * Returns a zone added with {@link #addPrimary}.
   *
   * @param zone the apex
   * @return the zone, or empty
   */
  public Optional<PrimaryZone> primary(Name zone) {
    return Optional.ofNullable(primaries.get(zone));
  }

  /**
   * Stops serving a zone added with {@link #addPrimary}; its stored data stays.
   *
   * @param zone the apex
   * @return whether it was held
   */
  public boolean removePrimary(Name zone) {
    PrimaryZone p = primaries.remove(requireNonNull(zone, "zone"));
    if (p == null) {
      return false;
    }
    serving.remove(zone, p.outbound());
    return true;
  }

  /**
   * Returns the responder a host DNS server gives the SOA, AXFR and IXFR requests it receives
   * (all but NOTIFY, which goes to {@link #handleNotify}); the built-in listener ({@link
   * Builder#listen}) uses the same one.
   *
   * @return the responder
   */
  public TransferResponder transferResponder() {
    return transferResponder;
  }

  /**
   * Returns the counters of serving onward, over every zone.
   *
   * @return the counters
   */
  public ServingStats servingStats() {
    return serving.stats();
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

  /**
   * Returns the counters of every zone held, added up ({@link TransferStats#plus}).
   *
   * @return the totals
   */
  public TransferStats stats() {
    TransferStats total = TransferStats.EMPTY;
    for (Replica r : replicas.values()) {
      total = total.plus(r.status().stats());
    }
    return total;
  }

  /**
   * Handles a NOTIFY received by a host server (RFC 1996): checks it (a zone held here, from a
   * configured primary address or signed with a primary's key) and, when accepted, starts a
   * refresh unless its serial is not newer than ours. Never blocks on the network.
   *
   * @param message the message bytes; not kept
   * @param source where it came from
   * @return the answer to send back on the same transport (signed when the NOTIFY was), or empty
   *     when nothing must be answered (a response, another opcode, garbage)
   */
  public Optional<byte[]> handleNotify(byte[] message, InetSocketAddress source) {
    requireNonNull(message, "message");
    requireNonNull(source, "source");
    Outcome o = notifyHandler.handle(message, message.length, source);
    onNotify(source, o);
    return o.response();
  }

  /**
   * Returns the address the built-in NOTIFY listener is bound to.
   *
   * @return the UDP and TCP address, or empty without {@link Builder#listen}
   */
  public Optional<InetSocketAddress> notifyAddress() {
    return notifyListener == null ? Optional.empty() : Optional.of(notifyListener.localAddress());
  }

  private void onNotify(InetSocketAddress source, Outcome o) {
    if (o.zone().isEmpty()) {
      return;
    }
    Replica r = replicas.get(o.zone().get());
    if (r == null) {
      return;
    }
    if (o.accepted().isPresent()) {
      var a = o.accepted().get();
      r.notified(a.source(), a.serial(), a.keyName());
    } else if (o.reason() == Outcome.Reason.NOT_A_PRIMARY
        || o.reason() == Outcome.Reason.BAD_TSIG) {
      r.notifyRefused(source, o.reason().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Cancels running transfers, closes every replica and stops zonesync's own threads. */
  @Override
  public void close() {
    closed = true;
    if (notifyListener != null) {
      notifyListener.close();
    }
    for (Replica r : replicas.values()) {
      r.close();
    }
    serving.close();
    if (engine != null) {
      engine.soaGate().close();
    }
    shutdown(ownScheduler);
    shutdown(ownExecutor);
  }

  private static void shutdown(@Nullable ExecutorService e) {
    if (e == null) {
      return;
    }
    e.shutdownNow();
    try {
      e.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
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
    private int transfersPerPrimary = 2;
    private int soaQueryRate = 20;
    private Duration soaQueryTimeout = Duration.ofSeconds(3);
    private Duration unreachableHold = Duration.ofMinutes(1);
    private @Nullable Scheduler scheduler;
    private @Nullable InetSocketAddress listen;
    private @Nullable Long seed;
    private @Nullable SoaProbe probe;
    private final java.util.List<TsigKey> transferKeys = new java.util.ArrayList<>();
    private int transfersOut = OutQuota.DEFAULT_TOTAL;
    private int transfersOutPerClient = OutQuota.DEFAULT_PER_CLIENT;
    private int transferMessageSize = XfrOut.Limits.DEFAULT.messageSize();
    private Duration transferDeadline = XfrOut.Limits.DEFAULT.deadline();
    private boolean oneAnswer;
    private Duration tcpIdleTimeout = NotifyListener.DEFAULT_IDLE_TIMEOUT;
    private Duration tcpWriteTimeout = Duration.ofSeconds(5);
    private int tcpConnections = 100;
    private @Nullable InetAddress notifySource;

    private Builder() {
    }

    /**
     * Adds keys that downstream secondaries may sign SOA, AXFR and IXFR requests with; a zone's
     * {@link ZoneServing} ACL names the ones it admits ({@code key:NAME}). Default: none.
     *
     * @param keys the keys
     * @return this
     */
    public Builder transferKeys(TsigKey... keys) {
      for (TsigKey k : keys) {
        transferKeys.add(requireNonNull(k, "key"));
      }
      return this;
    }

    /**
     * Sets how many transfers out run at once, in total and from one client address (BIND's
     * {@code transfers-out}); more are answered SERVFAIL. Default 10 and 2.
     *
     * @param total at least 1
     * @param perClient at least 1
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Builder transfersOut(int total, int perClient) {
      new OutQuota(total, perClient); // checks the ranges
      this.transfersOut = total;
      this.transfersOutPerClient = perClient;
      return this;
    }

    /**
     * Sets the largest message of a transfer out, TSIG included (BIND's {@code
     * transfer-message-size}); default 16384, the largest size whose every name can be
     * compressed against any earlier one.
     *
     * @param bytes 512 to 65535
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Builder transferMessageSize(int bytes) {
      new XfrOut.Limits(bytes, false, transferDeadline); // checks the range
      this.transferMessageSize = bytes;
      return this;
    }

    /**
     * Sends one record per message in transfers out (BIND's {@code transfer-format
     * one-answer}), for secondaries too old to take several; default false (many answers).
     *
     * @param on true for one answer per message
     * @return this
     */
    public Builder oneAnswer(boolean on) {
      this.oneAnswer = on;
      return this;
    }

    /**
     * Sets the longest a transfer out may take (BIND's {@code max-transfer-time-out}); default
     * 120 minutes.
     *
     * @param deadline positive
     * @return this
     * @throws IllegalArgumentException if not positive
     */
    public Builder transferDeadline(Duration deadline) {
      new XfrOut.Limits(transferMessageSize, false, deadline); // checks the range
      this.transferDeadline = deadline;
      return this;
    }

    /**
     * Sets the built-in listener's TCP limits: how long a connection may wait for a request
     * (Knot's {@code tcp-idle-timeout}, default 10 s), how long one answer message may stay
     * blocked in a write before the connection is dropped (a reader that stopped reading;
     * default 5 s), and how many connections are open at once (default 100).
     *
     * @param idle at least 1 ms
     * @param write at least 1 ms
     * @param connections at least 1
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Builder tcpLimits(Duration idle, Duration write, int connections) {
      if (idle.toMillis() < 1 || write.toMillis() < 1 || connections < 1) {
        throw new IllegalArgumentException("tcp limits out of range: idle " + idle + ", write "
            + write + ", connections " + connections);
      }
      this.tcpIdleTimeout = idle;
      this.tcpWriteTimeout = write;
      this.tcpConnections = connections;
      return this;
    }

    /**
     * Sets the address NOTIFY out is sent from (BIND's {@code notify-source}); default the
     * {@link #listen} address, else the wildcard address.
     *
     * @param address the local address
     * @return this
     */
    public Builder notifySource(InetAddress address) {
      this.notifySource = requireNonNull(address, "address");
      return this;
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
     * Sets the executor SOA queries and transfers run on; default a pool of daemon threads owned
     * by zonesync that exist only while there is work. Any executor works, e.g. virtual threads
     * on JDK 21+. A given executor is not shut down by {@link ZoneSync#close()}.
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

    /**
     * Sets how many transfers run at once from one primary address (BIND's
     * {@code transfers-per-ns}); default 2.
     *
     * @param n at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public Builder transfersPerPrimary(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("transfersPerPrimary must be at least 1: " + n);
      }
      this.transfersPerPrimary = n;
      return this;
    }

    /**
     * Sets how many SOA queries are sent per second across all zones (BIND's
     * {@code serial-query-rate}); default 20. Queries after a NOTIFY go first.
     *
     * @param perSecond at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public Builder soaQueryRate(int perSecond) {
      if (perSecond < 1) {
        throw new IllegalArgumentException("soaQueryRate must be at least 1: " + perSecond);
      }
      this.soaQueryRate = perSecond;
      return this;
    }

    /**
     * Sets how long an SOA query waits for an answer, per transport (UDP, then TCP); default
     * 3 s.
     *
     * @param timeout positive
     * @return this
     * @throws IllegalArgumentException if not positive
     */
    public Builder soaQueryTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("soaQueryTimeout must be positive: " + timeout);
      }
      this.soaQueryTimeout = timeout;
      return this;
    }

    /**
     * Sets how long a primary that timed out or refused the connection is skipped by periodic
     * refreshes (a NOTIFY from it, or an operator's request, tries it anyway); default 1 min.
     *
     * @param hold zero or more
     * @return this
     */
    public Builder unreachableHold(Duration hold) {
      if (hold.isNegative()) {
        throw new IllegalArgumentException("unreachableHold must not be negative: " + hold);
      }
      this.unreachableHold = hold;
      return this;
    }

    /**
     * Sets the scheduler for every timer (refresh, retry, expire, rate limit); default one
     * daemon thread owned by zonesync. Tests pass a simulated one.
     *
     * @param scheduler the scheduler; not shut down by {@link ZoneSync#close()}
     * @return this
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Binds a UDP and TCP listener for NOTIFY on {@code address} when built (RFC 1996); port 0
     * picks a free port, see {@link ZoneSync#notifyAddress()}.
     *
     * @param address the address
     * @return this
     */
    public Builder listen(InetSocketAddress address) {
      this.listen = requireNonNull(address, "address");
      return this;
    }

    /**
     * Seeds the jitter of refresh timers, for reproducible tests; default a random seed.
     *
     * @param seed the seed
     * @return this
     */
    public Builder randomSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** For tests: how SOA queries are answered. */
    Builder soaProbe(SoaProbe probe) {
      this.probe = requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Builds the instance; starts no threads until a zone is added, except the NOTIFY listener.
     *
     * @return the instance
     * @throws UncheckedIOException if the NOTIFY listener cannot bind its address
     */
    public ZoneSync build() {
      return new ZoneSync(this);
    }
  }
}
