// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.zone.DeltaTestData.ORIGIN;
import static org.zonesync.core.internal.zone.DeltaTestData.a;
import static org.zonesync.core.internal.zone.DeltaTestData.assertWellFormed;
import static org.zonesync.core.internal.zone.DeltaTestData.build;
import static org.zonesync.core.internal.zone.DeltaTestData.copyOf;
import static org.zonesync.core.internal.zone.DeltaTestData.delta;
import static org.zonesync.core.internal.zone.DeltaTestData.recordsOf;
import static org.zonesync.core.internal.zone.DeltaTestData.rr;
import static org.zonesync.core.internal.zone.DeltaTestData.soa;
import static org.zonesync.core.internal.zone.DeltaTestData.soaWithSerial;
import static org.zonesync.core.internal.zone.ZoneTestData.name;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneContentException.Reason;
import org.zonesync.core.internal.zone.ZoneTestData.WireRr;

final class CompactZoneApplyTest {

  private static final WireRr NS = rr("example.com.", Type.NS, 3600,
      name("ns1.example.com.").toWire());

  /** SOA serial 10, NS, and {@code hosts} A records h0000 to h{hosts-1} (in canonical order). */
  private static CompactZone hosts(int hosts) throws ZoneContentException {
    List<WireRr> records = new ArrayList<>();
    records.add(NS);
    for (int i = 0; i < hosts; i++) {
      records.add(a(String.format(java.util.Locale.ROOT, "h%04d.example.com.", i), i % 250));
    }
    return build(ORIGIN, soa(ORIGIN, DClass.IN, 10), records);
  }

  private static CompactZone small() throws ZoneContentException {
    return build(ORIGIN, soa(ORIGIN, DClass.IN, 10),
        List.of(NS, a("www.example.com.", 1), a("www.example.com.", 2), a("mail.example.com.", 3)));
  }

  /** Applies exactly, and checks the result against a rebuild of the expected record set. */
  private static CompactZone applyAndCompare(CompactZone z, List<WireRr> deleted,
      List<WireRr> added) throws ZoneContentException {
    CompactZone before = copyOf(z);
    long serial = z.soa().getSerial() + 1;
    CompactZone applied = z.apply(delta(z, ORIGIN, serial, deleted, added), false, 0, 0);
    java.util.Set<String> gone = new java.util.HashSet<>();
    deleted.forEach(r -> gone.add(r.key()));
    List<WireRr> expected = new ArrayList<>();
    for (WireRr r : recordsOf(z)) {
      if (!gone.contains(r.key())) {
        expected.add(r);
      }
    }
    expected.addAll(added);
    WireRr old = DeltaTestData.soaOf(z);
    CompactZone rebuilt = build(ORIGIN, new WireRr(ORIGIN.toWire(), Type.SOA, DClass.IN,
        old.ttl(), soaWithSerial(old.rdata(), serial)), expected);
    assertTrue(applied.contentEquals(rebuilt));
    assertTrue(z.contentEquals(before), "the old version changed");
    assertWellFormed(applied);
    return applied;
  }

  @Nested
  final class Exactness {

    @Test
    void apply_rejectsWrongFromSerial() throws Exception {
      CompactZone z = small();
      WireRr s = DeltaTestData.soaOf(z);
      byte[] from = soaWithSerial(s.rdata(), 9);
      byte[] to = soaWithSerial(s.rdata(), 11);
      WireDelta d = WireDelta.builder(ORIGIN).fromSoa(3600, from, 0, from.length)
          .toSoa(3600, to, 0, to.length).build();
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(d, true, 0, 0));
      assertEquals(Reason.OUT_OF_SYNC, e.reason());
      assertEquals("IXFR out of sync: expected serial 10, got 9", e.getMessage());
    }

