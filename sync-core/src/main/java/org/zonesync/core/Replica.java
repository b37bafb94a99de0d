// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.ZoneStatus;
import org.zonesync.api.spi.ReplicaTimers;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.refresh.RefreshSchedule;
import org.zonesync.core.internal.refresh.RefreshSchedule.Phase;
import org.zonesync.core.internal.refresh.SoaTimers;

/**
 * One secondary zone: the held version, published through an {@link AtomicReference} (one swap
 * per transfer, readers never lock), and its timers ({@link RefreshSchedule}) driven by one
 * timer on the injected {@link Scheduler}. No thread belongs to a zone: an idle zone is this
 * object and one scheduled timer. The schedule, the running attempt and the follow-up request
 * are guarded by {@code this}; work is handed to the executor outside the lock.
 */
final class Replica implements ZoneReplica {

  private static final Logger LOG = Loggers.XFER_IN;

  private final SecondaryZone config;
  private final Engine engine;
  private final ZoneCounters counters = new ZoneCounters();
  private final AtomicReference<@Nullable ZoneSnapshot> held = new AtomicReference<>();
  private final Object publishLock = new Object();
  private final RefreshSchedule schedule;
  private Scheduler.@Nullable Timer timer;
  private @Nullable RefreshAttempt attempt;
  private @Nullable CompletableFuture<TransferOutcome> followUp;
  private boolean urgentNext;
  private boolean retransferNext;
  private volatile @Nullable InetSocketAddress source;
  private volatile @Nullable Instant lastSuccess;
  private volatile @Nullable Instant lastFailure;
  private volatile @Nullable String lastFailureReason;
  private volatile boolean expired;
  private volatile boolean closed;
  private volatile java.util.function.Consumer<ZoneSnapshot> onPublish = z -> { };
  /** Guarded by this: no attempt begins before the stored version and timers are loaded. */
  private boolean started;

  Replica(SecondaryZone config, Engine engine) {
    this.config = config;
    this.engine = engine;
    this.schedule = new RefreshSchedule(
        new SplittableRandom(engine.seed() ^ config.zone().hashCode()));
  }

  /** Loads the stored version and timers and arms the first timer. */
  void start() throws ReplicaStoreException {
    Optional<ReplicaTimers> saved = Optional.empty();
    if (engine.store() != null) {
      StoredZones.load(engine.store(), zone()).ifPresent(held::set);
      saved = engine.store().loadTimers(zone());
    }
    ZoneSnapshot h = held.get();
    Optional<SoaTimers> heldTimers = Optional.ofNullable(h).map(this::timersOf);
    Optional<RefreshSchedule.Snapshot> persisted = saved.filter(t -> h != null).map(t ->
        new RefreshSchedule.Snapshot(t.expired() ? Phase.EXPIRED : Phase.SERVING,
            t.nextRefresh(), t.expiresAt(), t.failures()));
    if (h != null) {
      saved.flatMap(ReplicaTimers::primary).ifPresent(p -> source = p);
      saved.flatMap(ReplicaTimers::lastSuccess).ifPresent(t -> lastSuccess = t);
    }
    Instant now = engine.clock().instant();
    synchronized (this) {
      schedule.start(persisted, heldTimers, now);
      expired = schedule.phase() == Phase.EXPIRED;
      if (urgentNext || followUp != null) {
        schedule.refreshRequested(now); // asked for while loading
      }
      started = true;
    }
    if (h != null) {
      LOG.info("zone {}: loaded serial {} from the store{}", zone(), h.serial(),
          expired ? ", expired" : "");
      if (!expired) {
        onPublish.accept(h); // serving it now: NOTIFY the secondaries, as BIND does on load
      }
    }
    wake();
  }

  @Override
  public Name zone() {
    return config.zone();
  }

  SecondaryZone config() {
    return config;
  }

  Engine engine() {
    return engine;
  }

  ZoneCounters counters() {
    return counters;
  }

  Object publishLock() {
    return publishLock;
  }

  @Nullable ZoneSnapshot held() {
    return held.get();
  }

  boolean isExpired() {
    return expired;
  }

  boolean isClosed() {
    return closed;
  }

  Optional<InetSocketAddress> source() {
    return Optional.ofNullable(source);
  }

  /** Serves a new version; called under the publish lock after it was made durable. */
  void publish(ZoneSnapshot fresh, Primary from) {
    held.set(fresh);
    source = from.address();
    onPublish.accept(fresh);
  }

