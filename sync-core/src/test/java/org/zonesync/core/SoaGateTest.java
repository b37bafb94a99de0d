// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The SOA-query gate: the rate in simulated time, and the cap on queries running at once. */
final class SoaGateTest {

  /** Holds started queries until the test ends them. */
  private static final class HeldExecutor implements Executor {
    final ArrayDeque<Runnable> started = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      started.add(r);
    }
  }

  @Test
  void rate_isAFullBucketThenOneTokenPerInterval() {
    SimulatedTime time = new SimulatedTime(Instant.parse("2026-11-24T00:00:00Z"));
    SoaGate gate = new SoaGate(time, time, time.ticker(), 20);
    List<Duration> ran = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      gate.submit(() -> false, () -> ran.add(time.elapsed()), e -> { throw e; });
    }
    time.runUntilIdle();
    assertEquals(20, ran.size());
    time.advance(Duration.ofSeconds(1));
    assertEquals(40, ran.size());
    time.advance(Duration.ofSeconds(1));
    assertEquals(60, ran.size());
    assertEquals(Duration.ofMillis(50), ran.get(20), "the 21st after 1/20 s");
  }

  @Test
  void queriesInFlight_areCapped_andEachEndLetsTheNextStart() {
    SimulatedTime time = new SimulatedTime(Instant.parse("2026-11-24T00:00:00Z"));
    HeldExecutor ex = new HeldExecutor();
    SoaGate gate = new SoaGate(ex, time, time.ticker(), 10_000);
    int[] ended = {0};
    for (int i = 0; i < 200; i++) {
      gate.submit(() -> false, () -> ended[0]++, e -> { throw e; });
    }
    assertEquals(SoaGate.MAX_IN_FLIGHT, ex.started.size(), "silent primaries hold threads");
    assertEquals(200 - SoaGate.MAX_IN_FLIGHT, gate.waiting());
    ex.started.poll().run();
    assertEquals(SoaGate.MAX_IN_FLIGHT, gate.inFlight(), "one ended, one more started");
    while (!ex.started.isEmpty()) {
      ex.started.poll().run();
    }
    assertEquals(200, ended[0]);
    assertEquals(0, gate.inFlight());
  }
}
