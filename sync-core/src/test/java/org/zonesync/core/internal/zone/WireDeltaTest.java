// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.zonesync.core.internal.zone.ZoneTestData.name;
import static org.zonesync.core.internal.zone.ZoneTestData.rr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;
import org.zonesync.core.internal.zone.ZoneTestData.WireRr;

final class WireDeltaTest {

  private static final byte[] SOA10 = DeltaTestData.soaRdata(10);
  private static final byte[] SOA11 = DeltaTestData.soaRdata(11);

  private static WireDelta.Builder builder() {
    return WireDelta.builder(DeltaTestData.ORIGIN).fromSoa(3600, SOA10, 0, SOA10.length)
        .toSoa(3600, SOA11, 0, SOA11.length);
  }

  @Test
  void build_requiresBothSoas() {
    WireDelta.Builder noTo = WireDelta.builder(DeltaTestData.ORIGIN)
        .fromSoa(3600, SOA10, 0, SOA10.length);
    assertEquals("delta for example.com. has no to-SOA",
        assertThrows(IllegalStateException.class, noTo::build).getMessage());
    WireDelta.Builder noFrom = WireDelta.builder(DeltaTestData.ORIGIN)
        .toSoa(3600, SOA11, 0, SOA11.length);
    assertEquals("delta for example.com. has no from-SOA",
        assertThrows(IllegalStateException.class, noFrom::build).getMessage());
  }

  @Test
  void builder_reportsSerialsAndCounts_readingSoaRdataAtAnOffset() {
    byte[] padded = ZoneTestData.concat(new byte[] {9, 9, 9}, SOA11);
    WireRr www = DeltaTestData.a("www.example.com.", 1);
    WireDelta d = WireDelta.builder(DeltaTestData.ORIGIN).fromSoa(3600, SOA10, 0, SOA10.length)
        .toSoa(3600, padded, 3, SOA11.length)
        .delete(www.owner(), 0, www.owner().length, Type.A, DClass.IN, 300, www.rdata(), 0, 4)
        .add(www.owner(), 0, www.owner().length, Type.A, DClass.IN, 60, www.rdata(), 0, 4)
        .add(www.owner(), 0, www.owner().length, Type.TXT, DClass.IN, 60, new byte[] {0}, 0, 1)
        .build();
    assertEquals(new SerialNumber(10), d.from());
    assertEquals(new SerialNumber(11), d.to());
    assertEquals(1, d.deletedCount());
    assertEquals(2, d.addedCount());
    assertEquals("WireDelta[example.com., 10 -> 11, 1 deleted, 2 added]", d.toString());
  }

  @Test
  void builder_rejectsSoaInTheListsMalformedInputAndBadRanges() {
    byte[] owner = name("x.example.com.").toWire();
    WireDelta.Builder b = builder();
    assertThrows(IllegalArgumentException.class, () -> b.add(owner, 0, owner.length, Type.SOA,
        DClass.IN, 0, SOA10, 0, SOA10.length));
    assertThrows(IllegalArgumentException.class, () -> b.delete(owner, 0, owner.length,
        Type.SOA, DClass.IN, 0, SOA10, 0, SOA10.length));
    assertThrows(IllegalArgumentException.class, () -> b.add(owner, 0, owner.length - 1,
        Type.A, DClass.IN, 0, new byte[4], 0, 4));
    assertThrows(IllegalArgumentException.class, () -> b.add(owner, 0, owner.length, 65536,
        DClass.IN, 0, new byte[4], 0, 4));
    assertThrows(IllegalArgumentException.class, () -> b.add(owner, 0, owner.length, Type.A,
        DClass.IN, 1L << 32, new byte[4], 0, 4));
    assertThrows(IndexOutOfBoundsException.class, () -> b.add(owner, 0, owner.length, Type.A,
        DClass.IN, 0, new byte[4], 2, 4));
    assertThrows(IllegalArgumentException.class, () -> b.fromSoa(0, SOA10, 0, SOA10.length - 1));
    assertThrows(IllegalArgumentException.class, () -> WireDelta.builder(name("relative")));
  }

  @Test
  void of_rejectsDeltaOfAnotherZone() {
    ZoneDelta d = new ZoneDelta(soaRecord("example.org.", 10), soaRecord("example.org.", 11),
        List.of(), List.of());
    assertThrows(IllegalArgumentException.class, () -> WireDelta.of(DeltaTestData.ORIGIN, d));
  }

  @Test
  void toZoneDelta_keepsTtlOverflowRule_andSoaClass() {
    WireRr www = DeltaTestData.a("www.example.com.", 1);
    WireDelta d = WireDelta.builder(DeltaTestData.ORIGIN).dclass(DClass.CH)
        .fromSoa(3600, SOA10, 0, SOA10.length).toSoa(0x8000_0000L, SOA11, 0, SOA11.length)
        .add(www.owner(), 0, www.owner().length, Type.A, DClass.CH, 0xFFFF_FFFFL, www.rdata(), 0,
            4)
        .build();
    ZoneDelta z = d.toZoneDelta();
    assertEquals(DClass.CH, z.fromSoa().getDClass());
    assertEquals(0, z.toSoa().getTTL()); // RFC 2181 section 8: MSB set means 0
    assertEquals(0, z.added().get(0).getTTL());
  }

  /** ZoneDelta to WireDelta to ZoneDelta keeps every record byte for byte, owner case too. */
  @Property(tries = 200)
  void zoneDelta_roundTripsByteExact(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 40) int n) {
    Random rnd = new Random(seed);
    byte[] origin = DeltaTestData.ORIGIN.toWire();
    List<Record> deleted = new ArrayList<>();
    List<Record> added = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WireRr r = DeltaTestData.randomRecord(rnd, origin, DClass.IN, 10);
      Record rec = Record.newRecord(r.name(), r.type(), r.dclass(), r.ttl(), r.rdata());
      (rnd.nextBoolean() ? deleted : added).add(rec);
    }
    deleted.add(rr("MiXeD.Example.COM. 300 IN MX 10 Mail.EXAMPLE.com."));
    ZoneDelta original = new ZoneDelta(soaRecord("Example.COM.", 10),
        soaRecord("Example.COM.", 11), deleted, added);

    WireDelta w = WireDelta.of(name("example.com."), original);
    ZoneDelta back = w.toZoneDelta();

    assertEquals(deleted.size(), w.deletedCount());
    assertEquals(added.size(), w.addedCount());
    assertSameBytes(List.of(original.fromSoa()), List.of(back.fromSoa()));
    assertSameBytes(List.of(original.toSoa()), List.of(back.toSoa()));
    assertSameBytes(original.deleted(), back.deleted());
    assertSameBytes(original.added(), back.added());
    assertEquals("Example.COM.", w.origin().toString());
  }

  private static void assertSameBytes(List<Record> expected, List<Record> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).toWire(Section.ANSWER), actual.get(i).toWire(Section.ANSWER),
          expected.get(i)::toString);
      assertEquals(expected.get(i).getName().toString(), actual.get(i).getName().toString());
    }
  }

  private static SOARecord soaRecord(String owner, long serial) {
    return (SOARecord) rr(owner + " 3600 IN SOA ns1.Example.com. hostmaster.example.com. "
        + serial + " 7200 3600 1209600 300");
  }
}
