// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferStats;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneSync;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * NOTIFY in (RFC 1996) from real primaries: BIND 9 ({@code notify explicit; also-notify { ...
 * key ...; }}) and Knot DNS ({@code notify:} a remote with a key) tell zonesync's built-in
 * listener about a change, and the replica must serve the new serial, fetched by IXFR, within
 * one second of the command that made the primary load it. The measured latency is printed.
 * Also: a NOTIFY from an address that is not a primary is answered REFUSED unless it is signed
 * with the primary's key (RFC 1996 section 3.10, TESTPLAN C14).
 */
@Tag("interop")
final class NotifyInteropTest {

  /** The kinds of primary. */
  enum Kind { BIND, KNOT }

  /** The target: a NOTIFY-triggered refresh serves the new version within this. */
  private static final Duration TARGET = Duration.ofSeconds(1);
  /** Bound on every wait for an event. */
  private static final long WAIT_SECONDS = 30;

  private static final Name ZONE = Name.fromConstantString("notify.interop.test.");
  private static final TsigKey KEY = TsigKeyFiles.generate(
      Name.fromConstantString("notify-interop."), TsigAlgorithm.HMAC_SHA256, new SecureRandom());

  @ParameterizedTest
  @EnumSource(Kind.class)
  void notifyFromPrimary_servesNewSerialWithinOneSecond_byIxfr(Kind kind, @TempDir Path dir)
      throws Exception {
    RecordingListener events = new RecordingListener();
    // The listener first: its port goes into the primary's configuration.
    try (ZoneSync sync = ZoneSync.builder().listener(events)
        .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build()) {
      InetSocketAddress listen = sync.notifyAddress().orElseThrow();
      Path file = dir.resolve("notify.interop.test.zone");
      IxfrZone.write(ZONE, 0, file);
      try (PrimaryServer primary = start(kind, file, listen)) {
        ZoneReplica replica = sync.addSecondary(SecondaryZone.builder(ZONE)
            .primary(Primary.of(primary.address(), KEY)).build());
        ZoneSnapshot first = replica.awaitCurrent(Duration.ofSeconds(WAIT_SECONDS));
        assertEquals(IxfrZone.serial(0), first.serial().value(), "first transfer");

        long next = IxfrZone.serial(1);
        CompletableFuture<RecordingListener.Seen> finished = events.expect(e ->
            e instanceof ReplicaEvent.TransferFinished f && f.stats().serial().value() == next);
        CompletableFuture<RecordingListener.Seen> notified = events.expect(e ->
            e instanceof ReplicaEvent.NotifyReceived n
                && n.serial().equals(Optional.of(SerialNumber.of(next))));
        IxfrZone.write(ZONE, 1, file);
        long t0 = System.nanoTime();
        primary.reload(ZONE, next); // SIGHUP, resp. knotc zone-reload; returns once it serves it

        RecordingListener.Seen done = await(finished, kind + ": no transfer of serial " + next,
            events);
        RecordingListener.Seen notify = await(notified, kind + ": no NOTIFY for serial " + next,
            events);
        Duration latency = Duration.ofNanos(done.nanos() - t0);
        System.out.printf(Locale.ROOT, "NOTIFY -> serving, %s primary: %.1f ms (NOTIFY arrived"
            + " after %.1f ms; transfer %s of %d records)%n", kind, latency.toNanos() / 1e6,
            (notify.nanos() - t0) / 1e6, ((ReplicaEvent.TransferFinished) done.event()).stats()
            .kind(), ((ReplicaEvent.TransferFinished) done.event()).stats().records());

        ReplicaEvent.TransferFinished f = (ReplicaEvent.TransferFinished) done.event();
        ReplicaEvent.NotifyReceived n = (ReplicaEvent.NotifyReceived) notify.event();
        TransferStats stats = replica.status().stats();
        assertAll(
            () -> assertEquals(Optional.of(SerialNumber.of(next)),
                replica.current().map(ZoneSnapshot::serial), "serial served"),
            () -> assertEquals(TransferKind.IXFR, f.stats().kind(), "kind of the transfer"),
            () -> assertEquals(Optional.of(KEY.name()), n.keyName(), "TSIG key of the NOTIFY"),
            () -> assertEquals(primary.address().getAddress(), n.source().getAddress(),
                "source of the NOTIFY"),
            () -> assertTrue(notify.nanos() <= done.nanos(), "NOTIFY after the transfer"),
            () -> assertTrue(stats.notifiesAccepted() >= 1, () -> "counters " + stats),
            () -> assertEquals(0, stats.notifiesRefused(), () -> "counters " + stats),
            () -> assertTrue(latency.compareTo(TARGET) < 0, () -> kind + ": NOTIFY -> serving "
                + "took " + latency.toMillis() + " ms, target " + TARGET.toMillis() + " ms;"
                + " events:" + events.describe()));
      }
    }
  }

