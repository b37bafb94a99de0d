// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.zonesync.core.internal.Loggers;

/**
 * Runs at most {@code limit} transfers at once, and at most {@code perPrimary} from one primary
 * address (BIND's {@code transfers-in} and {@code transfers-per-ns}); the rest wait and never
 * fail for lack of a slot. Urgent transfers (after a NOTIFY or an operator's request) start
 * before periodic ones; within a class, the first waiting transfer whose primary has a free slot
 * starts first, so a slow primary never holds back the zones of another. Thread-safe.
 */
final class TransferQueue {

  private static final Logger LOG = Loggers.XFER_IN;

  private record Task(InetAddress primary, BooleanSupplier urgent, Runnable body,
      Consumer<RuntimeException> rejected) {
  }

  private final Executor executor;
  private final int limit;
  private final int perPrimary;
  private final ArrayDeque<Task> waiting = new ArrayDeque<>();
  private final Map<InetAddress, Integer> perPrimaryRunning = new HashMap<>();
  private int running;

  TransferQueue(Executor executor, int limit, int perPrimary) {
    this.executor = executor;
    this.limit = limit;
    this.perPrimary = perPrimary;
  }

  /**
   * Runs {@code body} when a slot is free.
   *
   * @param primary the primary the transfer is from
   * @param isUrgent whether it goes before periodic work; asked again while it waits
   * @param body the transfer; runs on the executor
   * @param rejected told, instead, when the executor refuses it
   */
  void submit(InetAddress primary, BooleanSupplier isUrgent, Runnable body,
      Consumer<RuntimeException> rejected) {
    Task t = new Task(primary, isUrgent, body, rejected);
    synchronized (this) {
      waiting.add(t);
    }
    pump();
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int running() {
    return running;
  }

  synchronized int runningFrom(InetAddress primary) {
    return perPrimaryRunning.getOrDefault(primary, 0);
  }

  private void pump() {
    while (true) {
      Task next;
      synchronized (this) {
        next = running < limit ? take() : null;
        if (next == null) {
          return;
        }
        running++;
        perPrimaryRunning.merge(next.primary(), 1, Integer::sum);
      }
      dispatch(next);
    }
  }

  /**
   * The first urgent task whose primary has a slot, else the first such task; removed. Linear
   * in the tasks waiting, once per transfer started.
   */
  private @Nullable Task take() {
    Task firstPeriodic = null;
    for (Task t : waiting) {
      if (perPrimaryRunning.getOrDefault(t.primary(), 0) >= perPrimary) {
        continue;
      }
      if (t.urgent().getAsBoolean()) {
        waiting.remove(t);
        return t;
      }
      if (firstPeriodic == null) {
        firstPeriodic = t;
      }
    }
    if (firstPeriodic != null) {
      waiting.remove(firstPeriodic);
    }
    return firstPeriodic;
  }

  private void dispatch(Task task) {
    try {
      executor.execute(() -> {
        try {
          task.body().run();
        } catch (RuntimeException e) {
          LOG.error("transfer task failed unexpectedly", e);
        } finally {
          done(task);
        }
      });
    } catch (RuntimeException e) {
      // rejected (shutting down, or a bounded executor that is full): its slot freed, its
      // owner told
      LOG.debug("transfer task refused by the executor: {}", e.toString());
      done(task);
      task.rejected().accept(e);
    }
  }

  private void done(Task task) {
    synchronized (this) {
      running--;
      perPrimaryRunning.computeIfPresent(task.primary(), (k, v) -> v == 1 ? null : v - 1);
    }
    pump();
  }
}
