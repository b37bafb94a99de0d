// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.zonesync.core.internal.zone.ZoneTestData.build;
import static org.zonesync.core.internal.zone.ZoneTestData.name;
import static org.zonesync.core.internal.zone.ZoneTestData.rr;
import static org.zonesync.core.internal.zone.ZoneTestData.soaLine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneContentException.Reason;

final class CompactZoneBuilderTest {

  private static final String SOA = soaLine("example.com.");

  /** Owner names, as text, in the order the cursor yields them after the SOA. */
  private static List<String> ownersAfterSoa(CompactZone z) {
    List<String> out = new ArrayList<>();
    ZoneCursor c = z.cursor();
    c.next();
    while (c.next()) {
      out.add(CanonicalNames.toText(c.ownerArray(), c.ownerOffset(), c.ownerLength()) + "/"
          + Type.string(c.type()));
    }
    return out;
  }

  @Nested
  final class Ordering {

    @Test
    void build_sortsRfc4034Example_fromReversedInput() throws Exception {
      String[] rfc = {"a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
          "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."};
      List<Record> records = new ArrayList<>();
      records.add(rr(soaLine("example.")));
      for (String owner : rfc) {
        records.add(rr(owner + " 300 IN A 192.0.2.1"));
      }
      Collections.reverse(records);
      CompactZone z = ZoneTestData.build(name("example."), records);
      List<String> expected = new ArrayList<>();
      for (String owner : rfc) {
        expected.add(owner + "/A");
      }
      assertEquals(expected, ownersAfterSoa(z));
    }

    @Test
    void build_ordersByTypeThenRdataUnsigned_withinAName() throws Exception {
      CompactZone z = build("example.com.", SOA,
          "x.example.com. 300 IN TXT \"b\"",
          "x.example.com. 300 IN A 192.0.2.200",
          "x.example.com. 300 IN A 192.0.2.3",
          "x.example.com. 300 IN NS ns.example.org.",
          "x.example.com. 300 IN A 192.0.2.20");
      assertEquals(List.of(rr("x.example.com. 300 IN A 192.0.2.3"),
          rr("x.example.com. 300 IN A 192.0.2.20"),
          rr("x.example.com. 300 IN A 192.0.2.200"),
          rr("x.example.com. 300 IN NS ns.example.org."),
          rr("x.example.com. 300 IN TXT \"b\"")), z.lookup(name("x.example.com."), Type.ANY));
    }
  }

  @Nested
  final class Duplicates {

    @Test
    void build_dropsExactDuplicates_keepingTheFirstAdded() throws Exception {
      CompactZone z = build("example.com.", SOA,
          "WWW.example.com. 300 IN A 192.0.2.1",
          "www.example.com. 600 IN A 192.0.2.1",
          "www.EXAMPLE.com. 300 IN A 192.0.2.2",
          SOA);
      assertEquals(3, z.recordCount());
      List<Record> a = z.lookup(name("www.example.com."), Type.A);
      assertEquals(2, a.size());
      assertEquals("WWW.example.com.", a.get(0).getName().toString());
      assertEquals(300, a.get(0).getTTL());
      assertEquals("www.EXAMPLE.com.", a.get(1).getName().toString());
    }

    @Test
    void build_keepsRecordsDifferingOnlyInRdataCase() throws Exception {
      CompactZone z = build("example.com.", SOA,
          "x.example.com. 300 IN NS ns.example.org.",
          "x.example.com. 300 IN NS NS.example.org.");
      assertEquals(3, z.recordCount());
    }
  }

  @Nested
  final class Checks {

    private ZoneContentException fails(String... lines) {
      return assertThrows(ZoneContentException.class, () -> build("example.com.", lines));
    }

    @Test
    void build_rejects_noSoa() {
      ZoneContentException e = fails("www.example.com. 300 IN A 192.0.2.1");
      assertEquals(Reason.NO_SOA, e.reason());
      assertEquals("zone example.com. has no SOA record", e.getMessage());
      assertEquals(name("example.com."), e.zone());
    }

    @Test
    void build_rejects_twoDifferentSoas() {
      ZoneContentException e = fails(SOA, SOA.replace("2024010101", "2024010102"));
      assertEquals(Reason.MULTIPLE_SOA, e.reason());
      assertEquals("zone example.com. has 2 SOA records", e.getMessage());
    }

    @Test
    void build_rejects_soaBelowTheApex() {
      ZoneContentException e = fails(SOA, SOA.replaceFirst("^example", "sub.example"));
      assertEquals(Reason.SOA_NOT_AT_APEX, e.reason());
      assertEquals("SOA record at sub.example.com. is not at the apex example.com.",
          e.getMessage());
    }

    @Test
    void build_rejects_recordOutsideTheZone() {
      ZoneContentException e = fails(SOA, "www.badexample.com. 300 IN A 192.0.2.1");
      assertEquals(Reason.OUT_OF_ZONE, e.reason());
      assertEquals("record www.badexample.com./A is outside the zone example.com.",
          e.getMessage());
    }

    @Test
    void build_rejects_recordOfAnotherClass() {
      ZoneContentException e = fails(SOA, "www.example.com. 300 CH A 192.0.2.1");
      assertEquals(Reason.WRONG_CLASS, e.reason());
      assertEquals("record www.example.com./A has class CH, the zone class is IN",
          e.getMessage());
    }

