// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.zone.ZoneTestData.build;
import static org.zonesync.core.internal.zone.ZoneTestData.name;
import static org.zonesync.core.internal.zone.ZoneTestData.parseMaster;
import static org.zonesync.core.internal.zone.ZoneTestData.rr;
import static org.zonesync.core.internal.zone.ZoneTestData.soaLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;
import org.zonesync.api.SerialNumber;

final class CompactZoneTest {

  private static final String SOA = soaLine("example.com.");

  private static CompactZone sample() throws ZoneContentException {
    return build("example.com.", SOA,
        "example.com. 3600 IN NS ns1.example.com.",
        "ns1.example.com. 3600 IN A 192.0.2.53",
        "www.example.com. 300 IN A 192.0.2.1",
        "www.example.com. 300 IN A 192.0.2.2",
        "www.example.com. 300 IN AAAA 2001:db8::1",
        "www.example.com. 300 IN TXT \"hello\"",
        "mail.example.com. 300 IN MX 10 MX1.Example.COM.");
  }

  @Nested
  final class Lookup {

    @Test
    void lookup_returnsTheRRset_ignoringCase() throws Exception {
      List<Record> a = sample().lookup(name("WWW.EXAMPLE.COM."), Type.A);
      assertEquals(List.of(rr("www.example.com. 300 IN A 192.0.2.1"),
          rr("www.example.com. 300 IN A 192.0.2.2")), a);
    }

    @Test
    void lookup_any_returnsEveryRecordAtTheName_inCanonicalOrder() throws Exception {
      List<Integer> types = new ArrayList<>();
      for (Record r : sample().lookup(name("www.example.com."), Type.ANY)) {
        types.add(r.getType());
      }
      assertEquals(List.of(Type.A, Type.A, Type.TXT, Type.AAAA), types);
    }

    @Test
    void lookup_isEmpty_forMissingTypeNameOrOutOfZoneName() throws Exception {
      CompactZone z = sample();
      assertTrue(z.lookup(name("www.example.com."), Type.MX).isEmpty());
      assertTrue(z.lookup(name("nope.example.com."), Type.ANY).isEmpty());
      assertTrue(z.lookup(name("zzz.example.com."), Type.A).isEmpty());
      assertTrue(z.lookup(name("www.example.org."), Type.A).isEmpty());
      assertTrue(z.lookup(name("a.a.a.a.a.www.example.com."), Type.A).isEmpty());
    }

    @Test
    void lookup_apex_findsSoaAndNs() throws Exception {
      CompactZone z = sample();
      assertEquals(List.of(z.soa()), z.lookup(name("example.com."), Type.SOA));
      assertEquals(2, z.lookup(name("Example.Com."), Type.ANY).size());
    }

    @Test
    void lookup_findsRRsetsThatSpanChunks() throws Exception {
      List<Record> records = new ArrayList<>();
      records.add(rr(SOA));
      for (int i = 0; i < 1000; i++) {
        records.add(rr("h" + (i % 7) + ".example.com. 60 IN A 10.0." + (i / 250) + "." + i % 250));
      }
      CompactZone z = build(name("example.com."), records);
      int total = 0;
      for (int h = 0; h < 7; h++) {
        List<Record> got = z.lookup(name("H" + h + ".example.com."), Type.A);
        List<Record> expected = new ArrayList<>();
        for (Record r : z) {
          if (r.getName().equals(name("h" + h + ".example.com."))) {
            expected.add(r);
          }
        }
        assertEquals(expected, got);
        total += got.size();
      }
      assertEquals(1000, total);
    }
  }

  @Nested
  final class CasePreservation {

    @Test
    void zone_keepsCaseOfOwnersAndOfNamesInRdata() throws Exception {
      CompactZone z = build("example.com.", SOA,
          "WwW.Example.COM. 300 IN CNAME Target.EXAMPLE.com.",
          "mail.example.com. 300 IN MX 10 MX1.Example.COM.");
      CNAMERecord cname = (CNAMERecord) z.lookup(name("www.example.com."), Type.CNAME).get(0);
      assertEquals("WwW.Example.COM.", cname.getName().toString());
      assertEquals("Target.EXAMPLE.com.", cname.getTarget().toString());
      MXRecord mx = (MXRecord) z.lookup(name("mail.example.com."), Type.MX).get(0);
      assertEquals("MX1.Example.COM.", mx.getTarget().toString());
      ZoneCursor c = z.cursor();
      while (c.next() && c.type() != Type.CNAME) {
        // skip to the CNAME
      }
      byte[] rdata = Arrays.copyOfRange(c.rdataArray(), c.rdataOffset(),
          c.rdataOffset() + c.rdataLength());
      assertArrayEquals(name("Target.EXAMPLE.com.").toWire(), rdata);
      byte[] owner = Arrays.copyOfRange(c.ownerArray(), c.ownerOffset(),
          c.ownerOffset() + c.ownerLength());
      assertArrayEquals(name("WwW.Example.COM.").toWire(), owner);
    }
  }

  @Nested
  final class UnknownTypes {