  /**
   * Sets what is told about each version published (NOTIFY out); before {@link #start()}.
   *
   * @param listener called under the publish lock, must not block
   */
  void onPublish(java.util.function.Consumer<ZoneSnapshot> listener) {
    this.onPublish = listener;
  }

  @Override
  public ReplicaState state() {
    if (closed) {
      return ReplicaState.CLOSED;
    }
    if (held.get() == null) {
      return ReplicaState.LOADING;
    }
    return expired ? ReplicaState.EXPIRED : ReplicaState.SERVING;
  }

  @Override
  public Optional<ZoneSnapshot> current() {
    return closed || expired ? Optional.empty() : Optional.ofNullable(held.get());
  }

  @Override
  public CompletableFuture<TransferOutcome> refresh() {
    return request(false);
  }

  @Override
  public CompletableFuture<TransferOutcome> retransfer() {
    return request(true);
  }

  /** A NOTIFY passed the ACL: refresh unless its serial is not newer than ours. */
  void notified(InetSocketAddress from, Optional<org.zonesync.api.SerialNumber> serial,
      Optional<Name> keyName) {
    counters.notify(true);
    engine.emit(new ReplicaEvent.NotifyReceived(zone(), engine.clock().instant(), from, serial,
        keyName));
    engine.unreachable().clearAddress(from.getAddress());
    ZoneSnapshot h = held.get();
    if (serial.isPresent() && h != null && !expired && !serial.get().isNewerThan(h.serial())) {
      Loggers.NOTIFY.debug("zone {}: notify from {} with serial {}, ours is {}: nothing to do",
          zone(), Primary.format(from), serial.get(), h.serial());
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      if (joinable(attempt)) {
        attempt.promote(); // it has not asked yet: its answer will already reflect this NOTIFY
        return;
      }
      urgentNext = true;
      if (!started) {
        return; // start() refreshes at once
      }
      schedule.notified(engine.clock().instant());
    }
    wake();
  }

  void notifyRefused(InetSocketAddress from, String reason) {
    counters.notify(false);
    engine.emit(new ReplicaEvent.NotifyRefused(zone(), engine.clock().instant(), from, reason));
  }

