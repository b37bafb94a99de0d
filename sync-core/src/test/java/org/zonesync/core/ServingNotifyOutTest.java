// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.LOOPBACK;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.await;
import static org.zonesync.core.ServingFixtures.parse;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.wire;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.notifyout.NotifyOut;
import org.zonesync.core.internal.notifyout.NotifyTarget;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN G7: NOTIFY out goes only after the new version is durable and live (a store write
 * held open delays it, and whoever the NOTIFY reaches at once sees the new serial), is coalesced,
 * counted, and given up after its retries when the target never answers.
 */
final class ServingNotifyOutTest {

  /** A secondary's NOTIFY port: records each NOTIFY (by ID) and answers it unless held. */
  static final class Receiver implements AutoCloseable {
    final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    /** Serial of each distinct NOTIFY, by message ID, in arrival order. */
    final Map<Integer, Long> byId = Collections.synchronizedMap(new LinkedHashMap<>());
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile LongConsumer onNotify = s -> { };
    final Thread thread;

    Receiver() throws SocketException {
      thread = new Thread(this::run, "test-notify-receiver");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    List<Long> serials() {
      synchronized (byId) {
        return new ArrayList<>(byId.values());
      }
    }

    private void run() {
      byte[] buf = new byte[65535];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          Message m = parse(java.util.Arrays.copyOf(buf, p.getLength()));
          long serial = ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
          if (byId.putIfAbsent(m.getHeader().getID(), serial) == null) {
            onNotify.accept(serial);
          }
          hold.await();
          Message a = new Message(m.getHeader().getID());
          a.getHeader().setOpcode(Opcode.NOTIFY);
          a.getHeader().setFlag(Flags.QR);
          a.getHeader().setFlag(Flags.AA);
          a.addRecord(m.getQuestion(), Section.QUESTION);
          byte[] w = a.toWire();
          socket.send(new DatagramPacket(w, w.length, p.getSocketAddress()));
        } catch (Exception e) {
          if (!socket.isClosed()) {
            throw new IllegalStateException(e);
          }
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** Holds append/replace while armed, after telling that the write began. */
  static final class GatedStore extends DelegatingStore {
    volatile CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate = new CountDownLatch(0);

    GatedStore() {
      super(MemoryReplicaStore.create());
    }

    @Override
    public void append(ZoneDelta delta, ZoneSnapshot after)
        throws org.zonesync.api.ReplicaStoreException {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      super.append(delta, after);
    }
  }

  private static long soaSerial(InetSocketAddress server) throws Exception {
    Message a = parse(Dig.udp(server, wire(query(ZONE, Type.SOA))));
    return ((SOARecord) a.getSection(Section.ANSWER).get(0)).getSerial();
  }

  @Test
  void notify_waitsForTheDurableWrite_andItsTargetSeesTheNewSerialAtOnce() throws Exception {
    GatedStore store = new GatedStore();
    try (Receiver rx = new Receiver();
        ZoneSync sync = ZoneSync.builder().storage(store).listen(ANY).build()) {
      PrimaryZone p = sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 20)),
          ZoneServing.builder().allowTransfer("127.0.0.1").alsoNotify(rx.address()).build());
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      await(() -> sync.servingStats().notifyAcknowledged() == 1, "the first version notified");
      List<Long> seenAtNotify = Collections.synchronizedList(new ArrayList<>());
      rx.onNotify = serial -> {
        try {
          seenAtNotify.add(soaSerial(server));
          ServingFixtures.Recorder r = new ServingFixtures.Recorder();
          byte[] q = wire(ServingFixtures.ixfr(ZONE, 100));
          sync.transferResponder().respond(q, q.length, ServingFixtures.CLIENT,
              TransferResponder.Transport.TCP, r);
          seenAtNotify.add(ServingFixtures.Xfr.of(r.records()).serial());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      store.gate = new CountDownLatch(1);
      CompletableFuture<PrimaryZone.Update> u = CompletableFuture.supplyAsync(() -> {
        try {
          return p.update(ZoneSource.of(ServingFixtures.zone(ZONE, 101, 20)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(store.entered.await(15, TimeUnit.SECONDS), "the journal write began");
      assertEquals(1, sync.servingStats().notifySent(), "no NOTIFY while the write is held");
      assertEquals(100, soaSerial(server), "not live before durable");
      assertEquals(List.of(100L), rx.serials());
      store.gate.countDown();
      assertEquals(101, u.get(15, TimeUnit.SECONDS).serial().value());
      await(() -> sync.servingStats().notifyAcknowledged() == 2, "the new version notified");
      assertEquals(List.of(100L, 101L), rx.serials());
      assertEquals(List.of(101L, 101L), seenAtNotify, "SOA and IXFR at NOTIFY time");
      assertEquals(0, sync.servingStats().notifyFailed());
    }
  }

  @Test
  void tenQuickUpdates_whileTheFirstNotifyIsUnanswered_coalesceToTheLastSerial()
      throws Exception {
    try (Receiver rx = new Receiver();
        ZoneSync sync = ZoneSync.builder().build()) {
      rx.hold = new CountDownLatch(1);
      PrimaryZone p = sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 5)),
          ZoneServing.builder().alsoNotify(rx.address()).build());
      for (int i = 1; i <= 10; i++) {
        p.update(ZoneSource.of(ServingFixtures.zone(ZONE, 100 + i, 5)));
      }
      rx.hold.countDown();
      await(() -> rx.serials().contains(110L), "the last serial is notified");
      await(() -> sync.servingStats().notifyAcknowledged() == sync.servingStats().notifySent(),
          "every NOTIFY answered");
      ServingStats s = sync.servingStats();
      assertTrue(s.notifySent() < 11, "fewer NOTIFYs than versions: " + s);
      assertEquals(rx.serials().size(), s.notifySent(), s.toString());
      assertEquals(110L, rx.serials().get(rx.serials().size() - 1));
      assertEquals(0, s.notifyFailed());
    }
  }

  @Test
  void aTargetThatNeverAnswers_getsRetransmissions_thenCountsFailed() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      silent.setSoTimeout(15_000);
      NotifyOut out = NotifyOut.overUdp(ZONE, List.of(NotifyTarget.unsigned(
          (InetSocketAddress) silent.getLocalSocketAddress())), LOOPBACK,
          InstantSource.system(), System::nanoTime, Duration.ofMillis(10));
      try {
        SOARecord soa = ServingFixtures.zone(ZONE, 100, 1).soa();
        out.published(soa);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < org.zonesync.core.internal.notifyout.NotifySender.ATTEMPTS; i++) {
          ids.add(parse(Dig.receive(silent)).getHeader().getID());
        }
        assertEquals(1, ids.stream().distinct().count(), "retransmissions of one NOTIFY: " + ids);
        await(() -> out.counters().failed() == 1, "the NOTIFY given up");
        assertEquals(new NotifyOut.Counters(1, 0, 1), out.counters());
      } finally {
        out.close();
      }
    }
  }
}