  @Test
  void unsignedNotify_fromNonPrimaryAddress_isRefused_signedOneAccepted() throws Exception {
    RecordingListener events = new RecordingListener();
    try (ZoneSync sync = ZoneSync.builder().listener(events)
        .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        DatagramSocket stranger = new DatagramSocket(
            new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
      InetSocketAddress listen = sync.notifyAddress().orElseThrow();
      // The primary is 127.0.0.1 on a port with nothing behind it: refreshes fail, which does
      // not matter here; what matters is who may NOTIFY.
      ZoneReplica replica = sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
              NamedProcess.freePort()), KEY)).build());

      CompletableFuture<RecordingListener.Seen> refused = events.expect(e ->
          e instanceof ReplicaEvent.NotifyRefused);
      Message unsigned = notifyMessage(0x1234);
      Message answer = exchange(stranger, listen, unsigned.toWire());
      assertAll(
          () -> assertEquals(Rcode.REFUSED, answer.getRcode(), () -> "answer " + answer),
          () -> assertEquals(Opcode.NOTIFY, answer.getHeader().getOpcode()),
          () -> assertTrue(answer.getHeader().getFlag(Flags.QR)),
          () -> assertEquals(0x1234, answer.getHeader().getID()));
      ReplicaEvent.NotifyRefused r = (ReplicaEvent.NotifyRefused) await(refused,
          "no NotifyRefused event", events).event();
      assertEquals(InetAddress.getByName("127.0.0.2"), r.source().getAddress());
      assertEquals("not_a_primary", r.reason());
      assertEquals(1, replica.status().stats().notifiesRefused(), "notifiesRefused");
      assertEquals(0, replica.status().stats().notifiesAccepted(), "notifiesAccepted");

      // The same stranger with the primary's key: the MAC, not the address, admits it.
      CompletableFuture<RecordingListener.Seen> received = events.expect(e ->
          e instanceof ReplicaEvent.NotifyReceived);
      Message signed = notifyMessage(0x4321);
      TSIG tsig = new TSIG(TSIG.HMAC_SHA256, KEY.name(), KEY.secret());
      tsig.apply(signed, null);
      TSIGRecord queryTsig = signed.getTSIG();
      byte[] wire = signed.toWire();
      byte[] raw = exchangeRaw(stranger, listen, wire);
      Message ok = new Message(raw);
      assertEquals(Rcode.NOERROR, ok.getRcode(), () -> "answer " + ok);
      assertEquals(Rcode.NOERROR, tsig.verify(ok, raw, queryTsig), "TSIG of the answer");
      ReplicaEvent.NotifyReceived n = (ReplicaEvent.NotifyReceived) await(received,
          "no NotifyReceived event", events).event();
      assertEquals(Optional.of(KEY.name()), n.keyName());
      assertEquals(InetAddress.getByName("127.0.0.2"), n.source().getAddress());
      assertEquals(1, replica.status().stats().notifiesRefused(), "notifiesRefused after");
    }
  }

  // ---- helpers

  /** Starts the primary with version 0 in {@code file}, notifying {@code target}. */
  private static PrimaryServer start(Kind kind, Path file, InetSocketAddress target)
      throws IOException, InterruptedException {
    if (kind == Kind.BIND) {
      String key = "\"" + KEY.name().toString(true) + "\"";
      // notify-delay 0: by default named holds back a NOTIFY sent within 5 s of the last one
      // (the one of its startup load).
      return NamedProcess.start(new NamedProcess.Config().key(KEY).primaryZone(ZONE, file,
          "key " + key + ";", true, "notify explicit;\n  notify-delay 0;\n  also-notify { "
              + target.getAddress().getHostAddress() + " port " + target.getPort() + " key "
              + key + "; };"));
    }
    return KnotProcess.start(new KnotProcess.Config().primaryZone(ZONE, file, KEY)
        .notify(ZONE, target));
  }

  /** A NOTIFY for {@link #ZONE} as a primary sends it, without a serial. */
  private static Message notifyMessage(int id) {
    Message m = new Message(id);
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(ZONE, Type.SOA, DClass.IN), Section.QUESTION);
    return m;
  }

  private static Message exchange(DatagramSocket s, InetSocketAddress to, byte[] query)
      throws IOException {
    return new Message(exchangeRaw(s, to, query));
  }

  /** Sends one datagram and returns the answer; bounded by a 5 s receive timeout. */
  private static byte[] exchangeRaw(DatagramSocket s, InetSocketAddress to, byte[] query)
      throws IOException {
    s.setSoTimeout(5000);
    s.send(new DatagramPacket(query, query.length, to));
    byte[] buf = new byte[4096];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    assertEquals(to, p.getSocketAddress(), "answer from another address");
    return Arrays.copyOf(buf, p.getLength());
  }

  private static RecordingListener.Seen await(CompletableFuture<RecordingListener.Seen> f,
      String what, RecordingListener events) throws InterruptedException, ExecutionException {
    try {
      return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail(what + " within " + WAIT_SECONDS + " s; events:" + events.describe());
    }
  }
}
