// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.zonesync.core.ZoneSyncTest.RecordingListener;

/**
 * What every simulated-time engine test sets up: one {@link SimulatedTime} serving as clock,
 * ticker, scheduler and executor, a {@link ScriptedProbe} for SOA answers, a recording listener,
 * and what the test opened, closed in reverse order.
 */
final class SimulatedEngine implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  final SimulatedTime time = new SimulatedTime(T0);
  final ScriptedProbe probe = new ScriptedProbe(time);
  final RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> open = new ArrayList<>();

  /** A builder wired to the simulated time, the probe and the listener, with a fixed seed. */
  ZoneSync.Builder builder(long seed) {
    return ZoneSync.builder().clock(time).ticker(time.ticker()).scheduler(time).executor(time)
        .soaProbe(probe).randomSeed(seed).listener(events);
  }

  /** Closes {@code c} with this harness. */
  <T extends AutoCloseable> T open(T c) {
    open.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }
}
