// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/** SoaTimers: BIND's clamping (TESTPLAN D13), jitter and backoff (D10). */
final class SoaTimersTest {

  private static final long MAX = 0xFFFF_FFFFL;
  private static final long WEEK = 7 * 86_400L;

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Nested
  final class Clamping {
    @ParameterizedTest(name = "soa {0}/{1}/{2} -> {3}/{4}/{5}")
    @CsvSource({
        // refresh, retry, expire -> refresh, retry, expire (seconds); hostile SOAs from D13
        "0,          0,          0,          300,     500,     800",
        "4294967295, 4294967295, 4294967295, 2419200, 1209600, 14515200",
        "86400,      7200,       3600,       86400,   7200,    93600", // expire < refresh
        "3600,       900,        1209600,    3600,    900,     1209600", // sane: unchanged
        "299,        499,        799,        300,     500,     800", // just below every floor
        "2419201,    1209601,    14515201,   2419200, 1209600, 14515200", // just above the caps
        "2419200,    1209600,    0,          2419200, 1209600, 3628800", // expire floor at the caps
    })
    void clamp_appliesBindRanges(long rf, long rt, long ex, long wantRf, long wantRt,
        long wantEx) {
      SoaTimers t = SoaTimers.clamp(rf, rt, ex, 300, SoaTimers.Bounds.BIND);
      assertEquals(s(wantRf), t.refresh());
      assertEquals(s(wantRt), t.retry());
      assertEquals(s(wantEx), t.expire());
      assertEquals(s(300), t.minimum());
    }

    @Test
    void bindBounds_areFourAndTwoAndTwentyFourWeeks() {
      SoaTimers.Bounds b = SoaTimers.Bounds.BIND;
      assertEquals(s(300), b.minRefresh());
      assertEquals(s(4 * WEEK), b.maxRefresh());
      assertEquals(s(500), b.minRetry());
      assertEquals(s(2 * WEEK), b.maxRetry());
      assertEquals(s(24 * WEEK), b.maxExpire());
    }

    @Test
    void of_readsTheSoaFields_minimumUnclamped() {
      SOARecord soa = new SOARecord(Name.fromConstantString("example.com."), DClass.IN, 3600,
          Name.fromConstantString("ns1.example.com."), Name.fromConstantString("h.example.com."),
          1, 0, MAX, 10, MAX);
      SoaTimers t = SoaTimers.of(soa);
      assertEquals(new SoaTimers(s(300), s(2 * WEEK), s(300 + 2 * WEEK), s(MAX)), t);
    }

    @Test
    void clamp_usesCustomBounds_likeKnotFloors() {
      SoaTimers.Bounds knot = new SoaTimers.Bounds(s(2), s(4 * WEEK), s(1), s(2 * WEEK),
          s(24 * WEEK));
      SoaTimers t = SoaTimers.clamp(0, 0, 0, 0, knot);
      assertEquals(new SoaTimers(s(2), s(1), s(3), s(0)), t);
    }

    @Test
    void bounds_rejectZeroFloorsAndEmptyRanges() {
      assertThrows(IllegalArgumentException.class,
          () -> new SoaTimers.Bounds(s(0), s(10), s(1), s(10), s(100)));
      assertThrows(IllegalArgumentException.class,
          () -> new SoaTimers.Bounds(s(20), s(10), s(1), s(10), s(100)));
      assertThrows(IllegalArgumentException.class,
          () -> new SoaTimers.Bounds(s(1), s(60), s(1), s(60), s(100)));
    }

    @Test
    void clamp_rejectsFieldsOutsideUnsigned32() {
      assertThrows(IllegalArgumentException.class,
          () -> SoaTimers.clamp(-1, 0, 0, 0, SoaTimers.Bounds.BIND));
      assertThrows(IllegalArgumentException.class,
          () -> SoaTimers.clamp(0, 0, 0, MAX + 1, SoaTimers.Bounds.BIND));
    }
  }