    @Test
    void apply_rejectsFromSoaWithOtherRdata_atTheSameSerial() throws Exception {
      CompactZone z = small();
      byte[] from = DeltaTestData.soaRdata(10);
      from[from.length - 1] ^= 1; // minimum TTL differs
      byte[] to = DeltaTestData.soaRdata(11);
      WireDelta d = WireDelta.builder(ORIGIN).fromSoa(3600, from, 0, from.length)
          .toSoa(3600, to, 0, to.length).build();
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(d, false, 0, 0));
      assertEquals(Reason.OUT_OF_SYNC, e.reason());
      assertEquals("IXFR out of sync: expected serial 10, got 10 with different SOA rdata",
          e.getMessage());
    }

    @Test
    void apply_rejectsSerialThatDoesNotIncrease() throws Exception {
      CompactZone z = small();
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(delta(z, ORIGIN, 10, List.of(), List.of()), false, 0, 0));
      assertEquals(Reason.SERIAL_NOT_NEWER, e.reason());
      assertEquals("delta serial does not increase: 10 -> 10", e.getMessage());
    }

    @Test
    void apply_rejectsDeltaForAnotherApex() throws Exception {
      CompactZone z = small();
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(delta(z, name("example.org."), 11, List.of(), List.of()), false, 0, 0));
      assertEquals(Reason.SOA_NOT_AT_APEX, e.reason());
    }

    @Test
    void apply_rejectsDeleteOfMissingRecord_namingIt() throws Exception {
      CompactZone z = small();
      ZoneContentException e = assertThrows(ZoneContentException.class, () -> z.apply(
          delta(z, ORIGIN, 11, List.of(a("www.example.com.", 9)), List.of()), false, 0, 0));
      assertEquals(Reason.NOT_EXACT, e.reason());
      assertEquals("IXFR deletes a record the zone lacks: www.example.com.\t300\tIN\tA\t"
          + "192.0.2.9", e.getMessage());
    }

    @Test
    void apply_rejectsAddOfPresentRecord_evenWithOtherCaseAndTtl() throws Exception {
      CompactZone z = small();
      WireRr present = rr("WWW.example.COM.", Type.A, 7, new byte[] {(byte) 192, 0, 2, 1});
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(delta(z, ORIGIN, 11, List.of(), List.of(present)), false, 0, 0));
      assertEquals(Reason.NOT_EXACT, e.reason());
      assertEquals("IXFR adds a record the zone has: WWW.example.COM.\t7\tIN\tA\t192.0.2.1",
          e.getMessage());
    }

    @Test
    void apply_rejectsTheSameDeleteTwice_andTheSameAddTwice() throws Exception {
      CompactZone z = small();
      WireRr www = a("www.example.com.", 1);
      WireRr fresh = a("new.example.com.", 5);
      assertEquals(Reason.NOT_EXACT, assertThrows(ZoneContentException.class, () -> z.apply(
          delta(z, ORIGIN, 11, List.of(www, www), List.of()), false, 0, 0)).reason());
      assertEquals(Reason.NOT_EXACT, assertThrows(ZoneContentException.class, () -> z.apply(
          delta(z, ORIGIN, 11, List.of(), List.of(fresh, fresh)), false, 0, 0)).reason());
    }

    @Test
    void apply_matchesDeletesIgnoringOwnerCaseAndTtl_andReaddsWithNewTtl() throws Exception {
      CompactZone z = small();
      WireRr del = rr("WWW.Example.com.", Type.A, 1, new byte[] {(byte) 192, 0, 2, 1});
      WireRr readd = rr("www.example.com.", Type.A, 60, new byte[] {(byte) 192, 0, 2, 1});
      CompactZone applied = applyAndCompare(z, List.of(del), List.of(readd));
      assertEquals(60, applied.lookup(name("www.example.com."), Type.A).get(0).getTTL());
      assertEquals(z.recordCount(), applied.recordCount());
    }

    @Test
    void apply_leniently_skipsAndCounts() throws Exception {
      CompactZone z = small();
      WireDelta d = delta(z, ORIGIN, 11,
          List.of(a("www.example.com.", 9), a("mail.example.com.", 3)),
          List.of(a("www.example.com.", 1), a("new.example.com.", 4)));
      CompactZone applied = z.apply(d, true, 0, 0);
      assertEquals(2, applied.ignoredDeltaRecords());
      assertEquals(0, z.ignoredDeltaRecords());
      assertTrue(applied.lookup(name("mail.example.com."), Type.A).isEmpty());
      assertEquals(1, applied.lookup(name("new.example.com."), Type.A).size());
      assertEquals(2, applied.lookup(name("www.example.com."), Type.A).size());
      assertEquals(0, z.apply(delta(z, ORIGIN, 11, List.of(), List.of()), false, 0, 0)
          .ignoredDeltaRecords());
    }
  }

  @Nested
  final class ContentChecks {

    private Reason reasonOfAdding(WireRr r) throws Exception {
      CompactZone z = small();
      return assertThrows(ZoneContentException.class,
          () -> z.apply(delta(z, ORIGIN, 11, List.of(), List.of(r)), true, 0, 0)).reason();
    }

    @Test
    void apply_rejectsAddedRecordsTheBuilderWouldReject() throws Exception {
      assertEquals(Reason.OUT_OF_ZONE, reasonOfAdding(a("www.example.org.", 1)));
      assertEquals(Reason.WRONG_CLASS, reasonOfAdding(new WireRr(
          name("x.example.com.").toWire(), Type.A, DClass.CH, 60, new byte[4])));
      assertEquals(Reason.META_TYPE, reasonOfAdding(rr("x.example.com.", Type.OPT, 60,
          new byte[0])));
      assertEquals(Reason.MALFORMED_RDATA, reasonOfAdding(rr("x.example.com.", Type.A, 60,
          new byte[3])));
    }

    @Test
    void apply_rejectsSoaOfAnotherClass() throws Exception {
      CompactZone z = small();
      WireRr s = DeltaTestData.soaOf(z);
      byte[] to = soaWithSerial(s.rdata(), 11);
      WireDelta d = WireDelta.builder(ORIGIN).dclass(DClass.CH)
          .fromSoa(3600, s.rdata(), 0, s.rdata().length).toSoa(3600, to, 0, to.length).build();
      assertEquals(Reason.WRONG_CLASS, assertThrows(ZoneContentException.class,
          () -> z.apply(d, false, 0, 0)).reason());
    }

    @Test
    void apply_enforcesRRsetLimit_acrossChunks() throws Exception {
      List<WireRr> records = new ArrayList<>(List.of(NS));
      for (int i = 0; i < 300; i++) {
        records.add(rr("big.example.com.", 65280, 60, new byte[] {(byte) (i >> 8), (byte) i}));
      }
      CompactZone z = build(ORIGIN, soa(ORIGIN, DClass.IN, 10), records);
      assertTrue(z.chunks().length > 1);
      List<WireRr> two = List.of(rr("BIG.example.com.", 65280, 60, new byte[] {9, 9}),
          rr("big.example.com.", 65280, 60, new byte[] {9, 10}));
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(delta(z, ORIGIN, 11, List.of(), two), false, 301, 0));
      assertEquals(Reason.RRSET_TOO_LARGE, e.reason());
      assertEquals("too many records in RRset BIG.example.com./TYPE65280: 302 > 301",
          e.getMessage());
      assertEquals(301, z.apply(delta(z, ORIGIN, 11, List.of(records.get(1)), two), false, 301,
          0).lookup(name("big.example.com."), 65280).size());
    }

    @Test
    void apply_enforcesTypesPerName() throws Exception {
      CompactZone z = small();
      WireRr txt = rr("www.example.com.", Type.TXT, 60, new byte[] {1, 'x'});
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> z.apply(delta(z, ORIGIN, 11, List.of(), List.of(txt)), false, 0, 1));
      assertEquals(Reason.TOO_MANY_TYPES, e.reason());
      assertEquals("too many types at www.example.com.: 2 > 1", e.getMessage());
      assertEquals(3, z.apply(delta(z, ORIGIN, 11, List.of(), List.of(txt)), false, 0, 2)
          .lookup(name("www.example.com."), Type.ANY).size());
    }
  }

  @Nested
  final class ChunkLayout {

    @Test
    void deltaThatEmptiesAWholeChunk_dropsIt() throws Exception {
      CompactZone z = hosts(2000);
      List<WireRr> all = recordsOf(z); // NS, then h0000...
      // Canonical positions 256..511 are exactly the second chunk.
      List<WireRr> gone = new ArrayList<>(all.subList(255, 511));
      CompactZone applied = applyAndCompare(z, gone, List.of());
      assertEquals(z.chunks().length - 1, applied.chunks().length);
      assertSame(z.chunks()[2], applied.chunks()[1]);
    }

    @Test
    void thousandAddsIntoOneChunk_splitIt() throws Exception {
      CompactZone z = hosts(2000);
      List<WireRr> added = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        added.add(a("x" + i + ".h0300.example.com.", i % 250));
      }
      CompactZone applied = applyAndCompare(z, List.of(), added);
      assertEquals(z.chunks().length + 4, applied.chunks().length);
      assertSame(z.chunks()[2], applied.chunks()[6]);
      assertSame(z.chunks()[z.chunks().length - 1], applied.chunks()[applied.chunks().length - 1]);
    }

    @Test
    void deltaTouchingFirstAndLastChunk_keepsTheMiddle_andTheSoaFirst() throws Exception {
      CompactZone z = hosts(2000);
      WireRr apexA = a("Example.com.", 7); // sorts before the SOA, in the first chunk
      WireRr last = a("zzz.example.com.", 8);
      WireRr h1999 = a("h1999.example.com.", 1999 % 250);
      CompactZone applied = applyAndCompare(z, List.of(h1999), List.of(apexA, last));
      Chunk[] before = z.chunks();
      Chunk[] after = applied.chunks();
      assertEquals(before.length, after.length);
      for (int i = 1; i < before.length - 1; i++) {
        assertSame(before[i], after[i]);
      }
      assertEquals(2, applied.soaIndex()); // apex A, NS, SOA
      ZoneCursor c = applied.cursor();
      c.next();
      assertEquals(Type.SOA, c.type());
      c.next();
      assertEquals(Type.A, c.type());
      assertEquals(11, applied.soa().getSerial());
    }

    @Test
    void apexRecordsThatSortJustBeforeTheSoa_stayBeforeIt() throws Exception {
      CompactZone z = hosts(10); // NS ns1, SOA, ...
      WireRr ns2 = rr("example.com.", Type.NS, 3600, name("ns2.example.com.").toWire());
      WireRr cname = rr("example.com.", Type.CNAME, 3600, name("x.example.net.").toWire());
      CompactZone applied = applyAndCompare(z, List.of(), List.of(ns2, cname));
      assertEquals(3, applied.soaIndex());
      CompactZone bare = build(ORIGIN, soa(ORIGIN, DClass.IN, 10), List.of());
      assertEquals(1, applyAndCompare(bare, List.of(), List.of(NS)).soaIndex());
    }

    @Test
    void deletingEverythingButSoaAndNs_leavesOneChunk() throws Exception {
      CompactZone z = hosts(2000);
      List<WireRr> gone = new ArrayList<>(recordsOf(z));
      gone.remove(0); // the NS
      CompactZone applied = applyAndCompare(z, gone, List.of());
      assertEquals(1, applied.chunks().length);
      assertEquals(2, applied.recordCount());
      assertEquals(List.of(Type.NS, Type.SOA), List.of(applied.chunks()[0].type(0),
          applied.chunks()[0].type(1)));
    }

    @Test
    void smallLeftover_isMergedWithTheNextChunk() throws Exception {
      CompactZone z = hosts(1000);
      List<WireRr> all = recordsOf(z);
      // Leave 10 records of the second chunk: under MIN_KEPT, so it joins the third.
      CompactZone applied = applyAndCompare(z, new ArrayList<>(all.subList(255, 501)),
          List.of());
      assertEquals(z.chunks().length - 1, applied.chunks().length);
      assertEquals(Chunk.MAX_RECORDS + 10, applied.chunks()[1].size());
    }

    @Test
    void addedRecord_sharesTheOwnerCopyOfItsNeighbour() throws Exception {
      CompactZone z = hosts(10);
      CompactZone applied = applyAndCompare(z, List.of(),
          List.of(rr("h0003.example.com.", Type.TXT, 300, new byte[] {1, 'x'})));
      Chunk c = applied.chunks()[0];
      int i = 0;
      while (c.type(i) != Type.TXT) {
        i++;
      }
      assertEquals(c.owner[i - 1], c.owner[i]);
      // TYPE, TTL, RDLENGTH and 2 octets of rdata; no second copy of the owner.
      assertEquals(z.chunks()[0].data.length + 10, c.data.length);
      assertTrue(applied.retainedBytesEstimate() > z.retainedBytesEstimate());
    }
  }

  @Nested
  final class AppliedZone {

    @Test
    void appliedZone_servesLookupsIterationAndMasterFile() throws Exception {
      CompactZone z = small();
      CompactZone applied = applyAndCompare(z, List.of(a("www.example.com.", 2)),
          List.of(rr("www.example.com.", Type.TXT, 300, new byte[] {2, 'h', 'i'})));
      assertEquals(1, applied.lookup(name("WWW.example.com."), Type.A).size());
      assertEquals(2, applied.lookup(name("www.example.com."), Type.ANY).size());
      assertEquals(11, applied.serial().value());
      StringBuilder text = new StringBuilder();
      applied.writeMasterFile(text);
      CompactZone again = ZoneTestData.build(ORIGIN, ZoneTestData.parseMaster(text.toString()));
      assertTrue(again.contentEquals(applied));
      int n = 0;
      for (var r : applied) {
        n++;
        assertTrue(r.getName().subdomain(ORIGIN));
      }
      assertEquals(applied.recordCount(), n);
    }

    @Test
    void newSoa_takesTheDeltaOwnerCase() throws Exception {
      CompactZone z = build(ORIGIN, soa(name("EXAMPLE.COM."), DClass.IN, 10), List.of(NS));
      CompactZone applied = z.apply(delta(z, name("Example.Com."), 11, List.of(), List.of()),
          false, 0, 0);
      assertEquals("Example.Com.", applied.soa().getName().toString());
      assertArrayEquals(name("Example.Com.").toWire(), DeltaTestData.soaOf(applied).owner());
    }

    @Test
    void apply_rejectsNegativeLimits() throws Exception {
      CompactZone z = small();
      WireDelta d = delta(z, ORIGIN, 11, List.of(), List.of());
      assertThrows(IllegalArgumentException.class, () -> z.apply(d, false, -1, 0));
    }
  }

  @Nested
  final class Diff {

    @Test
    void diff_ofTtlOrCaseChange_isDeletePlusAdd() throws Exception {
      CompactZone from = small();
      CompactZone to = build(ORIGIN, soa(ORIGIN, DClass.IN, 11), List.of(NS,
          rr("www.example.com.", Type.A, 301, new byte[] {(byte) 192, 0, 2, 1}),
          a("WWW.example.com.", 2), a("mail.example.com.", 3)));
      WireDelta d = CompactZone.diff(from, to);
      assertEquals(2, d.deletedCount());
      assertEquals(2, d.addedCount());
      assertEquals(10, d.from().value());
      assertEquals(11, d.to().value());
      assertTrue(from.apply(d, false, 0, 0).contentEquals(to));
    }

    @Test
    void diff_ofAnAppliedDelta_findsExactlyItsRecords() throws Exception {
      CompactZone z = hosts(5000);
      List<WireRr> all = recordsOf(z);
      List<WireRr> gone = List.of(all.get(10), all.get(2000), all.get(4999));
      List<WireRr> added = List.of(a("new.example.com.", 1), a("h2500x.example.com.", 2));
      CompactZone applied = applyAndCompare(z, gone, added);
      WireDelta d = CompactZone.diff(z, applied);
      assertEquals(3, d.deletedCount());
      assertEquals(2, d.addedCount());
      assertTrue(z.apply(d, false, 0, 0).contentEquals(applied));
    }

    @Test
    void diff_rejectsSerialNotNewer_andOtherZones() throws Exception {
      CompactZone z = small();
      assertThrows(IllegalArgumentException.class, () -> CompactZone.diff(z, z));
      CompactZone wrap = build(ORIGIN, soa(ORIGIN, DClass.IN, 10 + (1L << 31)), List.of(NS));
      assertThrows(IllegalArgumentException.class, () -> CompactZone.diff(z, wrap));
      Name org = name("example.org.");
      CompactZone other = build(org, DeltaTestData.soa(org, DClass.IN, 11), List.of());
      assertThrows(IllegalArgumentException.class, () -> CompactZone.diff(z, other));
    }
  }
}
