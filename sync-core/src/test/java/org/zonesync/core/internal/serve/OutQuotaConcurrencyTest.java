// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Many threads acquire and release against few clients. Each thread counts its slot in shadow
 * counters only while it holds it, so if the quota ever admitted too many, a shadow counter would
 * exceed the limit. No sleeps: the threads start together on a latch and run a fixed number of
 * iterations.
 */
final class OutQuotaConcurrencyTest {

  private static final int THREADS = 8;
  private static final int ITERATIONS = 5_000;
  private static final int CLIENTS = 4;
  private static final int TOTAL = 5;
  private static final int PER_CLIENT = 2;

  private static void raise(AtomicInteger highWater, int value) {
    highWater.accumulateAndGet(value, Math::max);
  }

  @RepeatedTest(3)
  void tryAcquire_underContention_neverExceedsLimits() throws Exception {
    OutQuota q = new OutQuota(TOTAL, PER_CLIENT);
    InetAddress[] clients = new InetAddress[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      clients[i] = InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, (byte) (i + 1)});
    }
    AtomicInteger held = new AtomicInteger();
    AtomicIntegerArray heldBy = new AtomicIntegerArray(CLIENTS);
    AtomicInteger highWater = new AtomicInteger();
    AtomicInteger clientHighWater = new AtomicInteger();
    AtomicLong granted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int self = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < ITERATIONS; i++) {
            int c = (self + i) % CLIENTS;
            Optional<OutQuota.Slot> slot = q.tryAcquire(clients[c]);
            if (slot.isEmpty()) {
              refused.incrementAndGet();
              continue;
            }
            granted.incrementAndGet();
            raise(highWater, held.incrementAndGet());
            raise(clientHighWater, heldBy.incrementAndGet(c));
            int seen = q.inUse();
            assertTrue(seen >= 1 && seen <= TOTAL, "inUse " + seen);
            int mine = q.inUse(clients[c]);
            assertTrue(mine >= 1 && mine <= PER_CLIENT, "inUse(client) " + mine);
            heldBy.decrementAndGet(c);
            held.decrementAndGet();
            OutQuota.Slot s = slot.orElseThrow();
            s.close();
            if (i % 7 == 0) {
              s.close(); // a second close must not release another slot
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(); // rethrows any assertion failure from a worker
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(highWater.get() <= TOTAL, "total high water " + highWater.get());
    assertTrue(clientHighWater.get() <= PER_CLIENT, "client high water " + clientHighWater);
    assertEquals((long) THREADS * ITERATIONS, granted.get() + refused.get());
    assertTrue(granted.get() > 0);
    assertEquals(0, q.inUse());
    assertEquals(0, q.trackedClients());
  }
}
