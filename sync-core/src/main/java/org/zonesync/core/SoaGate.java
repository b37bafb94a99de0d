// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.zonesync.core.internal.Loggers;

/**
 * Rate-limits SOA queries across all zones (BIND's {@code serial-query-rate}, default 20 per
 * second): a token bucket holding at most one second's worth, refilled on the monotonic clock.
 * At most {@link #MAX_IN_FLIGHT} queries run at once, so that a high rate against silent
 * primaries (each query waits out its timeout on an executor thread) cannot need a thread per
 * zone.
 * Queries after a NOTIFY or an operator's request go before periodic ones, also when the NOTIFY
 * arrives while the zone's periodic query is already waiting. Waiting queries are
 * released by one timer on the injected scheduler, so the gate works in simulated time and
 * never spins. Thread-safe.
 */
final class SoaGate {

  private static final Logger LOG = Loggers.XFER_IN;
  private static final long SECOND = 1_000_000_000L;
  /** The most SOA queries running at once. */
  static final int MAX_IN_FLIGHT = 64;

  private final Executor executor;
  private final Scheduler scheduler;
  private final LongSupplier nanoTime;
  private final int perSecond;
  private record Entry(BooleanSupplier urgent, Runnable query,
      Consumer<RuntimeException> rejected) {
  }

  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  /** Tokens scaled by one second: {@code perSecond * SECOND} is a full bucket. */
  private long tokens;
  private long refilledAt;
  private Scheduler.@Nullable Timer timer;
  private int inFlight;
  private boolean closed;

  SoaGate(Executor executor, Scheduler scheduler, LongSupplier nanoTime, int perSecond) {
    this.executor = executor;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.perSecond = perSecond;
    this.tokens = (long) perSecond * SECOND;
    this.refilledAt = nanoTime.getAsLong();
  }

  /**
   * Runs {@code query} on the executor as soon as the rate allows.
   *
   * @param isUrgent whether it goes before periodic queries; asked again while it waits
   * @param query the query
   * @param rejected told, instead, when the executor refuses it
   */
  void submit(BooleanSupplier isUrgent, Runnable query, Consumer<RuntimeException> rejected) {
    boolean refused;
    synchronized (this) {
      refused = closed;
      if (!refused) {
        waiting.add(new Entry(isUrgent, query, rejected));
      }
    }
    if (refused) {
      rejected.accept(new RejectedExecutionException("the soa query gate is closed"));
      return;
    }
    pump();
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int inFlight() {
    return inFlight;
  }

  private void ended() {
    synchronized (this) {
      inFlight--;
    }
    pump();
  }

  void close() {
    Scheduler.Timer t;
    synchronized (this) {
      closed = true;
      waiting.clear();
      t = timer;
      timer = null;
    }
    if (t != null) {
      t.cancel();
    }
  }

  private void pump() {
    while (true) {
      Entry next;
      synchronized (this) {
        if (inFlight >= MAX_IN_FLIGHT) {
          return; // a query ending pumps again
        }
        refill();
        if (tokens < SECOND) {
          armTimer();
          return;
        }
        next = take();
        if (next == null) {
          return;
        }
        tokens -= SECOND;
        inFlight++;
      }
      Runnable query = next.query();
      try {
        executor.execute(() -> {
          try {
            query.run();
          } finally {
            ended();
          }
        });
      } catch (RuntimeException e) {
        // rejected (shutting down, or a bounded executor that is full), or no thread to be had
        LOG.debug("soa query refused by the executor: {}", e.toString());
        synchronized (this) {
          inFlight--;
        }
        next.rejected().accept(e);
      }
    }
  }

  /** The first urgent entry, else the first; removed. Linear, at the rate of queries sent. */
  private @Nullable Entry take() {
    for (Iterator<Entry> it = waiting.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.urgent().getAsBoolean()) {
        it.remove();
        return e;
      }
    }
    return waiting.poll();
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    long elapsed = now - refilledAt;
    refilledAt = now;
    if (elapsed <= 0) {
      return;
    }
    long full = (long) perSecond * SECOND;
    // elapsed * perSecond overflows only after ~14 years at 20/s; saturate anyway
    long add = elapsed > full / perSecond ? full : elapsed * perSecond;
    tokens = Math.min(full, tokens + add);
  }

  private void armTimer() {
    if (timer != null || waiting.isEmpty()) {
      return;
    }
    long missing = SECOND - tokens;
    long waitNanos = Math.max(1, (missing + perSecond - 1) / perSecond);
    timer = scheduler.schedule(Duration.ofNanos(waitNanos), () -> {
      synchronized (this) {
        timer = null;
      }
      pump();
    });
  }
}
