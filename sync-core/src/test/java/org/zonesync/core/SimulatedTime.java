// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * One simulated time line for the engine: wall clock, monotonic ticker, {@link Scheduler} and
 * {@link Executor} together. Nothing runs until the test calls {@link #runUntilIdle()} or
 * {@link #advance}: then executor tasks run in submission order on the test's thread and timers
 * fire in deadline order as time moves. Deterministic: no threads, no sleeps. Not thread-safe
 * (use it from the test thread only).
 */
public final class SimulatedTime implements InstantSource, Scheduler, Executor {

  private static final int MAX_STEPS = 10_000_000;

  private final Instant origin;
  private long nanos;
  private long seq;
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private final PriorityQueue<Entry> timers = new PriorityQueue<>();

  private final class Entry implements Comparable<Entry>, Timer {
    final long at;
    final long order = seq++;
    final Runnable task;
    boolean cancelled;

    Entry(long at, Runnable task) {
      this.at = at;
      this.task = task;
    }

    @Override
    public int compareTo(Entry o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /**
   * Starts the time line at {@code origin}.
   *
   * @param origin the wall-clock time at nanosecond 0
   */
  public SimulatedTime(Instant origin) {
    this.origin = origin;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(nanos);
  }

  /** Returns the monotonic ticker of this time line. */
  public LongSupplier ticker() {
    return () -> nanos;
  }

  /** Returns the time elapsed since the origin. */
  public Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    long d = delay.isNegative() ? 0 : saturatedNanos(delay);
    Entry e = new Entry(d > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : nanos + d, task);
    timers.add(e);
    return e;
  }

  @Override
  public void execute(Runnable command) {
    ready.add(command);
  }

  /** Runs ready tasks and timers due now, without moving time. */
  public void runUntilIdle() {
    advance(Duration.ZERO);
  }

  /**
   * Moves time forward by {@code d}, running every task and timer due on the way, in order.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    long end = nanos + saturatedNanos(d);
    for (int steps = 0; ; steps++) {
      if (steps > MAX_STEPS) {
        throw new IllegalStateException("more than " + MAX_STEPS + " steps: a tight loop");
      }
      Runnable r = ready.poll();
      if (r != null) {
        r.run();
        continue;
      }
      Entry e = timers.peek();
      if (e == null || e.at > end) {
        break;
      }
      timers.poll();
      if (!e.cancelled) {
        nanos = Math.max(nanos, e.at);
        e.task.run();
      }
    }
    nanos = Math.max(nanos, end);
  }

  /** Returns how many live timers are pending. */
  public long pendingTimers() {
    return timers.stream().filter(e -> !e.cancelled).count();
  }

  /** Returns the delay until the next live timer, if any. */
  public java.util.Optional<Duration> nextTimer() {
    return timers.stream().filter(e -> !e.cancelled).min(Entry::compareTo)
        .map(e -> Duration.ofNanos(e.at - nanos));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
