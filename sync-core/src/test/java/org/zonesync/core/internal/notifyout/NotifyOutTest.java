// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notifyout.ScriptedSend.ZONE;
import static org.zonesync.core.internal.notifyout.ScriptedSend.soa;
import static org.zonesync.core.internal.notifyout.ScriptedSend.target;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.core.internal.notifyout.NotifyOut.Counters;

/** {@link NotifyOut} against a {@link ScriptedSend}: no sockets, every future completed by hand. */
final class NotifyOutTest {

  static final NotifyTarget A = target(5301);
  static final NotifyTarget B = target(5302);

  private final ScriptedSend send = new ScriptedSend();

  @Nested
  final class Coalescing {
    @Test
    void published_thousandTimesDuringOneNotify_sendsOneFollowUp_withTheNewestSerial() {
      NotifyOut out = new NotifyOut(ZONE, List.of(A), send);
      out.published(soa(100));
      assertEquals(1, send.calls.size());
      for (long serial = 101; serial <= 1100; serial++) {
        out.published(soa(serial));
      }
      assertEquals(1, send.calls.size(), "nothing more while one is in flight");

      send.openTo(A).ack();
      assertEquals(2, send.calls.size());
      assertEquals(1100, send.calls.get(1).serial());

      send.openTo(A).ack();
      assertEquals(2, send.calls.size(), "no follow-up without a newer version");
      assertEquals(new Counters(2, 2, 0), out.counters());
      assertEquals(1, send.highWater(A));
    }

    @Test
    void newerSerial_supersedesANotifyUnansweredPastTheTimeout_andIsSentAtOnce() {
      long[] now = {0};
      NotifyOut out = new NotifyOut(ZONE, List.of(A), send, () -> now[0],
          java.time.Duration.ofSeconds(1));
      out.published(soa(100));
      now[0] = 500_000_000L; // half a second: the first NOTIFY may still be answered
      out.published(soa(101));
      assertEquals(1, send.calls.size(), "within the timeout the follow-up waits");
      assertEquals(false, send.calls.get(0).future.isCancelled());

      now[0] = 1_500_000_000L; // past the first timeout: it is being retransmitted
      out.published(soa(102));
      assertEquals(true, send.calls.get(0).future.isCancelled(), "the stale NOTIFY stops");
      assertEquals(2, send.calls.size(), "the newest serial goes out at once");
      assertEquals(102, send.calls.get(1).serial());
      send.calls.get(1).future.complete(java.time.Duration.ofMillis(1));
      assertEquals(new Counters(2, 1, 1), out.counters(), "the superseded one counts failed");
    }

    @Test
    void published_olderSerialWhileInFlight_doesNotReplaceTheNewerOne() {
      NotifyOut out = new NotifyOut(ZONE, List.of(A), send);
      out.published(soa(100));
      out.published(soa(105));
      out.published(soa(103));
      send.openTo(A).ack();
      assertEquals(105, send.calls.get(1).serial());
    }

    @Test
    void published_acrossTheSerialWrap_keepsTheNewerByRfc1982() {
      NotifyOut out = new NotifyOut(ZONE, List.of(A), send);
      out.published(soa(4294967290L));
      out.published(soa(3)); // 4294967290 + 9, wrapped
      out.published(soa(4294967295L));
      send.openTo(A).fail();
      assertEquals(3, send.calls.get(1).serial());
    }

    @Test
    void followUp_isSentAfterAFailedNotifyToo() {
      NotifyOut out = new NotifyOut(ZONE, List.of(A), send);
      out.published(soa(1));
      out.published(soa(2));
      send.openTo(A).fail();
      assertEquals(2, send.calls.get(1).serial());
      assertEquals(new Counters(2, 0, 1), out.counters());
    }
  }

  @Test
  void stuckTarget_doesNotDelayAnother() {
    NotifyOut out = new NotifyOut(ZONE, List.of(A, B), send);
    out.published(soa(1));
    assertEquals(1, send.callsTo(A).size());
    assertEquals(1, send.callsTo(B).size());
    ScriptedSend.Call stuck = send.openTo(A);

    send.openTo(B).ack();
    out.published(soa(2));
    assertEquals(2, send.callsTo(B).size(), "B is idle, so serial 2 goes out at once");
    assertEquals(2, send.callsTo(B).get(1).serial());
    send.openTo(B).ack();
    out.published(soa(3));
    assertEquals(3, send.callsTo(B).size());
    assertEquals(1, send.callsTo(A).size(), "A waits for its stuck notify");

    stuck.ack();
    assertEquals(2, send.callsTo(A).size());
    assertEquals(3, send.callsTo(A).get(1).serial());
  }