  @Nested
  final class Jitter {
    @Test
    void jitter_staysWithinTwentyPercentBelowBase_overManySeeds() {
      Duration base = s(3600);
      Duration floor = s(2880);
      Duration lowest = base;
      Duration highest = Duration.ZERO;
      for (long seed = 0; seed < 2000; seed++) {
        Duration d = SoaTimers.jitter(base, 0.2, new SplittableRandom(seed));
        assertTrue(d.compareTo(floor) >= 0 && d.compareTo(base) <= 0, d + " for seed " + seed);
        lowest = d.compareTo(lowest) < 0 ? d : lowest;
        highest = d.compareTo(highest) > 0 ? d : highest;
      }
      // the spread is used: over 2000 draws both ends come within 1 % of the bounds
      assertTrue(lowest.compareTo(s(2880 + 8)) < 0, "lowest " + lowest);
      assertTrue(highest.compareTo(s(3600 - 8)) > 0, "highest " + highest);
    }

    @Test
    void jitter_returnsBase_forZeroFractionOrZeroBase() {
      RandomGenerator rnd = new SplittableRandom(1);
      assertEquals(s(900), SoaTimers.jitter(s(900), 0, rnd));
      assertEquals(Duration.ZERO, SoaTimers.jitter(Duration.ZERO, 0.2, rnd));
    }

    @Test
    void jitter_neverNegative_atFullFractionAndHugeBase() {
      Duration huge = Duration.ofNanos(Long.MAX_VALUE);
      for (long seed = 0; seed < 200; seed++) {
        Duration d = SoaTimers.jitter(huge, 1.0, new SplittableRandom(seed));
        assertTrue(!d.isNegative() && d.compareTo(huge) <= 0, d.toString());
      }
    }

    @Test
    void jitter_rejectsBadArguments() {
      RandomGenerator rnd = new SplittableRandom(1);
      assertThrows(IllegalArgumentException.class, () -> SoaTimers.jitter(s(-1), 0.2, rnd));
      assertThrows(IllegalArgumentException.class, () -> SoaTimers.jitter(s(1), 1.5, rnd));
      assertThrows(IllegalArgumentException.class, () -> SoaTimers.jitter(s(1), Double.NaN, rnd));
      assertThrows(IllegalArgumentException.class,
          () -> SoaTimers.jitter(Duration.ofDays(365L * 300), 0.2, rnd));
    }
  }

  @Nested
  final class Backoff {
    @Test
    void backoff_doublesFromRetry_thenStaysAtCap() {
      Duration retry = s(10);
      Duration max = s(86_400); // NSD's curve: 10 s doubling to a day
      Duration prev = Duration.ZERO;
      for (int n = 0; n <= 40; n++) {
        Duration d = SoaTimers.backoff(n, retry, max);
        assertTrue(d.compareTo(prev) >= 0, "not monotone at " + n + ": " + prev + " > " + d);
        assertTrue(d.compareTo(retry) >= 0 && d.compareTo(max) <= 0, d + " at " + n);
        long expected = Math.min(86_400, 10L << Math.max(0, Math.min(n - 1, 30)));
        assertEquals(s(expected), d, "failures " + n);
        prev = d;
      }
    }

    @Test
    void backoff_neverBelowRetry_whenCapIsSmaller() {
      assertEquals(s(500), SoaTimers.backoff(7, s(500), s(60)));
    }

    @Test
    void backoff_isCapped_atHugeFailureCounts() {
      assertEquals(s(7200), SoaTimers.backoff(Integer.MAX_VALUE, s(1), s(7200)));
      assertEquals(Duration.ofNanos(Long.MAX_VALUE),
          SoaTimers.backoff(Integer.MAX_VALUE, s(1), Duration.ofNanos(Long.MAX_VALUE)));
    }

    @Test
    void backoff_rejectsZeroRetryAndNegativeCount() {
      assertThrows(IllegalArgumentException.class, () -> SoaTimers.backoff(1, Duration.ZERO, s(9)));
      assertThrows(IllegalArgumentException.class, () -> SoaTimers.backoff(-1, s(1), s(9)));
    }
  }
}
