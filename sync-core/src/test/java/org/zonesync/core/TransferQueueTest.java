// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The transfer quota (TESTPLAN D8): transfers in total and per primary are capped, the rest wait
 * and all run in the end, urgent work first, and a busy primary never blocks another's zones.
 */
final class TransferQueueTest {

  /** Holds started tasks until the test finishes them, one by one. */
  private static final class HeldExecutor implements Executor {
    final ArrayDeque<Runnable> started = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      started.add(r);
    }

    void finishOldest() {
      started.poll().run();
    }
  }

  private static InetAddress addr(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i});
  }

  @Test
  void limits_inTotalAndPerPrimary_areNeverExceeded_andEveryTransferRuns() throws Exception {
    HeldExecutor ex = new HeldExecutor();
    TransferQueue q = new TransferQueue(ex, 10, 2);
    List<String> done = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 300; i++) {
      String name = "t" + i;
      q.submit(addr(1 + rnd.nextInt(8)), () -> false, () -> done.add(name), e -> { throw e; });
      check(q, ex);
    }
    assertEquals(10, ex.started.size(), "10 slots, 8 primaries of 2: all 10 in use");
    while (!ex.started.isEmpty()) {
      // finish a random transfer in flight
      int k = rnd.nextInt(ex.started.size());
      List<Runnable> inFlight = new ArrayList<>(ex.started);
      ex.started.remove(inFlight.get(k));
      inFlight.get(k).run();
      check(q, ex);
    }
    assertEquals(300, done.size(), "queued, never failed");
    assertEquals(0, q.waiting());
    assertEquals(0, q.running());
  }

  private static void check(TransferQueue q, HeldExecutor ex) throws Exception {
    assertEquals(ex.started.size(), q.running());
    assertTrue(q.running() <= 10, "more than 10 at once: " + q.running());
    for (int p = 1; p <= 8; p++) {
      assertTrue(q.runningFrom(addr(p)) <= 2, "more than 2 from primary " + p);
    }
  }

  @Test
  void aBusyPrimary_doesNotHoldBackOtherPrimaries_andUrgentGoesFirst() throws Exception {
    HeldExecutor ex = new HeldExecutor();
    TransferQueue q = new TransferQueue(ex, 10, 2);
    List<String> order = new ArrayList<>();
    InetAddress slow = addr(1);
    for (int i = 0; i < 5; i++) {
      String n = "slow" + i;
      q.submit(slow, () -> false, () -> order.add(n), e -> { throw e; });
    }
    q.submit(addr(2), () -> false, () -> order.add("other"), e -> { throw e; });
    assertEquals(3, ex.started.size(), "two from the slow primary, and the other primary's");
    boolean[] promoted = {false};
    q.submit(slow, () -> promoted[0], () -> order.add("notified"), e -> { throw e; });
    promoted[0] = true; // a NOTIFY arrived while it waited
    ex.finishOldest(); // slow0 ends: the notified transfer takes its slot before slow2..4
    ex.started.pollLast().run();
    assertEquals(List.of("slow0", "notified"), order);
  }
}
