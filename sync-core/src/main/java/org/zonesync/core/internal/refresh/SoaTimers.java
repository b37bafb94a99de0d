// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.xbill.DNS.SOARecord;

/**
 * The timers of an SOA (RFC 1035 section 3.3.13) as a secondary uses them, clamped as BIND clamps
 * them, so that a hostile or careless primary can neither make us poll in a tight loop nor keep
 * a dead zone alive for years (TESTPLAN D13): refresh in [300 s, 4 weeks], retry in [500 s,
 * 2 weeks], expire in [refresh + retry, 24 weeks] (BIND {@code zone.c}, {@code RANGE} and
 * {@code DNS_MAX_EXPIRE}). The minimum field is the negative-caching TTL (RFC 2308 section 4),
 * which a secondary does not schedule by, and is passed through.
 *
 * <p>Also the two scheduling helpers the refresh engine needs: {@link #jitter} spreads the
 * refreshes of many zones, {@link #backoff} spaces the retries against a failing primary
 * (TESTPLAN D10). Pure functions: no clock, no state.
 *
 * @param refresh the clamped refresh interval
 * @param retry the clamped retry interval
 * @param expire the clamped expire interval, at least {@code refresh + retry}
 * @param minimum the SOA minimum field, unclamped
 */
public record SoaTimers(Duration refresh, Duration retry, Duration expire, Duration minimum) {

  private static final long MAX_UINT32 = 0xFFFF_FFFFL;
  /** The largest base {@link #jitter} takes: the nanoseconds must fit a long. */
  private static final Duration MAX_JITTER_BASE = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * The clamping bounds.
   *
   * @param minRefresh the shortest refresh
   * @param maxRefresh the longest refresh
   * @param minRetry the shortest retry
   * @param maxRetry the longest retry
   * @param maxExpire the longest expire; the shortest is always refresh + retry
   */
  public record Bounds(Duration minRefresh, Duration maxRefresh, Duration minRetry,
      Duration maxRetry, Duration maxExpire) {

    /** BIND's defaults: refresh 300 s to 4 weeks, retry 500 s to 2 weeks, expire up to 24 weeks. */
    public static final Bounds BIND = new Bounds(Duration.ofSeconds(300),
        Duration.ofSeconds(2_419_200), Duration.ofSeconds(500), Duration.ofSeconds(1_209_600),
        Duration.ofSeconds(14_515_200));

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a minimum is not positive (zero would allow a tight
     *     loop), a minimum exceeds its maximum, or {@code maxRefresh + maxRetry} exceeds
     *     {@code maxExpire} (the expire range would be empty)
     */
    public Bounds {
      requireNonNull(minRefresh, "minRefresh");
      requireNonNull(maxRefresh, "maxRefresh");
      requireNonNull(minRetry, "minRetry");
      requireNonNull(maxRetry, "maxRetry");
      requireNonNull(maxExpire, "maxExpire");
      if (!isPositive(minRefresh) || !isPositive(minRetry)) {
        throw new IllegalArgumentException("minimum refresh " + minRefresh + " and retry "
            + minRetry + " must be positive");
      }
      if (minRefresh.compareTo(maxRefresh) > 0 || minRetry.compareTo(maxRetry) > 0) {
        throw new IllegalArgumentException("refresh range " + minRefresh + ".." + maxRefresh
            + " or retry range " + minRetry + ".." + maxRetry + " is empty");
      }
      if (maxRefresh.plus(maxRetry).compareTo(maxExpire) > 0) {
        throw new IllegalArgumentException("maximum expire " + maxExpire
            + " is below maximum refresh + retry " + maxRefresh.plus(maxRetry));
      }
    }
  }

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if a duration is negative
   */
  public SoaTimers {
    requireNonNull(refresh, "refresh");
    requireNonNull(retry, "retry");
    requireNonNull(expire, "expire");
    requireNonNull(minimum, "minimum");
    if (refresh.isNegative() || retry.isNegative() || expire.isNegative() || minimum.isNegative()) {
      throw new IllegalArgumentException("soa timers " + refresh + "/" + retry + "/" + expire + "/"
          + minimum + " include a negative duration");
    }
  }

  /**
   * Clamps the timers of an SOA with BIND's bounds.
   *
   * @param soa the SOA
   * @return the timers
   */
  public static SoaTimers of(SOARecord soa) {
    return of(soa, Bounds.BIND);
  }

  /**
   * Clamps the timers of an SOA.
   *
   * @param soa the SOA
   * @param bounds the bounds
   * @return the timers
   */
  public static SoaTimers of(SOARecord soa, Bounds bounds) {
    return clamp(soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum(), bounds);
  }