    @Test
    void unknownType_roundTripsByteExact_throughMasterFile() throws Exception {
      CompactZone z = build("example.com.", SOA,
          "x.example.com. 300 IN TYPE65280 \\# 3 00C0FF",
          "x.example.com. 300 IN TYPE65280 \\# 0");
      Record u = z.lookup(name("x.example.com."), 65280).get(1);
      assertTrue(u instanceof UNKRecord);
      assertEquals("\\# 3 00C0FF", u.rdataToString());
      StringBuilder text = new StringBuilder();
      z.writeMasterFile(text);
      assertTrue(text.toString().contains("TYPE65280\t\\# 3 00C0FF"), text.toString());
      CompactZone again = build(name("example.com."), parseMaster(text.toString()));
      assertTrue(again.contentEquals(z));
      byte[] wire = again.lookup(name("x.example.com."), 65280).get(1).toWire(Section.ANSWER);
      assertArrayEquals(new byte[] {0, 3, 0, (byte) 0xC0, (byte) 0xFF},
          Arrays.copyOfRange(wire, wire.length - 5, wire.length));
    }

    @Test
    void knownTypeInGenericForm_isStoredAsItsRdata() throws Exception {
      CompactZone generic =
          build("example.com.", SOA, "x.example.com. 300 IN TYPE1 \\# 4 C0000201");
      CompactZone plain = build("example.com.", SOA, "x.example.com. 300 IN A 192.0.2.1");
      assertTrue(generic.contentEquals(plain));
      StringBuilder text = new StringBuilder();
      generic.writeMasterFile(text);
      assertTrue(build(name("example.com."), parseMaster(text.toString())).contentEquals(plain));
    }
  }

  @Nested
  final class Cursor {

    @Test
    void cursor_yieldsSoaFirst_thenTheRestInCanonicalOrder() throws Exception {
      CompactZone z = sample();
      ZoneCursor c = z.cursor();
      List<Record> seen = new ArrayList<>();
      while (c.next()) {
        seen.add(Record.newRecord(CanonicalNames.toName(c.ownerArray(), c.ownerOffset(),
            c.ownerLength()), c.type(), c.dclass(), c.ttl(), Arrays.copyOfRange(c.rdataArray(),
            c.rdataOffset(), c.rdataOffset() + c.rdataLength())));
      }
      List<Record> expected = new ArrayList<>();
      expected.add(z.soa());
      for (Record r : z) {
        if (r.getType() != Type.SOA) {
          expected.add(r);
        }
      }
      assertEquals(expected, seen);
      assertEquals(z.recordCount(), seen.size());
      assertFalse(c.next());
    }

    @Test
    void cursor_refusesAccessBeforeNextAndAfterEnd() throws Exception {
      ZoneCursor c = sample().cursor();
      assertThrows(IllegalStateException.class, c::type);
      while (c.next()) {
        c.ttl();
      }
      assertThrows(IllegalStateException.class, c::ownerLength);
    }
  }

  @Nested
  final class Identity {

    @Test
    void contentEquals_seesCaseAndTtlDifferences() throws Exception {
      CompactZone a = build("example.com.", SOA, "www.example.com. 300 IN A 192.0.2.1");
      CompactZone same = build("example.com.", SOA, "www.example.com. 300 IN A 192.0.2.1");
      CompactZone upper = build("example.com.", SOA, "WWW.example.com. 300 IN A 192.0.2.1");
      CompactZone ttl = build("example.com.", SOA, "www.example.com. 301 IN A 192.0.2.1");
      assertTrue(a.contentEquals(same));
      assertEquals(a, same);
      assertEquals(a.hashCode(), same.hashCode());
      assertFalse(a.contentEquals(upper));
      assertNotEquals(a, ttl);
      assertNotEquals(a, sample());
    }

    @Test
    void snapshot_reportsSoaSerialCountAndSize() throws Exception {
      CompactZone z = sample();
      assertEquals(new SerialNumber(2024010101L), z.serial());
      assertEquals(8, z.recordCount());
      assertEquals(name("example.com."), z.origin());
      assertTrue(z.retainedBytesEstimate() > 0);
      assertEquals("CompactZone[example.com., serial 2024010101, 8 records]", z.toString());
    }

    @Test
    void writeMasterFile_writesEachOwnerInItsOwnCase() throws Exception {
      CompactZone z = build("example.com.", SOA,
          "WWW.example.com. 300 IN A 192.0.2.1",
          "www.Example.com. 300 IN A 192.0.2.2");
      StringBuilder text = new StringBuilder();
      z.writeMasterFile(text);
      assertTrue(text.toString().contains("\nWWW.example.com.\t300\tIN\tA\t192.0.2.1\n"),
          text::toString);
      assertTrue(text.toString().contains("\nwww.Example.com.\t300\tIN\tA\t192.0.2.2\n"),
          text::toString);
    }

    @Test
    void writeMasterFile_startsWithOriginThenSoa_andReadsBackEqual() throws Exception {
      CompactZone z = sample();
      StringBuilder text = new StringBuilder();
      z.writeMasterFile(text);
      String[] lines = text.toString().split("\n");
      assertEquals("$ORIGIN example.com.", lines[0]);
      assertEquals(z.soa().toString(), lines[1]);
      assertEquals(z.recordCount() + 1, lines.length);
      List<Record> parsed = parseMaster(text.toString());
      assertEquals(z.soa(), parsed.get(0));
      assertTrue(build(name("example.com."), parsed).contentEquals(z));
    }
  }
}
