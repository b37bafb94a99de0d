// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.OTHER;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.ixfr;
import static org.zonesync.core.ServingFixtures.parse;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.rcode;
import static org.zonesync.core.ServingFixtures.soa;
import static org.zonesync.core.ServingFixtures.wire;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.serve.OutQuota;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.xfr.IxfrOutPlan;
import org.zonesync.core.internal.xfr.MemoryServedZone;
import org.zonesync.core.internal.xfr.XfrOut;
import org.zonesync.tsig.TsigKeyring;

/**
 * TESTPLAN A14: malformed AXFR/IXFR requests from downstream are answered FORMERR, before any
 * quota slot is taken, and the connection goes on answering.
 */
final class ServingMalformedTest {

  /** The malformed requests of A14, by what is wrong with them; all sent over TCP. */
  static Map<String, byte[]> malformedTcp() {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    Message two = query(ZONE, Type.AXFR);
    two.addRecord(Record.newRecord(OTHER, Type.AXFR, DClass.IN), Section.QUESTION);
    m.put("two questions", wire(two));
    m.put("IXFR without SOA", wire(query(ZONE, Type.IXFR)));
    Message twoSoas = ixfr(ZONE, 100);
    twoSoas.addRecord(soa(ZONE, 99), Section.AUTHORITY);
    m.put("IXFR with two SOAs", wire(twoSoas));
    Message foreign = query(ZONE, Type.IXFR);
    foreign.addRecord(soa(OTHER, 100), Section.AUTHORITY);
    m.put("IXFR SOA owned by another name", wire(foreign));
    byte[] junk = new byte[300];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) (i * 37 + 5);
    }
    m.put("IXFR SOA of 300 garbage octets", rawIxfr(junk));
    m.put("IXFR SOA of 10 octets", rawIxfr(new byte[10]));
    byte[] longer = wire(ixfr(ZONE, 100));
    longer[longer.length - 23] = (byte) 0xFF; // RDLENGTH low byte: past the end of the message
    m.put("IXFR SOA RDLENGTH past the end", longer);
    return m;
  }

  /** An IXFR for ZONE whose authority SOA has the given RDATA (owner compressed to the qname). */
  static byte[] rawIxfr(byte[] rdata) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0});
    b.writeBytes(ZONE.toWire());
    b.writeBytes(new byte[] {0, (byte) Type.IXFR, 0, 1});
    b.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 6, 0, 1, 0, 0, 0, 0,
        (byte) (rdata.length >>> 8), (byte) rdata.length});
    b.writeBytes(rdata);
    return b.toByteArray();
  }

  private static ZoneServing allowLoopback() {
    return ZoneServing.builder().allowTransfer("127.0.0.1").build();
  }

  @Test
  void malformedRequests_overTcp_getFormerr_andTheConnectionAnswersTheNextRequest()
      throws Exception {
    try (ZoneSync sync = ZoneSync.builder().listen(ANY).build()) {
      sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 20)), allowLoopback());
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(server)) {
        for (Map.Entry<String, byte[]> e : malformedTcp().entrySet()) {
          c.send(e.getValue());
          byte[] a = c.read();
          assertEquals(Rcode.FORMERR, rcode(a), e.getKey());
          assertArrayEquals(new byte[] {e.getValue()[0], e.getValue()[1]},
              new byte[] {a[0], a[1]}, "the ID is echoed: " + e.getKey());
          Message soaQuery = query(ZONE, Type.SOA);
          c.send(wire(soaQuery));
          Message ok = parse(c.read());
          assertEquals(Rcode.NOERROR, ok.getRcode(), "after " + e.getKey());
          assertEquals(soaQuery.getHeader().getID(), ok.getHeader().getID());
        }
        c.send(wire(query(ZONE, Type.AXFR)));
        List<Record> all = ServingFixtures.answers(c.readTransfer(false));
        assertEquals(ServingFixtures.set(ServingFixtures.zone(ZONE, 100, 20)),
            ServingFixtures.Xfr.of(all).applyTo(java.util.Set.of()));
      }
      ServingStats s = sync.servingStats();
      assertEquals(new ServingStats(1, 0, 0, 0, 0, 0, 0, 0, 0), s, "one AXFR, nothing else counted");
    }
  }

  @Test
  void axfrOverUdp_getsFormerr_fromTheListenerAndTheResponder() throws Exception {
    try (ZoneSync sync = ZoneSync.builder().listen(ANY).build()) {
      sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 20)), allowLoopback());
      Message q = query(ZONE, Type.AXFR);
      Message a = parse(Dig.udp(sync.notifyAddress().orElseThrow(), wire(q)));
      assertEquals(Rcode.FORMERR, a.getRcode());
      assertEquals(q.getHeader().getID(), a.getHeader().getID());
      assertEquals(0, a.getSection(Section.ANSWER).size());
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      assertEquals(TransferResponder.Result.ANSWERED, sync.transferResponder().respond(wire(q),
          wire(q).length, CLIENT, TransferResponder.Transport.UDP, r));
      assertEquals(Rcode.FORMERR, rcode(r.only()));
      assertEquals(0, sync.servingStats().axfrOut());
    }
  }

  @Test
  void malformedRequests_whileTheOnlySlotIsHeld_getFormerrNotServfail_andTakeNoSlot()
      throws Exception {
    MemoryServedZone served = new MemoryServedZone(TransferAcl.parse(List.of("127.0.0.1")),
        IxfrOutPlan.Ratio.DEFAULT, 20);
    served.publish(StoredZones.compact(ServingFixtures.zone(ZONE, 100, 400)));
    OutQuota quota = new OutQuota(1, 1);
    XfrOut out = new XfrOut(n -> n.equals(ZONE) ? java.util.Optional.of(served)
        : java.util.Optional.empty(), TsigKeyring.of(), quota, InstantSource.system(),
        System::nanoTime, new XfrOut.Limits(512, false, Duration.ofMinutes(1)));
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Object> stalled = new AtomicReference<>();
    byte[] axfr = wire(query(ZONE, Type.AXFR));
    Thread holder = new Thread(() -> {
      try {
        stalled.set(out.respond(axfr, axfr.length, CLIENT, true, (m, n) -> {
          streaming.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
        }));
      } catch (Exception e) {
        stalled.set(e);
      }
    });
    holder.start();
    try {
      assertEquals(true, streaming.await(15, TimeUnit.SECONDS));
      assertEquals(1, quota.inUse());
      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, byte[]> e : malformedTcp().entrySet()) {
        ServingFixtures.Recorder r = new ServingFixtures.Recorder();
        XfrOut.Result res = out.respond(e.getValue(), e.getValue().length, CLIENT, true, r);
        if (res != XfrOut.Result.ANSWERED || rcode(r.only()) != Rcode.FORMERR) {
          wrong.add(e.getKey() + ": " + res + " " + Rcode.string(rcode(r.only())));
        }
        assertEquals(1, quota.inUse(), e.getKey());
      }
      ServingFixtures.Recorder udp = new ServingFixtures.Recorder();
      out.respond(axfr, axfr.length, CLIENT, false, udp);
      assertEquals(Rcode.FORMERR, rcode(udp.only()), "AXFR over UDP");
      assertEquals(List.of(), wrong);
      assertEquals(0, out.counters().quotaFull(), "no malformed request reached the quota");
      // the quota is really full: a well-formed AXFR now is turned away
      ServingFixtures.Recorder full = new ServingFixtures.Recorder();
      out.respond(axfr, axfr.length, CLIENT, true, full);
      assertEquals(Rcode.SERVFAIL, rcode(full.only()));
      assertEquals(1, out.counters().quotaFull());
    } finally {
      release.countDown();
      holder.join(15_000);
    }
    assertEquals(XfrOut.Result.TRANSFERRED, stalled.get());
    assertEquals(0, quota.inUse());
  }
}
