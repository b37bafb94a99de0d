// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.TransferTimeoutException;

/**
 * A {@link NotifyOut.Send} the test drives by hand: every call is recorded with a future that
 * only the test completes, and the NOTIFYs in flight per target are counted with a high-water
 * mark. {@link Call#ack()} and {@link Call#fail()} decrement the count before completing, since
 * completing may send the follow-up on the same thread.
 */
final class ScriptedSend implements NotifyOut.Send {
  static final Name ZONE = Name.fromConstantString("example.");

  /** One recorded NOTIFY. */
  final class Call {
    final NotifyTarget target;
    final SOARecord soa;
    final CompletableFuture<Duration> future = new CompletableFuture<>();

    Call(NotifyTarget target, SOARecord soa) {
      this.target = target;
      this.soa = soa;
    }

    long serial() {
      return soa.getSerial();
    }

    void ack() {
      inFlight(target).decrementAndGet();
      assertTrue(future.complete(Duration.ofMillis(3)), "completed twice");
    }

    void fail() {
      inFlight(target).decrementAndGet();
      assertTrue(future.completeExceptionally(new TransferTimeoutException(
          TransferTimeoutException.Kind.TRANSFER, Duration.ofSeconds(31), ZONE,
          target.address())), "completed twice");
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  /** The calls not yet completed by the test, in order. */
  final LinkedBlockingQueue<Call> open = new LinkedBlockingQueue<>();
  private final Map<NotifyTarget, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<NotifyTarget, AtomicInteger> highWater = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Duration> send(NotifyTarget target, SOARecord soa) {
    int now = inFlight(target).incrementAndGet();
    highWater.computeIfAbsent(target, t -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    Call c = new Call(target, soa);
    calls.add(c);
    open.add(c);
    return c.future;
  }

  AtomicInteger inFlight(NotifyTarget t) {
    return inFlight.computeIfAbsent(t, x -> new AtomicInteger());
  }

  int highWater(NotifyTarget t) {
    AtomicInteger h = highWater.get(t);
    return h == null ? 0 : h.get();
  }

  List<Call> callsTo(NotifyTarget t) {
    return calls.stream().filter(c -> c.target.equals(t)).toList();
  }

  /** Returns the one open call to {@code t}, failing if there is not exactly one. */
  Call openTo(NotifyTarget t) {
    List<Call> mine = open.stream().filter(c -> c.target.equals(t)).toList();
    if (mine.size() != 1) {
      throw new AssertionError(mine.size() + " open notifies to " + t + ", expected 1");
    }
    open.remove(mine.get(0));
    return mine.get(0);
  }

  static SOARecord soa(long serial) {
    return new SOARecord(ZONE, DClass.IN, 3600, Name.fromConstantString("ns1.example."),
        Name.fromConstantString("hostmaster.example."), serial, 7200, 900, 1209600, 300);
  }

  static NotifyTarget target(int port) {
    return NotifyTarget.unsigned(new InetSocketAddress("127.0.0.1", port));
  }
}
