// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.DJ_A;
import static org.zonesync.core.ServingFixtures.DJ_A_WRONG;
import static org.zonesync.core.ServingFixtures.DJ_B;
import static org.zonesync.core.ServingFixtures.KEY_A;
import static org.zonesync.core.ServingFixtures.KEY_B;
import static org.zonesync.core.ServingFixtures.OTHER;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.await;
import static org.zonesync.core.ServingFixtures.parse;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.rcode;
import static org.zonesync.core.ServingFixtures.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.serve.OutQuota;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.xfr.IxfrOutPlan;
import org.zonesync.core.internal.xfr.MemoryServedZone;
import org.zonesync.core.internal.xfr.XfrOut;
import org.zonesync.tsig.TsigKeyring;

/**
 * TESTPLAN C13 (unauthorised requests while the quota is full take no slot; authorised ones are
 * served once a slot frees) and D9 (many concurrent AXFRs, readers that never read, idle
 * connections): quotas observed directly on an {@link OutQuota}, and over the built-in listener.
 */
final class ServingQuotaTest {

  /** About 200,000 records: more than the loopback socket buffers hold. */
  static final class Big {
    static final ZoneSnapshot V1 = ServingFixtures.zone(ZONE, 100, 110_000);
  }

  private static XfrOut xfrOut(OutQuota quota, List<String> acl) {
    MemoryServedZone served = new MemoryServedZone(TransferAcl.parse(acl),
        IxfrOutPlan.Ratio.DEFAULT, 20);
    served.publish(StoredZones.compact(ServingFixtures.zone(ZONE, 100, 300)));
    return new XfrOut(n -> n.equals(ZONE) ? Optional.of(served) : Optional.empty(),
        TsigKeyring.of(KEY_A, KEY_B), quota, InstantSource.system(), System::nanoTime,
        new XfrOut.Limits(512, false, Duration.ofMinutes(1)));
  }

  /** Runs requests on threads whose sinks wait for {@code release} once streaming. */
  private static final class Stalls {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger streaming = new AtomicInteger();
    final AtomicInteger maxStreaming = new AtomicInteger();
    final ExecutorService pool = Executors.newCachedThreadPool();

    Future<XfrOut.Result> start(XfrOut out, byte[] req, InetSocketAddress from) {
      return pool.submit(() -> {
        boolean[] counted = {false};
        try {
          return out.respond(req, req.length, from, true, (m, n) -> {
            if (!counted[0] && rcode(java.util.Arrays.copyOf(m, n)) == Rcode.NOERROR) {
              counted[0] = true;
              maxStreaming.accumulateAndGet(streaming.incrementAndGet(), Math::max);
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
              }
            }
          });
        } finally {
          if (counted[0]) {
            streaming.decrementAndGet();
          }
        }
      });
    }

