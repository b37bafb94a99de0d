// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs at most {@code limit} transfers at once on an executor; the rest wait in FIFO order and
 * never fail for lack of a slot. Thread-safe.
 */
final class TransferQueue {

  private final Executor executor;
  private final int limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  TransferQueue(Executor executor, int limit) {
    this.executor = executor;
    this.limit = limit;
  }

  void submit(Runnable task) {
    synchronized (this) {
      if (running >= limit) {
        waiting.add(task);
        return;
      }
      running++;
    }
    dispatch(task);
  }

  synchronized int waiting() {
    return waiting.size();
  }

  private void dispatch(Runnable task) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } finally {
          next();
        }
      });
    } catch (RejectedExecutionException e) {
      next();
      throw e;
    }
  }

  private void next() {
    Runnable task;
    synchronized (this) {
      task = waiting.poll();
      if (task == null) {
        running--;
        return;
      }
    }
    dispatch(task);
  }
}
