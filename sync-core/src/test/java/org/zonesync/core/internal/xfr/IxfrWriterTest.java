// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.IxfrFixtures.OURS;
import static org.zonesync.core.internal.xfr.IxfrFixtures.base;
import static org.zonesync.core.internal.xfr.IxfrFixtures.chain;
import static org.zonesync.core.internal.xfr.XfrFixtures.CLOCK;
import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneDelta;
import org.zonesync.core.internal.xfr.IxfrFixtures.Step;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.TsigStreamSigner;

/** What {@link IxfrWriter} writes, read back by dnsjava (a second implementation). */
final class IxfrWriterTest {

  static List<ZoneDelta> deltas(List<Step> steps) {
    List<ZoneDelta> out = new ArrayList<>();
    for (Step s : steps) {
      out.add(new ZoneDelta(s.from(), s.to(), s.deleted(), s.added()));
    }
    return out;
  }

  /** dnsjava parses every message, verifies every MAC, and sees the RFC 1995 record order. */
  @ParameterizedTest(name = "messages of at most {0} bytes")
  @ValueSource(ints = {512, 700, 65535})
  void dnsjava_verifiesAndReadsOurIxfr_inRfc1995Order(int size) throws Exception {
    SignedMessage q = IxfrFixtures.signedQuery(XfrFixtures.soa(OURS));
    IxfrWriter w = new IxfrWriter(size, new TsigStreamSigner(KEY, q.mac(), CLOCK), KEY);
    List<byte[]> ms = new ArrayList<>();
    w.write(deltas(chain()), ID, ZONE.toWire(), (m, n) -> ms.add(Arrays.copyOf(m, n)));
    TSIG tsig = new TSIG(TSIG.HMAC_SHA256, KEY.name(),
        new javax.crypto.spec.SecretKeySpec(KEY.secret(), "HmacSHA256"),
        java.time.Clock.fixed(CLOCK.instant(), java.time.ZoneOffset.UTC));
    TSIG.StreamVerifier v = new TSIG.StreamVerifier(tsig, new Message(q.message()).getTSIG());
    List<Record> seen = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      byte[] m = ms.get(i);
      assertTrue(m.length <= size, "message of " + m.length + " > " + size);
      Message msg = new Message(m);
      assertEquals(0, v.verify(msg, m), "dnsjava rejects our MAC on message " + (i + 1));
      assertEquals(ID, msg.getHeader().getID());
      assertTrue(msg.getHeader().getFlag(Flags.QR) && msg.getHeader().getFlag(Flags.AA));
      assertEquals(i == 0 ? 1 : 0, msg.getSection(Section.QUESTION).size());
      if (i == 0) {
        assertEquals(Type.IXFR, msg.getQuestion().getType());
      }
      seen.addAll(msg.getSection(Section.ANSWER));
    }
    assertEquals(IxfrFixtures.answers(chain()), seen);
    assertEquals(seen.size(), w.records());
    assertEquals(ms.size(), w.messages());
    long bytes = 0;
    for (byte[] m : ms) {
      bytes += m.length + 2;
    }
    assertEquals(bytes, w.bytes());
  }

  @Test
  void writeWire_writesWhatWriteWrites() throws Exception {
    CompactZone v7 = IxfrFixtures.compact(base(OURS));
    CompactZone v10 = IxfrFixtures.compact(IxfrFixtures.apply(base(OURS), chain()));
    WireDelta d = CompactZone.diff(v7, v10);
    List<byte[]> a = new ArrayList<>();
    new IxfrWriter(1024, null, null).writeWire(List.of(d), ID, ZONE.toWire(),
        (m, n) -> a.add(Arrays.copyOf(m, n)));
    List<byte[]> b = new ArrayList<>();
    new IxfrWriter(1024, null, null).write(List.of(d.toZoneDelta()), ID, ZONE.toWire(),
        (m, n) -> b.add(Arrays.copyOf(m, n)));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertTrue(Arrays.equals(a.get(i), b.get(i)), "message " + (i + 1) + " differs");
    }
  }

  @Test
  void writeUpToDate_isOneMessageWithOurSoaAlone() throws Exception {
    List<byte[]> ms = new ArrayList<>();
    CompactZone z = IxfrFixtures.compact(base(OURS));
    IxfrWriter w = new IxfrWriter(512, null, null);
    w.writeUpToDate(z, ID, ZONE.toWire(), (m, n) -> ms.add(Arrays.copyOf(m, n)));
    assertEquals(1, ms.size());
    Message m = new Message(ms.get(0));
    assertEquals(List.of(z.soa()), m.getSection(Section.ANSWER));
    assertEquals(Type.IXFR, m.getQuestion().getType());
    IxfrStream.Result r = IxfrStreamTest.run(z, ms,
        org.zonesync.core.TransferLimits.DEFAULTS, 1, false, null);
    assertEquals(z.serial(), ((IxfrStream.Result.UpToDate) r).serial());
  }

  @Test
  void write_refusesAnEmptyListOrABrokenChain() {
    IxfrWriter w = new IxfrWriter(512, null, null);
    assertThrows(IllegalArgumentException.class,
        () -> w.write(List.of(), ID, ZONE.toWire(), (m, n) -> { }));
    List<ZoneDelta> d = deltas(chain());
    List<ZoneDelta> gap = List.of(d.get(0), d.get(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w.write(gap, ID, ZONE.toWire(), (m, n) -> { }));
    assertTrue(e.getMessage().contains("delta 2 starts at serial 9, delta 1 ends at 8"),
        e.getMessage());
  }

  @Test
  void axfrStyleAnswer_echoesTheIxfrQuestion() throws Exception {
    CompactZone z = IxfrFixtures.compact(base(OURS + 3));
    List<byte[]> ms = new ArrayList<>();
    new AxfrWriter(512, null, null).write(z, ID, ZONE.toWire(), Type.IXFR,
        (m, n) -> ms.add(Arrays.copyOf(m, n)));
    assertEquals(Type.IXFR, new Message(ms.get(0)).getQuestion().getType());
    IxfrStream.Result r = IxfrStreamTest.run(IxfrFixtures.compact(base(OURS)), ms,
        org.zonesync.core.TransferLimits.DEFAULTS, 1, false, null);
    assertTrue(z.contentEquals(((IxfrStream.Result.Full) r).zone()));
  }
}
