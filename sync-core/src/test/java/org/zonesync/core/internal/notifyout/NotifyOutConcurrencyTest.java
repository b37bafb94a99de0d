// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notifyout.ScriptedSend.ZONE;
import static org.zonesync.core.internal.notifyout.ScriptedSend.soa;
import static org.zonesync.core.internal.notifyout.ScriptedSend.target;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.zonesync.core.internal.notifyout.NotifyOut.Counters;

/**
 * Several threads call {@link NotifyOut#published} while the test thread completes the NOTIFYs
 * as they appear: at no time is more than one NOTIFY in flight to a target, every NOTIFY is
 * counted once, and the newest serial reaches every target. Bounded: fixed call counts, and
 * every wait has a limit.
 */
final class NotifyOutConcurrencyTest {

  private static final int THREADS = 4;
  private static final int CALLS = 2_000;
  private static final long WAIT_SECONDS = 30;

  @RepeatedTest(3)
  void published_fromManyThreads_keepsAtMostOneNotifyInFlightPerTarget() throws Exception {
    List<NotifyTarget> targets = List.of(target(5311), target(5312), target(5313));
    ScriptedSend send = new ScriptedSend();
    NotifyOut out = new NotifyOut(ZONE, targets, send);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(THREADS);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int base = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < CALLS; i++) {
            out.published(soa(1 + (long) i * THREADS + base)); // serials 1..THREADS*CALLS
          }
        } catch (Throwable e) {
          errors.add(e);
        } finally {
          done.countDown();
        }
      }, "publisher-" + t);
      th.start();
      threads.add(th);
    }
    go.countDown();
    int completed = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    // complete notifies as they come, alternating answered and failed, until the publishers
    // are done; completing one may send its follow-up on this thread, which lands in the queue
    while (done.getCount() > 0 || !send.open.isEmpty()) {
      assertTrue(System.nanoTime() - deadline < 0, "publishers still running after the bound");
      ScriptedSend.Call c = send.open.poll(10, TimeUnit.MILLISECONDS);
      if (c == null) {
        continue;
      }
      if (completed++ % 2 == 0) {
        c.ack();
      } else {
        c.fail();
      }
    }
    assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(th.isAlive());
    }
    assertTrue(errors.isEmpty(), () -> "publisher failed: " + errors);

    long maxSerial = (long) THREADS * CALLS;
    long total = 0;
    for (NotifyTarget t : targets) {
      assertEquals(1, send.highWater(t), "at most one notify in flight to " + t);
      assertEquals(0, send.inFlight(t).get());
      List<ScriptedSend.Call> calls = send.callsTo(t);
      Counters c = out.countersByTarget().get(t);
      assertEquals(calls.size(), c.sent());
      assertEquals(c.sent(), c.acknowledged() + c.failed(), "all completed, each counted once");
      assertTrue(calls.stream().anyMatch(x -> x.serial() == maxSerial),
          "the newest serial reached " + t);
      assertTrue(calls.size() <= THREADS * CALLS);
      total += calls.size();
    }
    assertEquals(completed, total);
    assertEquals(total, out.counters().sent());
  }
}
