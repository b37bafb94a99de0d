// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.zonesync.core.internal.refresh.RefreshSchedule.Action;
import org.zonesync.core.internal.refresh.RefreshSchedule.Phase;

/** RefreshSchedule under random event sequences, with clock steps back and forward (F10). */
final class RefreshSchedulePropertiesTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 500)
  void randomEvents_keepInvariants(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 6) Integer> events,
      @ForAll @Size(max = 80) List<@IntRange(min = -3600, max = 20_000) Integer> steps,
      @ForAll @IntRange(min = 0, max = 0x7FFF_FFFF) int soaRefresh,
      @ForAll @IntRange(min = 0, max = 0x7FFF_FFFF) int soaRetry,
      @ForAll @IntRange(min = 0, max = 0x7FFF_FFFF) int soaExpire,
      @ForAll long seed) {
    SoaTimers timers = SoaTimers.clamp(soaRefresh, soaRetry, soaExpire, 0,
        SoaTimers.Bounds.BIND);
    SplittableRandom rnd = new SplittableRandom(seed);
    Instant now = T0;
    RefreshSchedule r = RefreshSchedule.restore(Optional.empty(), Optional.empty(), now, rnd);
    boolean held = false;
    for (int i = 0; i < events.size(); i++) {
      now = now.plusSeconds(i < steps.size() ? steps.get(i) : 1);
      Phase before = r.phase();
      Optional<Instant> expiryBefore = r.expiresAt();
      boolean runningBefore = r.running();
      Action action = null;
      switch (events.get(i)) {
        case 0 -> action = r.tick(now);
        case 1 -> assertEquals(!runningBefore, r.begin(now));
        case 2 -> {
          r.succeeded(timers, now,
              rnd.nextBoolean() ? Optional.empty() : Optional.of(Duration.ofSeconds(
                  rnd.nextLong(2 * timers.expire().getSeconds()))));
          held = true;
          assertEquals(Phase.SERVING, r.phase());
          assertEquals(0, r.failures());
          assertTrue(r.nextRefresh().compareTo(now) >= 0);
        }
        case 3 -> {
          r.failed(timers, now);
          assertEquals(before, r.phase(), "failure never changes the phase");
          assertTrue(Duration.between(now, r.nextRefresh()).compareTo(timers.retry()) >= 0,
              "no retry sooner than retry (D10)");
        }
        case 4 -> r.notified(now);
        case 5 -> r = RefreshSchedule.restore(Optional.of(r.persisted()),
            held ? Optional.of(timers) : Optional.empty(), now, rnd);
        default -> {
          // a clock step of up to an hour back with no event
          now = now.minusSeconds(3600);
        }
      }
      assertTrue(r.failures() >= 0);
      assertFalse(r.delayUntilWakeUp(now).map(Duration::isNegative).orElse(false));
      if (action == Action.NOTHING) {
        Instant at = now;
        assertTrue(r.nextWakeUp().map(w -> w.isAfter(at)).orElse(true),
            "nothing due means a wake-up in the future");
      }
      if (action == Action.REFRESH) {
        assertFalse(r.running());
      }
      if (r.phase() == Phase.EXPIRED && before != Phase.EXPIRED) {
        // only a tick at or after the expiry, or a restart of an already past expiry
        Instant at = now;
        assertTrue(expiryBefore.map(e -> !e.isAfter(at)).orElse(false),
            "expired only when expiresAt <= now");
        assertTrue(action == Action.EXPIRE || events.get(i) == 5);
      }
      if (action == Action.EXPIRE) {
        assertEquals(Phase.SERVING, before);
      }
    }
  }
}