    void close() {
      release.countDown();
      pool.shutdown();
    }
  }

  @Test
  void unauthorisedRequests_whileTheQuotaIsFull_takeNoSlot_andAuthorisedOnesGetItWhenFreed()
      throws Exception {
    OutQuota quota = new OutQuota(1, 1);
    XfrOut out = xfrOut(quota, List.of("key:key-a."));
    Stalls s = new Stalls();
    try {
      Future<XfrOut.Result> held = s.start(out, wire(query(ZONE, Type.AXFR), DJ_A), CLIENT);
      await(() -> s.streaming.get() == 1, "the first transfer streams");
      for (TSIG k : new TSIG[] {null, DJ_B, DJ_A_WRONG, ServingFixtures.DJ_UNKNOWN}) {
        ServingFixtures.Recorder r = new ServingFixtures.Recorder();
        byte[] q = wire(query(ZONE, Type.AXFR), k);
        assertEquals(XfrOut.Result.ANSWERED, out.respond(q, q.length, CLIENT, true, r));
        int rc = rcode(r.only());
        assertTrue(rc == Rcode.REFUSED || rc == Rcode.NOTAUTH, "key " + k + ": "
            + Rcode.string(rc));
        assertEquals(1, quota.inUse());
      }
      assertEquals(0, out.counters().quotaFull(), "no unauthorised request reached the quota");
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      byte[] q = wire(query(ZONE, Type.AXFR), DJ_A);
      out.respond(q, q.length, CLIENT, true, r);
      assertEquals(Rcode.SERVFAIL, rcode(r.only()), "authorised, but the quota is full");
      assertEquals(1, out.counters().quotaFull());
      s.release.countDown();
      assertEquals(XfrOut.Result.TRANSFERRED, held.get(15, TimeUnit.SECONDS));
      assertEquals(0, quota.inUse());
      ServingFixtures.Recorder later = new ServingFixtures.Recorder();
      assertEquals(XfrOut.Result.TRANSFERRED, out.respond(q, q.length, CLIENT, true, later));
      assertEquals(ServingFixtures.Kind.AXFR_STYLE,
          ServingFixtures.Xfr.of(later.records()).kind());
    } finally {
      s.close();
    }
  }

  @Test
  void fiftyConcurrentAxfrs_atMostTwoStream_andTheRestGetServfail() throws Exception {
    OutQuota quota = new OutQuota(2, 2);
    XfrOut out = xfrOut(quota, List.of("192.0.2.0/24"));
    Stalls s = new Stalls();
    try {
      List<Future<XfrOut.Result>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        InetSocketAddress from = new InetSocketAddress(
            InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) (i + 1)}), 5000);
        all.add(s.start(out, wire(query(ZONE, Type.AXFR)), from));
      }
      await(() -> out.counters().quotaFull() == 48, "48 requests were turned away");
      assertEquals(2, s.streaming.get());
      assertEquals(2, quota.inUse());
      s.release.countDown();
      int transferred = 0;
      for (Future<XfrOut.Result> f : all) {
        transferred += f.get(15, TimeUnit.SECONDS) == XfrOut.Result.TRANSFERRED ? 1 : 0;
      }
      assertEquals(2, transferred);
      assertEquals(2, s.maxStreaming.get(), "never more than two at once");
      assertEquals(0, quota.inUse());
    } finally {
      s.close();
    }
  }

  @Test
  void perClientLimit_turnsAwayTheSecondFromOneClient_butServesAnother() throws Exception {
    OutQuota quota = new OutQuota(10, 1);
    XfrOut out = xfrOut(quota, List.of("127.0.0.0/8", "192.0.2.0/24"));
    Stalls s = new Stalls();
    try {
      Future<XfrOut.Result> first = s.start(out, wire(query(ZONE, Type.AXFR)), CLIENT);
      await(() -> s.streaming.get() == 1, "the first transfer streams");
      ServingFixtures.Recorder again = new ServingFixtures.Recorder();
      byte[] q = wire(query(ZONE, Type.AXFR));
      out.respond(q, q.length, new InetSocketAddress(CLIENT.getAddress(), 1), true, again);
      assertEquals(Rcode.SERVFAIL, rcode(again.only()));
      Future<XfrOut.Result> other = s.start(out, q, new InetSocketAddress(
          InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 9}), 1));
      await(() -> s.streaming.get() == 2, "another client streams");
      s.release.countDown();
      assertEquals(XfrOut.Result.TRANSFERRED, first.get(15, TimeUnit.SECONDS));
      assertEquals(XfrOut.Result.TRANSFERRED, other.get(15, TimeUnit.SECONDS));
    } finally {
      s.close();
    }
  }

  /** A listener serving the big zone (ZONE) and a small one (OTHER) to loopback. */
  static ZoneSync listener(Duration idle, Duration write, int total) throws Exception {
    ZoneSync sync = ZoneSync.builder().listen(ANY).transfersOut(total, total)
        .tcpLimits(idle, write, 64).build();
    ZoneServing allow = ZoneServing.builder().allowTransfer("127.0.0.1").build();
    sync.addPrimary(ZONE, ZoneSource.of(Big.V1), allow);
    sync.addPrimary(OTHER, ZoneSource.of(ServingFixtures.zone(OTHER, 7, 20)), allow);
    return sync;
  }

  /** Polls until a whole AXFR of OTHER succeeds: a slot is free again. */
  static void smallTransferSucceeds(ZoneSync sync) {
    await(() -> {
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow())) {
        c.send(wire(query(OTHER, Type.AXFR)));
        List<byte[]> m = c.readTransfer(false);
        return rcode(m.get(0)) == Rcode.NOERROR && ServingFixtures.Xfr.of(
            ServingFixtures.answers(m)).applyTo(java.util.Set.of()).equals(
            ServingFixtures.set(ServingFixtures.zone(OTHER, 7, 20)));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "a transfer of the small zone succeeds");
  }

  @Test
  void overTheListener_twoStalledReaders_holdBothSlots_fiftyOthersGetServfail_thenRelease()
      throws Exception {
    try (ZoneSync sync = listener(Duration.ofSeconds(20), Duration.ofSeconds(20), 2)) {
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      List<ServingFixtures.Conn> stalled = new ArrayList<>();
      List<ServingFixtures.Conn> crowd = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          ServingFixtures.Conn c = new ServingFixtures.Conn(server, 4096);
          c.send(wire(query(ZONE, Type.AXFR)));
          stalled.add(c);
          await(() -> available(c) > 0, "stalled transfer " + stalled.size() + " started");
        }
        for (int i = 0; i < 50; i++) {
          ServingFixtures.Conn c = new ServingFixtures.Conn(server);
          crowd.add(c);
          c.send(wire(query(ZONE, Type.AXFR)));
        }
        for (ServingFixtures.Conn c : crowd) {
          assertEquals(Rcode.string(Rcode.SERVFAIL), Rcode.string(parse(c.read()).getRcode()));
        }
        assertEquals(50, sync.servingStats().quotaFull());
        assertEquals(0, sync.servingStats().axfrOut(), "the big transfers are stuck");
      } finally {
        for (ServingFixtures.Conn c : crowd) {
          c.close();
        }
        for (ServingFixtures.Conn c : stalled) {
          c.socket.setSoLinger(true, 0);
          c.close();
        }
      }
      await(() -> sync.servingStats().failed() == 2, "both abandoned transfers counted failed");
      smallTransferSucceeds(sync);
    }
  }

  @Test
  void aReaderThatNeverReads_isDroppedByTheWriteTimeout_andItsSlotFreed() throws Exception {
    try (ZoneSync sync = listener(Duration.ofSeconds(20), Duration.ofMillis(300), 1);
        ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow(),
            4096)) {
      c.send(wire(query(ZONE, Type.AXFR)));
      await(() -> sync.servingStats().failed() == 1, "the stuck transfer is dropped");
      assertEquals(0, sync.servingStats().axfrOut());
      smallTransferSucceeds(sync);
      assertEquals(1, sync.servingStats().axfrOut());
    }
  }

  @Test
  void anIdleConnection_isClosedAfterTheIdleTimeout() throws Exception {
    try (ZoneSync sync = listener(Duration.ofMillis(300), Duration.ofSeconds(5), 1);
        ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow())) {
      // the read waits at most 15 s; the server closes after 300 ms without a request
      assertEquals(-1, c.in.read(), "closed by the server");
    }
  }

  private static int available(ServingFixtures.Conn c) {
    try {
      return c.in.available();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
