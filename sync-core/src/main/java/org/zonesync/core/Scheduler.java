// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: the refresh engine's only source of timers, injected so that tests
 * drive refresh, retry and expiry in simulated time. Tasks must be short (the engine hands real
 * work to its executor); an implementation may run them on one thread.
 *
 * @since 0.2
 */
@FunctionalInterface
public interface Scheduler {

  /** A scheduled task that can still be called off. */
  @FunctionalInterface
  interface Timer {
    /** Calls the task off if it has not started; idempotent. */
    void cancel();
  }

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @param delay zero or more
   * @param task the task; an exception it throws is the implementation's to log
   * @return a handle to cancel it
   */
  Timer schedule(Duration delay, Runnable task);

  /**
   * Adapts a {@link ScheduledExecutorService}; delays are measured by it, in nanoseconds.
   *
   * @param executor the executor; not shut down by zonesync
   * @return the scheduler
   */
  static Scheduler of(ScheduledExecutorService executor) {
    requireNonNull(executor, "executor");
    return (delay, task) -> {
      long nanos;
      try {
        nanos = Math.max(0, delay.toNanos());
      } catch (ArithmeticException e) {
        nanos = Long.MAX_VALUE; // more than 292 years: never, in practice
      }
      ScheduledFuture<?> f = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }
}