  /**
   * Clamps SOA timer fields given in seconds, as on the wire.
   *
   * @param refresh the REFRESH field, 0..2^32-1
   * @param retry the RETRY field, 0..2^32-1
   * @param expire the EXPIRE field, 0..2^32-1
   * @param minimum the MINIMUM field, 0..2^32-1
   * @param bounds the bounds
   * @return the timers
   * @throws IllegalArgumentException if a field is outside 0..2^32-1
   */
  public static SoaTimers clamp(long refresh, long retry, long expire, long minimum,
      Bounds bounds) {
    requireNonNull(bounds, "bounds");
    for (long v : new long[] {refresh, retry, expire, minimum}) {
      if (v < 0 || v > MAX_UINT32) {
        throw new IllegalArgumentException("soa timer " + v + " is outside 0.." + MAX_UINT32);
      }
    }
    Duration rf = range(Duration.ofSeconds(refresh), bounds.minRefresh(), bounds.maxRefresh());
    Duration rt = range(Duration.ofSeconds(retry), bounds.minRetry(), bounds.maxRetry());
    Duration ex = range(Duration.ofSeconds(expire), rf.plus(rt), bounds.maxExpire());
    return new SoaTimers(rf, rt, ex, Duration.ofSeconds(minimum));
  }

  /**
   * Returns {@code base} shortened by a uniformly random amount of up to {@code fraction} of
   * it, so that zones loaded together do not refresh together. BIND refreshes up to 20 % early
   * ({@code fraction} 0.2). The result is never longer than {@code base}.
   *
   * @param base the interval, 0 up to about 292 years (nanoseconds must fit a long)
   * @param fraction how much may be cut, 0..1
   * @param rnd the random source
   * @return a duration in {@code [base - fraction * base, base]}
   * @throws IllegalArgumentException if {@code base} is negative or too long, or {@code fraction}
   *     is outside 0..1 or NaN
   */
  public static Duration jitter(Duration base, double fraction, RandomGenerator rnd) {
    requireNonNull(base, "base");
    requireNonNull(rnd, "rnd");
    if (base.isNegative() || base.compareTo(MAX_JITTER_BASE) > 0) {
      throw new IllegalArgumentException("jitter base " + base + " is negative or too long");
    }
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("jitter fraction " + fraction + " is outside 0..1");
    }
    long nanos = base.toNanos();
    long spread = (long) Math.floor(nanos * fraction);
    spread = Math.min(spread, nanos); // rounding of large values may overshoot by a little
    if (spread <= 0) {
      return base;
    }
    long cut = spread == Long.MAX_VALUE ? rnd.nextLong(spread) : rnd.nextLong(spread + 1);
    return base.minusNanos(cut);
  }

  /**
   * Returns the wait before the next attempt after {@code failures} consecutive failures:
   * {@code retry}, then doubling ({@code retry * 2^(failures - 1)}), capped at {@code max}, and
   * never below {@code retry}, so a primary that always fails is not polled in a tight loop
   * (TESTPLAN D10; NSD doubles likewise). Combine with {@link #jitter} to spread the retries.
   *
   * @param failures consecutive failures so far, 0 or more (0 and 1 both give {@code retry})
   * @param retry the base interval, positive (normally the clamped SOA retry)
   * @param max the cap; when below {@code retry}, {@code retry} wins
   * @return the wait, in {@code [retry, max(retry, max)]}
   * @throws IllegalArgumentException if {@code failures} is negative or {@code retry} is not
   *     positive
   */
  public static Duration backoff(int failures, Duration retry, Duration max) {
    requireNonNull(retry, "retry");
    requireNonNull(max, "max");
    if (failures < 0) {
      throw new IllegalArgumentException("failure count " + failures + " is negative");
    }
    if (!isPositive(retry)) {
      throw new IllegalArgumentException("retry " + retry + " is not positive");
    }
    Duration cap = max.compareTo(retry) < 0 ? retry : max;
    Duration d = retry;
    for (int i = 1; i < failures && d.compareTo(cap) < 0; i++) {
      d = d.compareTo(cap.dividedBy(2)) > 0 ? cap : d.multipliedBy(2);
    }
    return d.compareTo(cap) > 0 ? cap : d;
  }

  private static Duration range(Duration v, Duration min, Duration max) {
    // BIND's RANGE: the minimum wins when the two cross, never the hostile value
    if (v.compareTo(min) < 0) {
      return min;
    }
    return v.compareTo(max) > 0 ? max : v;
  }

  private static boolean isPositive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }
}