    @Test
    void build_rejects_soaOfMetaClass() {
      ZoneContentException e = fails(SOA.replace(" IN ", " ANY "));
      assertEquals(Reason.WRONG_CLASS, e.reason());
      assertEquals("zone example.com. has SOA class ANY, not a data class", e.getMessage());
    }

    @Test
    void build_rejects_metaTypes() {
      for (int type : new int[] {0, Type.OPT, 128, Type.TSIG, Type.ANY}) {
        CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 100);
        b.add(rr(SOA));
        byte[] owner = name("x.example.com.").toWire();
        b.add(owner, 0, owner.length, type, DClass.IN, 0, new byte[0], 0, 0);
        ZoneContentException e = assertThrows(ZoneContentException.class, b::build);
        assertEquals(Reason.META_TYPE, e.reason());
        assertEquals("record x.example.com./" + Type.string(type)
            + " has a meta type, not allowed in a zone", e.getMessage());
      }
    }

    @Test
    void build_rejects_malformedRdata() {
      CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 100);
      b.add(rr(SOA));
      byte[] owner = name("x.example.com.").toWire();
      b.add(owner, 0, owner.length, Type.A, DClass.IN, 0, new byte[3], 0, 3);
      ZoneContentException e = assertThrows(ZoneContentException.class, b::build);
      assertEquals(Reason.MALFORMED_RDATA, e.reason());
      assertEquals("malformed rdata in x.example.com./A: 3 bytes", e.getMessage());
    }

    @Test
    void build_rejects_rrsetOverLimit_butAcceptsTheLimitAndNoLimit() throws Exception {
      List<Record> records = new ArrayList<>();
      records.add(rr(SOA));
      for (int i = 0; i < 101; i++) {
        records.add(rr("Www.example.com. 300 IN A 10.0.0." + i));
      }
      CompactZoneBuilder strict = new CompactZoneBuilder(name("example.com."), 100, 100);
      records.forEach(strict::add);
      ZoneContentException e = assertThrows(ZoneContentException.class, strict::build);
      assertEquals(Reason.RRSET_TOO_LARGE, e.reason());
      assertEquals("too many records in RRset Www.example.com./A: 101 > 100", e.getMessage());
      for (int limit : new int[] {101, 0}) {
        CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), limit, 100);
        records.forEach(b::add);
        assertEquals(102, b.build().recordCount());
      }
    }

    @Test
    void build_rejects_tooManyTypesAtAName() {
      CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 3);
      b.add(rr(SOA));
      byte[] owner = name("x.example.com.").toWire();
      for (int t = 65280; t < 65284; t++) {
        b.add(owner, 0, owner.length, t, DClass.IN, 0, new byte[0], 0, 0);
      }
      ZoneContentException e = assertThrows(ZoneContentException.class, b::build);
      assertEquals(Reason.TOO_MANY_TYPES, e.reason());
      assertEquals("too many types at x.example.com.: 4 > 3", e.getMessage());
    }
  }

  @Nested
  final class Input {

    @Test
    void add_rejectsMalformedOwner_andOutOfRangeFields() {
      CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 100);
      byte[] pointer = {(byte) 0xC0, 12};
      assertThrows(IllegalArgumentException.class,
          () -> b.add(pointer, 0, 2, Type.A, DClass.IN, 0, new byte[4], 0, 4));
      byte[] owner = name("example.com.").toWire();
      assertThrows(IllegalArgumentException.class,
          () -> b.add(owner, 0, owner.length, 65536, DClass.IN, 0, new byte[4], 0, 4));
      assertThrows(IllegalArgumentException.class,
          () -> b.add(owner, 0, owner.length, Type.A, DClass.IN, 1L << 32, new byte[4], 0, 4));
      assertThrows(IndexOutOfBoundsException.class,
          () -> b.add(owner, 0, owner.length, Type.A, DClass.IN, 0, new byte[4], 2, 4));
      assertEquals(0, b.size());
    }

    @Test
    void add_storesTtlWithHighBitAsZero_rfc2181Section8() throws Exception {
      CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 100);
      b.add(rr(SOA));
      byte[] owner = name("x.example.com.").toWire();
      b.add(owner, 0, owner.length, Type.A, DClass.IN, 0x8000_0000L, new byte[4], 0, 4);
      assertEquals(0, b.build().lookup(name("x.example.com."), Type.A).get(0).getTTL());
    }

    @Test
    void add_copiesTheCallersBytes() throws Exception {
      CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 100);
      b.add(rr(SOA));
      byte[] buf = new byte[64];
      byte[] owner = name("x.example.com.").toWire();
      System.arraycopy(owner, 0, buf, 3, owner.length);
      buf[40] = 1;
      b.add(buf, 3, owner.length, Type.A, DClass.IN, 60, buf, 40, 4);
      java.util.Arrays.fill(buf, (byte) 9);
      List<Record> a = b.build().lookup(name("x.example.com."), Type.A);
      assertArrayEquals(new byte[] {1, 0, 0, 0}, a.get(0).rdataToWireCanonical());
      assertEquals(2, b.size());
    }

    @Test
    void build_canBeCalledTwice_withEqualResults() throws Exception {
      CompactZoneBuilder b = new CompactZoneBuilder(name("example.com."), 100, 100);
      b.add(rr("b.example.com. 300 IN A 192.0.2.1"));
      b.add(rr(SOA));
      Name unused = name("a.example.com.");
      b.add(rr(unused + " 300 IN A 192.0.2.1"));
      assertEquals(b.build(), b.build());
    }
  }
}
