// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The timers of one secondary zone as a pure state machine ("The life of a secondary zone" in
 * DESIGN.md; RFC 1034 section 4.3.5, RFC 1996, RFC 7314): when to refresh, when to retry, when
 * the zone expires. No clock and no I/O: every event takes the wall-clock {@code now}, and the
 * deadlines are absolute instants so that they can be persisted and survive a restart, as Knot's
 * timers do (TESTPLAN E14). Not thread-safe: the engine serialises the calls for a zone.
 *
 * <p>Clock steps (TESTPLAN F10): an event whose {@code now} is earlier than an earlier one is
 * taken at face value; deadlines only move by non-negative durations added to that {@code now},
 * the interval to the next refresh is at least one second, and {@link #delayUntilWakeUp} clamps to zero, so a
 * clock stepped back gives a longer wait and a clock stepped forward an early refresh, never a
 * negative delay or a tight loop. The engine should wait on a monotonic source for the delay.
 */
public final class RefreshSchedule {

  /** Where the zone is in its life. */
  public enum Phase {
    /** No version yet: the first transfer has not succeeded. */
    LOADING,
    /** A version is being served and has not expired. */
    SERVING,
    /** The expire timer passed without a successful refresh; answers SERVFAIL, keeps data. */
    EXPIRED
  }

  /** What {@link #tick} asks the engine to do. */
  public enum Action {
    /** Nothing is due; wait until {@link #nextWakeUp}. */
    NOTHING,
    /** A refresh is due: call {@link #begin} and query the primaries. */
    REFRESH,
    /**
     * The zone has just expired (log "zone expired" at ERROR, stop answering for it). Call
     * {@link #tick} again at once: a refresh may be due as well.
     */
    EXPIRE
  }

  /**
   * The persisted form of a schedule, for the store.
   *
   * @param phase the phase
   * @param nextRefresh when the next refresh was due
   * @param expiresAt when the served version expires, empty while loading
   * @param failures consecutive failed refreshes, 0 or more
   */
  public record Snapshot(Phase phase, Instant nextRefresh, Optional<Instant> expiresAt,
      int failures) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if {@code failures} is negative
     */
    public Snapshot {
      requireNonNull(phase, "phase");
      requireNonNull(nextRefresh, "nextRefresh");
      requireNonNull(expiresAt, "expiresAt");
      if (failures < 0) {
        throw new IllegalArgumentException("failure count " + failures + " is negative");
      }
    }
  }

  /** BIND refreshes up to 20 % early so that zones loaded together do not refresh together. */
  static final double JITTER = 0.2;
  /**
   * The shortest interval this class schedules, whatever timers it is given: a last defence
   * against a tight loop when timers bypass {@link SoaTimers#clamp} (Knot floors at 1-3 s).
   */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private final RandomGenerator rnd;
  private Phase phase = Phase.LOADING;
  private Instant nextRefresh = Instant.EPOCH;
  private @Nullable Instant expiresAt;
  private int failures;
  private boolean running;
  private boolean refreshPending;

  /**
   * Creates a schedule in {@link Phase#LOADING}; call {@link #start} before anything else.
   *
   * @param rnd the random source for jitter (inject a seeded one in tests)
   */
  public RefreshSchedule(RandomGenerator rnd) {
    this.rnd = requireNonNull(rnd, "rnd");
  }

  /**
   * Restores a persisted schedule: a new schedule, then {@link #start}.
   *
   * @param persisted what the store held, empty for a zone never scheduled
   * @param heldTimers the SOA timers of the version held on disk, empty if there is none
   * @param now the current time
   * @param rnd the random source for jitter
   * @return the started schedule
   */
  public static RefreshSchedule restore(Optional<Snapshot> persisted,
      Optional<SoaTimers> heldTimers, Instant now, RandomGenerator rnd) {
    RefreshSchedule s = new RefreshSchedule(rnd);
    s.start(persisted, heldTimers, now);
    return s;
  }

  /**
   * Starts (or restarts) the schedule. A serving zone keeps its persisted next refresh, as
   * Knot's timer database does, so that thousands of zones restarted together do not all query
   * their primaries at once; that instant is capped at {@code now + refresh} (a clock stepped
   * back, or timers from a longer refresh). Every other start refreshes at once: a zone without
   * a version, without persisted timers, or expired. Without a held version the zone is
   * {@link Phase#LOADING}. With one it
   * is {@link Phase#SERVING}, but the persisted expiry is kept (TESTPLAN E14): a zone persisted
   * as {@link Phase#EXPIRED}, or whose persisted {@code expiresAt} is at or before {@code now},
   * is {@link Phase#EXPIRED} until a refresh succeeds. A held version without persisted timers
   * (a store written before timers were) expires {@code expire} after {@code now}. The persisted
   * failure count is kept, so a restart does not reset the backoff after this first attempt.
   *
   * @param persisted the persisted schedule, empty if none
   * @param heldTimers the SOA timers of the held version, empty if the zone has no version
   * @param now the current time
   */
  public void start(Optional<Snapshot> persisted, Optional<SoaTimers> heldTimers, Instant now) {
    requireNonNull(persisted, "persisted");
    requireNonNull(heldTimers, "heldTimers");
    requireNonNull(now, "now");
    running = false;
    refreshPending = false;
    nextRefresh = now;
    failures = persisted.map(Snapshot::failures).orElse(0);
    if (heldTimers.isEmpty()) {
      phase = Phase.LOADING;
      expiresAt = null;
      return;
    }
    Optional<Instant> kept = persisted.flatMap(Snapshot::expiresAt);
    expiresAt = kept.orElseGet(() -> now.plus(atLeastMin(heldTimers.get().expire())));
    boolean wasExpired = persisted.map(p -> p.phase() == Phase.EXPIRED).orElse(false);
    phase = wasExpired || !expiresAt.isAfter(now) ? Phase.EXPIRED : Phase.SERVING;
    if (phase == Phase.SERVING && persisted.isPresent()) {
      Instant cap = now.plus(atLeastMin(heldTimers.get().refresh()));
      Instant kept2 = persisted.get().nextRefresh();
      nextRefresh = kept2.isAfter(cap) ? cap : kept2.isBefore(now) ? now : kept2;
    }
  }

  /**
   * Notes that the running attempt was called off (an operator's retransfer, the zone removed):
   * no failure is counted and the next refresh is due at once.
   *
   * @param now the current time
   */
  public void aborted(Instant now) {
    requireNonNull(now, "now");
    running = false;
    refreshPending = false;
    nextRefresh = now;
  }

  /**
   * Notes that a refresh attempt starts.
   *
   * @param now the current time
   * @return true if it may start; false if one is already running, in which case exactly one
   *     follow-up refresh is queued instead (TESTPLAN G1)
   */
  public boolean begin(Instant now) {
    requireNonNull(now, "now");
    if (running) {
      refreshPending = true;
      return false;
    }
    running = true;
    return true;
  }

  /**
   * Notes a successful refresh (the primary's serial was not newer, or a transfer was applied).
   * The next refresh is {@code refresh} shortened by up to 20 % of jitter, or {@code now} if a
   * NOTIFY or request arrived meanwhile.
   *
   * <p>Expiry with EDNS EXPIRE (RFC 7314 section 4, TESTPLAN F8): the candidate expiry is
   * {@code now + min(timers.expire, primaryExpire)}, since a primary that is itself a secondary
   * reports how long its own copy remains valid, and ours must not outlive it (downstream
   * expires no later than upstream). The candidate only ever prolongs the running expire timer
   * of a {@link Phase#SERVING} zone: {@code expiresAt = max(expiresAt, candidate)}, so a shorter
   * EXPIRE in an answer does not cut the current timer short, while answers alone keep
   * prolonging it. For a loading or expired zone the candidate is taken as is.
   *
   * @param timers the clamped SOA timers of the version now served
   * @param now the current time
   * @param primaryExpire the EDNS EXPIRE value of the answer, empty if the primary sent none
   */
  public void succeeded(SoaTimers timers, Instant now, Optional<Duration> primaryExpire) {
    succeeded(timers, now, primaryExpire, false);
  }

  /**
   * Notes a successful refresh, as {@link #succeeded(SoaTimers, Instant, Optional)}; when it
   * brought a new version ({@code transferred}) the expire timer restarts from the new
   * version's values (as BIND does after a transfer), so a new SOA with a shorter expire, or a
   * transfer answer with a shorter EDNS EXPIRE (RFC 7314 section 4), does take effect.
   *
   * @param timers the clamped SOA timers of the version now served
   * @param now the current time
   * @param primaryExpire the EDNS EXPIRE value of the answer, empty if the primary sent none
   * @param transferred whether a new version was transferred
   */
  public void succeeded(SoaTimers timers, Instant now, Optional<Duration> primaryExpire,
      boolean transferred) {
    requireNonNull(timers, "timers");
    requireNonNull(now, "now");
    requireNonNull(primaryExpire, "primaryExpire");
    Duration expire = timers.expire();
    if (primaryExpire.isPresent() && primaryExpire.get().compareTo(expire) < 0) {
      expire = primaryExpire.get().isNegative() ? Duration.ZERO : primaryExpire.get();
    }
    Instant candidate = now.plus(expire);
    if (!transferred && phase == Phase.SERVING && expiresAt != null
        && expiresAt.isAfter(candidate)) {
      candidate = expiresAt;
    }
    expiresAt = candidate;
    phase = Phase.SERVING;
    running = false;
    failures = 0;
    if (refreshPending) {
      refreshPending = false;
      nextRefresh = now;
    } else {
      nextRefresh = now.plus(atLeastMin(SoaTimers.jitter(timers.refresh(), JITTER, rnd)));
    }
  }

  /**
   * Notes a failed refresh (every primary unreachable, refused, or the transfer rejected). The
   * next attempt is after {@link SoaTimers#backoff} of the failures so far (retry, doubling, up
   * to {@code refresh}) with jitter, and never sooner than {@code retry} (TESTPLAN D10): the
   * jitter cuts up to 20 % off the backoff, and a cut that would go below {@code retry} is
   * mirrored above it instead (still within the cap), so even first retries are spread. A
   * follow-up queued during the attempt is dropped: the retry is the follow-up, so NOTIFYs
   * cannot make a failing primary be polled in a loop. The phase does not change: a serving
   * zone serves until it expires (TESTPLAN F3).
   *
   * @param timersOrDefaults the held version's timers, or configured defaults while loading
   * @param now the current time
   */
  public void failed(SoaTimers timersOrDefaults, Instant now) {
    requireNonNull(timersOrDefaults, "timersOrDefaults");
    requireNonNull(now, "now");
    running = false;
    refreshPending = false;
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    nextRefresh = now.plus(retryDelay(failures, timersOrDefaults, rnd));
  }

  /**
   * The wait after {@code failures} consecutive failures: in {@code [retry, max(retry,
   * refresh)]}, at least 80 % of {@link SoaTimers#backoff}. Package-private for the tests.
   */
  static Duration retryDelay(int failures, SoaTimers timers, RandomGenerator rnd) {
    Duration retry = atLeastMin(timers.retry());
    Duration cap = timers.refresh().compareTo(retry) < 0 ? retry : timers.refresh();
    Duration b = SoaTimers.backoff(failures, retry, cap);
    Duration d = SoaTimers.jitter(b, JITTER, rnd);
    if (d.compareTo(retry) < 0) {
      d = retry.plus(retry.minus(d));
    }
    return d.compareTo(cap) > 0 ? cap : d;
  }

  /**
   * Notes a NOTIFY whose serial may be newer (RFC 1996 section 3.11): refresh now if no refresh
   * is running, otherwise queue exactly one follow-up however many arrive (TESTPLAN G1).
   *
   * @param now the current time
   */
  public void notified(Instant now) {
    requireNonNull(now, "now");
    if (running) {
      refreshPending = true;
    } else {
      nextRefresh = now;
    }
  }

  /**
   * Notes an operator's request to refresh; the same as {@link #notified}.
   *
   * @param now the current time
   */
  public void refreshRequested(Instant now) {
    notified(now);
  }

  /**
   * Advances the schedule to {@code now}. A serving zone whose {@code expiresAt} is at or before
   * {@code now} becomes {@link Phase#EXPIRED} (RFC 1034 section 4.3.5) and {@link Action#EXPIRE}
   * is returned once, at that transition. Otherwise {@link Action#REFRESH} if no refresh is
   * running and {@code nextRefresh} is at or before {@code now}, else {@link Action#NOTHING},
   * after which {@link #nextWakeUp} is after {@code now} or empty.
   *
   * @param now the current time
   * @return what to do
   */
  public Action tick(Instant now) {
    requireNonNull(now, "now");
    if (phase == Phase.SERVING && expiresAt != null && !expiresAt.isAfter(now)) {
      phase = Phase.EXPIRED;
      return Action.EXPIRE;
    }
    if (!running && !nextRefresh.isAfter(now)) {
      return Action.REFRESH;
    }
    return Action.NOTHING;
  }

  /**
   * The instant at which {@link #tick} should next be called: the earlier of the next refresh
   * (unless a refresh is running: its end is an event of its own) and the expiry (only while
   * serving: an expired zone has nothing left to expire).
   *
   * @return the instant, or empty when only the running refresh's end can change anything
   */
  public Optional<Instant> nextWakeUp() {
    Instant w = running ? null : nextRefresh;
    if (phase == Phase.SERVING && expiresAt != null && (w == null || expiresAt.isBefore(w))) {
      w = expiresAt;
    }
    return Optional.ofNullable(w);
  }

  /**
   * The wait from {@code now} until {@link #nextWakeUp}, clamped to zero when that instant has
   * passed (a clock stepped forward, or a due action), so never negative (TESTPLAN F10).
   *
   * @param now the current time
   * @return the wait, or empty when only the running refresh's end can change anything
   */
  public Optional<Duration> delayUntilWakeUp(Instant now) {
    requireNonNull(now, "now");
    return nextWakeUp().map(w -> w.isAfter(now) ? Duration.between(now, w) : Duration.ZERO);
  }

  /**
   * The state to persist.
   *
   * @return the snapshot
   */
  public Snapshot persisted() {
    return new Snapshot(phase, nextRefresh, Optional.ofNullable(expiresAt), failures);
  }

  /**
   * The phase.
   *
   * @return the phase
   */
  public Phase phase() {
    return phase;
  }

  /**
   * When the next refresh is due (meaningless while one is running).
   *
   * @return the instant
   */
  public Instant nextRefresh() {
    return nextRefresh;
  }

  /**
   * When the served version expires.
   *
   * @return the instant, empty while loading
   */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /**
   * Consecutive failed refreshes since the last success.
   *
   * @return the count, 0 or more
   */
  public int failures() {
    return failures;
  }

  /**
   * Whether a refresh attempt is running.
   *
   * @return true between {@link #begin} and {@link #succeeded} or {@link #failed}
   */
  public boolean running() {
    return running;
  }

  /**
   * Whether a follow-up refresh is queued behind the running one.
   *
   * @return true if a NOTIFY or request arrived during the running attempt
   */
  public boolean refreshPending() {
    return refreshPending;
  }

  private static Duration atLeastMin(Duration d) {
    return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d;
  }
}
