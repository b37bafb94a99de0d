// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zonesync.core.internal.refresh.RefreshSchedule.Action;
import org.zonesync.core.internal.refresh.RefreshSchedule.Phase;
import org.zonesync.core.internal.refresh.RefreshSchedule.Snapshot;

/** RefreshSchedule in simulated time (TESTPLAN D10, D13, E14, F3, F8, F10, G1). */
final class RefreshScheduleTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** refresh 3600 s, retry 600 s, expire 7200 s. */
  private static final SoaTimers TIMERS =
      SoaTimers.clamp(3600, 600, 7200, 300, SoaTimers.Bounds.BIND);

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  /** A schedule serving since T0 with TIMERS, idle. */
  private static RefreshSchedule serving(RandomGenerator rnd) {
    RefreshSchedule r = RefreshSchedule.restore(Optional.empty(), Optional.empty(), T0, rnd);
    assertTrue(r.begin(T0));
    r.succeeded(TIMERS, T0, Optional.empty());
    return r;
  }

  /** A generator whose jitter never cuts: {@code nextLong(bound)} returns 0. */
  private static RandomGenerator noCut() {
    return () -> 0L;
  }

  @Nested
  final class Start {
    @Test
    void start_withoutVersion_isLoadingAndRefreshesNow() {
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.empty(), Optional.empty(), T0, new SplittableRandom(1));
      assertEquals(Phase.LOADING, r.phase());
      assertEquals(Action.REFRESH, r.tick(T0));
      assertEquals(Optional.empty(), r.expiresAt());
    }

    @Test
    void start_withVersion_isServingKeepsPersistedRefreshAndExpiry() {
      Snapshot p = new Snapshot(Phase.SERVING, T0.plus(s(3000)), Optional.of(T0.plus(s(5000))), 0);
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.of(p), Optional.of(TIMERS), T0, new SplittableRandom(1));
      assertEquals(Phase.SERVING, r.phase());
      assertEquals(Action.NOTHING, r.tick(T0));
      assertEquals(T0.plus(s(3000)), r.nextRefresh());
      assertEquals(Action.REFRESH, r.tick(T0.plus(s(3000))));
      assertEquals(Optional.of(T0.plus(s(5000))), r.expiresAt());
    }

    @Test
    void start_withVersion_capsPersistedRefreshAtOneRefreshFromNow() {
      // timers persisted under a clock far ahead, or from a longer refresh: at most refresh away
      Snapshot p = new Snapshot(Phase.SERVING, T0.plus(s(900_000)),
          Optional.of(T0.plus(s(1_000_000))), 0);
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.of(p), Optional.of(TIMERS), T0, new SplittableRandom(1));
      assertEquals(T0.plus(TIMERS.refresh()), r.nextRefresh());
    }

    @Test
    void start_withVersionWithoutPersistedTimers_refreshesNow() {
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.empty(), Optional.of(TIMERS), T0, new SplittableRandom(1));
      assertEquals(Action.REFRESH, r.tick(T0));
    }

    @Test
    void aborted_countsNoFailureAndRefreshesNow() {
      RefreshSchedule r = serving(new SplittableRandom(5));
      Instant t = T0.plus(s(3600));
      assertTrue(r.begin(t));
      r.notified(t);
      r.aborted(t);
      assertEquals(0, r.failures());
      assertFalse(r.refreshPending());
      assertEquals(Action.REFRESH, r.tick(t));
    }

    @Test
    void restart_ofExpiredZone_staysExpiredAndKeepsExpiresAt() {
      RefreshSchedule r = serving(new SplittableRandom(2));
      assertTrue(r.begin(T0.plus(s(3600))));
      r.failed(TIMERS, T0.plus(s(3600)));
      assertEquals(Action.EXPIRE, r.tick(T0.plus(s(7200))));
      Snapshot p = r.persisted();
      assertEquals(Phase.EXPIRED, p.phase());
      // restart with a clock stepped back before the expiry: still expired (E14)
      RefreshSchedule back =
          RefreshSchedule.restore(Optional.of(p), Optional.of(TIMERS), T0, new SplittableRandom(2));
      assertEquals(Phase.EXPIRED, back.phase());
      assertEquals(p.expiresAt(), back.expiresAt());
      assertEquals(p.failures(), back.failures());
      assertEquals(Action.REFRESH, back.tick(T0));
    }

    @Test
    void restart_afterPersistedExpiryPassed_isExpired() {
      Snapshot p = new Snapshot(Phase.SERVING, T0, Optional.of(T0.plus(s(100))), 3);
      RefreshSchedule r = RefreshSchedule.restore(Optional.of(p), Optional.of(TIMERS),
          T0.plus(s(100)), new SplittableRandom(3));
      assertEquals(Phase.EXPIRED, r.phase());
      assertEquals(3, r.failures());
    }

    @Test
    void restart_ofExpiredZone_recoversOnSuccess() {
      Snapshot p = new Snapshot(Phase.EXPIRED, T0, Optional.of(T0.minus(s(10))), 5);
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.of(p), Optional.of(TIMERS), T0, new SplittableRandom(4));
      assertTrue(r.begin(T0));
      r.succeeded(TIMERS, T0, Optional.empty());
      assertEquals(Phase.SERVING, r.phase());
      assertEquals(0, r.failures());
      assertEquals(Optional.of(T0.plus(s(7200))), r.expiresAt());
    }
  }

  @Nested
  final class Success {
    @Test
    void succeeded_schedulesWithinEightyPercentToFullRefresh() {
      SplittableRandom rnd = new SplittableRandom(5);
      for (int i = 0; i < 200; i++) {
        RefreshSchedule r = serving(rnd);
        Duration wait = Duration.between(T0, r.nextRefresh());
        assertTrue(wait.compareTo(s(2880)) >= 0 && wait.compareTo(s(3600)) <= 0, wait::toString);
        assertEquals(Optional.of(T0.plus(s(7200))), r.expiresAt());
        assertEquals(Optional.of(r.nextRefresh()), r.nextWakeUp());
      }
    }

    @ParameterizedTest(name = "soa {0}/{1}/{2}")
    @CsvSource({"0, 0, 0", "4294967295, 4294967295, 4294967295", "1, 4294967295, 0"})
    void hostileTimers_neverRefreshBelowFloorOrAboveCap(long rf, long rt, long ex) {
      SoaTimers t = SoaTimers.clamp(rf, rt, ex, 0, SoaTimers.Bounds.BIND);
      SplittableRandom rnd = new SplittableRandom(6);
      for (int i = 0; i < 100; i++) {
        RefreshSchedule r =
            RefreshSchedule.restore(Optional.empty(), Optional.empty(), T0, rnd);
        r.begin(T0);
        r.succeeded(t, T0, Optional.empty());
        Duration wait = Duration.between(T0, r.nextRefresh());
        // 300 s is the floor only before jitter; jitter cuts at most 20 % (BIND does likewise)
        assertTrue(wait.compareTo(s(240)) >= 0, wait::toString);
        assertTrue(wait.compareTo(SoaTimers.Bounds.BIND.maxRefresh()) <= 0, wait::toString);
        r.begin(T0);
        r.failed(t, T0);
        Duration retry = Duration.between(T0, r.nextRefresh());
        assertTrue(retry.compareTo(SoaTimers.Bounds.BIND.minRetry()) >= 0, retry::toString);
        assertTrue(retry.compareTo(SoaTimers.Bounds.BIND.maxRetry()
            .plus(SoaTimers.Bounds.BIND.maxRefresh())) <= 0, retry::toString);
        Duration expire = Duration.between(T0, r.expiresAt().orElseThrow());
        assertTrue(expire.compareTo(s(800)) >= 0
            && expire.compareTo(SoaTimers.Bounds.BIND.maxExpire()) <= 0, expire::toString);
      }
    }

    @Test
    void unclampedZeroTimers_stillNoTightLoop() {
      SoaTimers zero = new SoaTimers(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.empty(), Optional.empty(), T0, new SplittableRandom(7));
      r.begin(T0);
      r.succeeded(zero, T0, Optional.empty());
      assertTrue(r.nextRefresh().isAfter(T0));
      r.begin(T0);
      r.failed(zero, T0);
      assertTrue(r.nextRefresh().isAfter(T0));
    }
  }

  @Nested
  final class Failure {
    @Test
    void failed_backsOffFromRetryDoublingToRefreshCap_withoutJitterCut() {
      RefreshSchedule r = serving(noCut());
      Instant now = T0;
      long[] want = {600, 1200, 2400, 3600, 3600, 3600};
      for (long w : want) {
        assertTrue(r.begin(now));
        r.failed(TIMERS, now);
        assertEquals(s(w), Duration.between(now, r.nextRefresh()));
        now = r.nextRefresh();
      }
      assertEquals(6, r.failures());
    }

    @Test
    void failed_withJitter_neverBelowRetryNorAboveCap() {
      SplittableRandom rnd = new SplittableRandom(8);
      for (int failures = 1; failures < 40; failures++) {
        Duration b = SoaTimers.backoff(failures, TIMERS.retry(), TIMERS.refresh());
        for (int i = 0; i < 50; i++) {
          Duration d = RefreshSchedule.retryDelay(failures, TIMERS, rnd);
          assertTrue(d.compareTo(s(600)) >= 0 && d.compareTo(s(3600)) <= 0, d::toString);
          assertTrue(d.compareTo(b.multipliedBy(4).dividedBy(5)) >= 0, d::toString);
        }
      }
    }

    @Test
    void failed_keepsServingUntilExpiry_thenExpiresExactlyAtTheInstant() {
      RefreshSchedule r = serving(new SplittableRandom(9));
      Instant now = T0.plus(s(3600));
      r.begin(now);
      r.failed(TIMERS, now);
      assertEquals(Phase.SERVING, r.phase());
      Instant at = T0.plus(s(7200));
      assertFalse(r.tick(at.minusNanos(1)) == Action.EXPIRE, "not a nanosecond early");
      assertEquals(Phase.SERVING, r.phase());
      assertEquals(Action.EXPIRE, r.tick(at));
      assertEquals(Phase.EXPIRED, r.phase());
      assertFalse(r.tick(at) == Action.EXPIRE, "expire is reported once");
    }

    @Test
    void expired_recoversOnSuccess() {
      RefreshSchedule r = serving(new SplittableRandom(10));
      assertEquals(Action.EXPIRE, r.tick(T0.plus(s(7200))));
      Instant now = T0.plus(s(9000));
      assertTrue(r.begin(now));
      r.succeeded(TIMERS, now, Optional.empty());
      assertEquals(Phase.SERVING, r.phase());
      assertEquals(Optional.of(now.plus(s(7200))), r.expiresAt());
    }
  }

  @Nested
  final class Notify {
    @ParameterizedTest(name = "{0} notifies during a refresh")
    @CsvSource({"1", "2", "100"})
    void notifiesDuringRefresh_queueExactlyOneFollowUp(int count) {
      RefreshSchedule r = serving(new SplittableRandom(11));
      Instant now = T0.plus(s(10));
      assertTrue(r.begin(now));
      for (int i = 0; i < count; i++) {
        r.notified(now.plus(s(i)));
        assertFalse(r.begin(now.plus(s(i))), "one refresh at a time");
      }
      Instant done = now.plus(s(200));
      r.succeeded(TIMERS, done, Optional.empty());
      assertEquals(Action.REFRESH, r.tick(done));
      assertTrue(r.begin(done));
      r.succeeded(TIMERS, done.plus(s(1)), Optional.empty());
      assertEquals(Action.NOTHING, r.tick(done.plus(s(1))), "only one follow-up");
      assertTrue(r.nextRefresh().isAfter(done.plus(s(2000))));
    }

    @Test
    void notifyWhenIdle_refreshesNow() {
      RefreshSchedule r = serving(new SplittableRandom(12));
      Instant now = T0.plus(s(60));
      assertEquals(Action.NOTHING, r.tick(now));
      r.notified(now);
      assertEquals(Action.REFRESH, r.tick(now));
    }

    @Test
    void notifyDuringFailingRefresh_doesNotBypassBackoff() {
      RefreshSchedule r = serving(new SplittableRandom(13));
      r.begin(T0);
      r.notified(T0);
      r.failed(TIMERS, T0);
      assertEquals(Action.NOTHING, r.tick(T0));
      assertFalse(r.refreshPending());
    }
  }

  @Nested
  final class EdnsExpire {
    @Test
    void shorterPrimaryExpire_setsExpiryOnFirstLoad() {
      RefreshSchedule r =
          RefreshSchedule.restore(Optional.empty(), Optional.empty(), T0, new SplittableRandom(14));
      r.begin(T0);
      r.succeeded(TIMERS, T0, Optional.of(s(1000)));
      assertEquals(Optional.of(T0.plus(s(1000))), r.expiresAt());
    }

    @Test
    void longerPrimaryExpire_isCappedAtOurSoaExpire() {
      RefreshSchedule r = serving(new SplittableRandom(15));
      Instant now = T0.plus(s(100));
      r.begin(now);
      r.succeeded(TIMERS, now, Optional.of(s(100_000)));
      assertEquals(Optional.of(now.plus(s(7200))), r.expiresAt());
    }

    @Test
    void shorterPrimaryExpire_neverShortensRunningTimer_butProlongsIt() {
      RefreshSchedule r = serving(new SplittableRandom(16)); // expires at T0 + 7200
      r.begin(T0.plus(s(100)));
      r.succeeded(TIMERS, T0.plus(s(100)), Optional.of(s(1000)));
      assertEquals(Optional.of(T0.plus(s(7200))), r.expiresAt(), "not shortened");
      Instant late = T0.plus(s(7000));
      r.begin(late);
      r.succeeded(TIMERS, late, Optional.of(s(1000)));
      assertEquals(Optional.of(late.plus(s(1000))), r.expiresAt(), "prolonged");
    }

    @Test
    void aTransferredVersion_restartsTheExpireTimer_evenShorter() {
      RefreshSchedule r = serving(new SplittableRandom(19)); // expires at T0 + 7200
      Instant now = T0.plus(s(100));
      SoaTimers shorter = SoaTimers.clamp(3600, 600, 5000, 300, SoaTimers.Bounds.BIND);
      r.begin(now);
      r.succeeded(shorter, now, Optional.empty(), true);
      assertEquals(Optional.of(now.plus(s(5000))), r.expiresAt(), "the new SOA's expire");
      r.begin(now);
      r.succeeded(shorter, now, Optional.of(s(1000)), true);
      assertEquals(Optional.of(now.plus(s(1000))), r.expiresAt(), "the transfer's EXPIRE");
    }
  }

  @Nested
  final class ClockSteps {
    @Test
    void clockSteppedBackOneHour_neverGivesNegativeDelay() {
      RefreshSchedule r = serving(new SplittableRandom(17));
      Instant back = T0.minus(s(3600));
      assertEquals(Action.NOTHING, r.tick(back));
      Duration d = r.delayUntilWakeUp(back).orElseThrow();
      assertFalse(d.isNegative());
      assertTrue(d.compareTo(s(3600)) > 0, "waits longer, no loop: " + d);
      r.begin(back);
      r.failed(TIMERS, back);
      assertTrue(r.delayUntilWakeUp(back).orElseThrow().compareTo(s(600)) >= 0);
    }

    @Test
    void clockSteppedForward_refreshesAtOnceWithZeroDelay() {
      RefreshSchedule r = serving(new SplittableRandom(18));
      Instant fwd = T0.plus(s(3600));
      assertEquals(Duration.ZERO, r.delayUntilWakeUp(fwd).orElseThrow());
      assertEquals(Action.REFRESH, r.tick(fwd));
      r.begin(fwd);
      assertEquals(Optional.of(T0.plus(s(7200))), r.nextWakeUp(), "only expiry while running");
    }
  }
}