  private CompletableFuture<TransferOutcome> request(boolean forceAxfr) {
    CompletableFuture<TransferOutcome> f;
    RefreshAttempt running;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new CompletionException(closedError()));
      }
      RefreshAttempt a = attempt;
      if (joinable(a) && a.isRetransfer() == forceAxfr) {
        a.promote(); // joins a refresh (or retransfer) that has not asked its primaries yet
        return a.result();
      }
      urgentNext = true;
      retransferNext |= forceAxfr;
      if (followUp == null) {
        followUp = new CompletableFuture<>();
      }
      f = followUp;
      running = forceAxfr ? a : null; // a stuck transfer is cancelled (TESTPLAN F5)
      if (!started) {
        return f; // start() refreshes at once and takes this future
      }
      schedule.refreshRequested(engine.clock().instant());
    }
    if (running != null) {
      LOG.info("zone {}: retransfer requested, cancelling the running refresh", zone());
      running.cancel();
    }
    wake();
    return f;
  }

  /** Whether a request can join {@code a}: running, not called off, and has asked no one. */
  private static boolean joinable(@Nullable RefreshAttempt a) {
    return a != null && !a.hasAsked() && !a.isCancelled();
  }

  /** Advances the schedule to now: expires, starts a refresh, re-arms the timer. */
  void wake() {
    List<Runnable> after = new ArrayList<>(2);
    synchronized (this) {
      if (closed || !started) {
        return;
      }
      Instant now = engine.clock().instant();
      boolean again = true;
      while (again) {
        switch (schedule.tick(now)) {
          case EXPIRE -> expire(now, after);
          case REFRESH -> after.add(begin(now));
          default -> again = false;
        }
      }
      rearm(now);
    }
    for (Runnable r : after) {
      r.run();
    }
  }

  /** Guarded by this; the event goes out after the lock is released. */
  private void expire(Instant now, List<Runnable> after) {
    boolean already = expired; // refreshed with an EDNS EXPIRE of 0: still expired, no news
    expired = true;
    ZoneSnapshot h = held.get();
    if (!already) {
      LOG.error("zone {}: expired (serial {}), no longer served", zone(),
          h == null ? "none" : h.serial());
      if (h != null) {
        ReplicaEvent e = new ReplicaEvent.Expired(zone(), now, h.serial());
        after.add(() -> engine.emit(e));
      }
    }
    persist();
  }

  /** Guarded by this. */
  private Runnable begin(Instant now) {
    schedule.begin(now);
    CompletableFuture<TransferOutcome> f = followUp != null ? followUp : new CompletableFuture<>();
    followUp = null;
    RefreshAttempt a = new RefreshAttempt(this, urgentNext, retransferNext, f);
    urgentNext = false;
    retransferNext = false;
    attempt = a;
    return a::start;
  }

  /** Guarded by this. */
  private void rearm(Instant now) {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    Optional<Duration> d = schedule.delayUntilWakeUp(now);
    if (d.isPresent()) {
      timer = engine.scheduler().schedule(d.get(), this::wake);
    }
  }

  /** Called once per attempt, from the thread that ended it. */
  void attemptEnded(RefreshAttempt a, RefreshAttempt.End how) {
    List<Runnable> after = new ArrayList<>(3);
    synchronized (this) {
      if (attempt != a) {
        return;
      }
      attempt = null;
      if (closed) {
        after.add(() -> a.result().completeExceptionally(
            new CompletionException(closedError())));
      } else {
        settle(a, how, engine.clock().instant(), after);
        persist();
      }
    }
    // events, then futures: a caller woken by its future sees the events already delivered
    for (Runnable r : after) {
      r.run();
    }
    wake();
  }

  /**
   * Feeds the end of an attempt to the schedule; guarded by this. What must happen outside the
   * lock (events, completing futures) is added to {@code after}.
   */
  private void settle(RefreshAttempt a, RefreshAttempt.End how, Instant now,
      List<Runnable> after) {
    if (how instanceof RefreshAttempt.End.Success s) {
      ZoneSnapshot h = held.get();
      boolean transferred = !(s.outcome() instanceof TransferOutcome.UpToDate);
      schedule.succeeded(h == null ? loadingTimers() : timersOf(h), now, s.expire(),
          transferred);
      lastSuccess = now;
      // an EDNS EXPIRE of 0: the primary's own copy has expired, so ours stays expired
      boolean zero = s.expire().map(Duration::isZero).orElse(false);
      if (expired && !zero && h != null) {
        expired = false;
        LOG.info("zone {}: recovered, serving serial {} again", zone(), h.serial());
        ReplicaEvent e = new ReplicaEvent.Recovered(zone(), now, h.serial());
        after.add(() -> engine.emit(e));
      }
      after.add(() -> a.result().complete(s.outcome()));
      return;
    }
    if (how instanceof RefreshAttempt.End.Failure fl) {
      ZoneSnapshot h = held.get();
      schedule.failed(h == null ? loadingTimers() : timersOf(h), now);
      lastFailure = now;
      lastFailureReason = fl.error() instanceof TransferException te ? te.reason()
          : String.valueOf(fl.error().getMessage());
      LOG.info("zone {}: refresh failed ({}), next attempt at {}", zone(), lastFailureReason,
          schedule.nextRefresh());
      ReplicaEvent e = new ReplicaEvent.RefreshFailed(zone(), now, lastFailureReason,
          schedule.failures(), schedule.nextRefresh());
      after.add(() -> engine.emit(e));
      CompletionException ce = new CompletionException(fl.error());
      after.add(() -> a.result().completeExceptionally(ce));
      if (retransferNext) {
        // an operator's retransfer asked meanwhile goes ahead now, not after the retry
        schedule.refreshRequested(now);
        return;
      }
      // the schedule drops a follow-up asked for during a failing attempt: the retry is it
      urgentNext = false;
      CompletableFuture<TransferOutcome> dropped = followUp;
      if (dropped != null) {
        followUp = null;
        after.add(() -> dropped.completeExceptionally(ce));
      }
      return;
    }
    schedule.aborted(now);
    after.add(() -> a.result().completeExceptionally(new CompletionException(
        new TransferConnectionException("refresh of zone " + zone() + " was cancelled",
            zone(), null, null))));
  }

  private SoaTimers timersOf(ZoneSnapshot s) {
    return SoaTimers.of((SOARecord) s.soa(), config.timerBounds());
  }

  /** While loading, retry like BIND: from one minute, doubling up to six hours. */
  private SoaTimers loadingTimers() {
    return config.loadingTimers();
  }

  /** Saves the timers; guarded by this. A store failure is logged: timers are advisory. */
  private void persist() {
    if (engine.store() == null || held.get() == null) {
      return;
    }
    RefreshSchedule.Snapshot p = schedule.persisted();
    ReplicaTimers t = new ReplicaTimers(p.nextRefresh(), p.expiresAt(),
        p.phase() == Phase.EXPIRED && p.expiresAt().isPresent(), p.failures(),
        Optional.ofNullable(source), Optional.ofNullable(lastSuccess));
    try {
      engine.store().saveTimers(zone(), t);
    } catch (ReplicaStoreException | RuntimeException e) {
      // timers are advisory: the zone's own timer must go on (a closed store, a full disk)
      Loggers.JOURNAL.warn("zone {}: cannot save refresh timers: {}", zone(), e.toString());
    }
  }

  /**
   * Returns the seconds until the served version expires (at least 0), the EDNS EXPIRE a
   * secondary answers with (RFC 7314 section 4); empty while nothing is held.
   */
  synchronized OptionalLong expireSeconds() {
    if (held.get() == null || expired) {
      return held.get() == null ? OptionalLong.empty() : OptionalLong.of(0);
    }
    Optional<Instant> at = schedule.expiresAt();
    if (at.isEmpty()) {
      return OptionalLong.empty();
    }
    long s = Duration.between(engine.clock().instant(), at.get()).getSeconds();
    return OptionalLong.of(Math.max(0, Math.min(s, 0xFFFF_FFFFL)));
  }

  @Override
  public ZoneStatus status() {
    Instant now = engine.clock().instant();
    synchronized (this) {
      ZoneSnapshot h = held.get();
      Optional<Instant> expiresAt = h == null ? Optional.empty() : schedule.expiresAt();
      return new ZoneStatus(zone(), state(), Optional.ofNullable(h).map(ZoneSnapshot::serial),
          Optional.ofNullable(source), Optional.ofNullable(lastSuccess),
          Optional.ofNullable(lastFailure), Optional.ofNullable(lastFailureReason),
          attempt != null ? Optional.empty() : Optional.of(schedule.nextRefresh()),
          expiresAt, attempt != null, schedule.failures(),
          counters.snapshot(now, Optional.ofNullable(lastSuccess),
              expired ? Optional.of(now) : expiresAt));
    }
  }

  @Override
  public ZoneSnapshot awaitCurrent(Duration timeout)
      throws TransferException, InterruptedException, TimeoutException {
    long deadline = engine.nanoTime().getAsLong() + timeout.toNanos();
    while (true) {
      ZoneSnapshot s = current().orElse(null);
      if (s != null) {
        return s;
      }
      if (closed) {
        throw new IllegalStateException("zone " + zone() + " is closed");
      }
      long left = deadline - engine.nanoTime().getAsLong();
      if (left <= 0) {
        throw new TimeoutException("zone " + zone() + " has no version to serve after "
            + timeout + " (state " + state() + ")");
      }
      CompletableFuture<TransferOutcome> f;
      synchronized (this) {
        f = attempt != null ? attempt.result() : null;
      }
      if (f == null) {
        f = refresh();
      }
      try {
        f.get(left, TimeUnit.NANOSECONDS);
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

  /**
   * Stops the zone: no timer fires again, the running attempt is cancelled (its socket closed),
   * and once this returns nothing is written to the store for the zone.
   */
  void close() {
    RefreshAttempt running;
    CompletableFuture<TransferOutcome> pending;
    synchronized (this) {
      closed = true;
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
      running = attempt;
      pending = followUp;
      followUp = null;
    }
    if (running != null) {
      running.cancel();
      running.result().completeExceptionally(new CompletionException(closedError()));
    }
    if (pending != null) {
      pending.completeExceptionally(new CompletionException(closedError()));
    }
    synchronized (publishLock) {
      // waits for a store write in progress; every later one sees closed and does not write
    }
  }

  private TransferConnectionException closedError() {
    return new TransferConnectionException("zone " + zone() + " is closed", zone(), null, null);
  }

  @Override
  public String toString() {
    return "ZoneReplica[" + zone() + ", " + state() + "]";
  }
}
