// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;

/**
 * Records every {@link ReplicaEvent} with the {@link System#nanoTime()} at which it arrived, and
 * completes the futures of {@link #expect} when a matching event arrives: a test waits on a
 * future with a bound instead of sleeping, and measures latencies against the arrival times.
 * Thread-safe.
 */
final class RecordingListener implements ReplicaListener {

  /** One event and when the listener saw it. */
  record Seen(ReplicaEvent event, long nanos) {
  }

  private record Waiter(Predicate<ReplicaEvent> match, CompletableFuture<Seen> future) {
  }

  private final List<Seen> seen = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  @Override
  public void onEvent(ReplicaEvent event) {
    Seen s = new Seen(event, System.nanoTime());
    List<CompletableFuture<Seen>> due = new ArrayList<>(1);
    synchronized (this) {
      seen.add(s);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.match().test(event)) {
          due.add(w.future());
          it.remove();
        }
      }
    }
    due.forEach(f -> f.complete(s)); // outside the lock: a dependent stage may run here
  }

  /**
   * Returns a future completed by the first event that arrives after this call and matches.
   *
   * @param match the event wanted
   * @return the future; never completes if no such event arrives
   */
  CompletableFuture<Seen> expect(Predicate<ReplicaEvent> match) {
    CompletableFuture<Seen> f = new CompletableFuture<>();
    synchronized (this) {
      waiters.add(new Waiter(match, f));
    }
    return f;
  }

  /** Returns every event seen so far, in arrival order. */
  synchronized List<Seen> all() {
    return List.copyOf(seen);
  }

  /** Returns the events seen so far, for failure messages. */
  synchronized String describe() {
    StringBuilder b = new StringBuilder();
    for (Seen s : seen) {
      b.append("\n  ").append(s.event());
    }
    return b.toString();
  }
}