  @Test
  void counters_countEachNotifyOnce_perTargetAndInTotal() {
    NotifyOut out = new NotifyOut(ZONE, List.of(A, B), send);
    out.published(soa(1));
    out.published(soa(2)); // follow-up for both
    send.openTo(A).ack();
    send.openTo(B).fail();
    // the follow-ups are in flight: sent, not yet completed
    assertEquals(Map.of(A, new Counters(2, 1, 0), B, new Counters(2, 0, 1)),
        out.countersByTarget());
    send.openTo(A).fail();
    send.openTo(B).ack();
    assertEquals(List.of(A, B), List.copyOf(out.countersByTarget().keySet()));
    assertEquals(new Counters(2, 1, 1), out.countersByTarget().get(A));
    assertEquals(new Counters(2, 1, 1), out.countersByTarget().get(B));
    assertEquals(new Counters(4, 2, 2), out.counters());
  }

  @Test
  void sendThatThrows_isCountedFailed_andTheTargetStaysUsable() {
    AtomicInteger calls = new AtomicInteger();
    NotifyOut out = new NotifyOut(ZONE, List.of(A), (t, s) -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("no socket");
      }
      return CompletableFuture.completedFuture(Duration.ZERO);
    });
    out.published(soa(1));
    out.published(soa(2));
    assertEquals(2, calls.get());
    assertEquals(new Counters(2, 1, 1), out.counters());
  }

  @Test
  void failedNotify_isNotRetried_untilTheNextPublished() {
    NotifyOut out = new NotifyOut(ZONE, List.of(A), send);
    out.published(soa(7));
    send.openTo(A).fail();
    assertEquals(1, send.calls.size(), "retries belong to the send, not to NotifyOut");
    assertEquals(new Counters(1, 0, 1), out.counters());

    out.published(soa(8));
    assertEquals(2, send.calls.size());
    assertEquals(8, send.calls.get(1).serial());
    send.openTo(A).ack();
    assertEquals(new Counters(2, 1, 1), out.counters());
  }

  @Test
  void close_dropsPendingFollowUps_countsTheInFlightOne_andSendsNothingMore() {
    NotifyOut out = new NotifyOut(ZONE, List.of(A, B), send);
    out.published(soa(1));
    out.published(soa(2)); // remembered for both
    out.close();
    send.openTo(A).ack();
    send.openTo(B).fail();
    out.published(soa(3));
    assertEquals(2, send.calls.size(), "neither the follow-ups nor serial 3 went out");
    assertEquals(new Counters(1, 1, 0), out.countersByTarget().get(A));
    assertEquals(new Counters(1, 0, 1), out.countersByTarget().get(B));
    out.close(); // idempotent
  }

  @Test
  void sendCompletingAtOnce_isHandledInALoop_notARecursion() {
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    NotifyOut[] holder = new NotifyOut[1];
    AtomicInteger serial = new AtomicInteger(1);
    // every send publishes the next version before answering: each one leaves a follow-up
    NotifyOut out = new NotifyOut(ZONE, List.of(A), (t, s) -> {
      maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
      try {
        if (serial.get() < 20_000) {
          holder[0].published(soa(serial.incrementAndGet()));
        }
        return CompletableFuture.completedFuture(Duration.ZERO);
      } finally {
        depth.decrementAndGet();
      }
    });
    holder[0] = out;
    out.published(soa(1));
    assertEquals(new Counters(20_000, 20_000, 0), out.counters());
    assertEquals(1, maxDepth.get(), "each follow-up starts after its predecessor returned");
  }

  @Test
  void published_rejectsTheSoaOfAnotherZone() {
    NotifyOut out = new NotifyOut(ZONE, List.of(A), send);
    SOARecord other = new SOARecord(Name.fromConstantString("other."), DClass.IN, 3600,
        Name.fromConstantString("ns1.other."), Name.fromConstantString("h.other."), 1, 1, 1, 1,
        1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> out.published(other));
    assertEquals("SOA owner other. is not zone example.", e.getMessage());
    assertTrue(send.calls.isEmpty());
  }

  @Test
  void constructor_rejectsADuplicateTarget() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NotifyOut(ZONE, List.of(A, B, A), send));
    assertEquals("zone example.: notify target 127.0.0.1:5301 is listed twice", e.getMessage());
  }

  @Test
  void counters_rejectMoreCompletedThanSent() {
    assertThrows(IllegalArgumentException.class, () -> new Counters(1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Counters(-1, 0, 0));
  }
}
