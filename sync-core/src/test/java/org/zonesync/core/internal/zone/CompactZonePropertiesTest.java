// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneTestData.RandomZone;
import org.zonesync.core.internal.zone.ZoneTestData.WireRr;

/**
 * Properties of whole zones: the master-file round trip through dnsjava, independence from input
 * order, and the cursor's order checked against dnsjava's own name order.
 */
final class CompactZonePropertiesTest {

  @Provide
  Arbitrary<RandomZone> zones() {
    return ZoneTestData.zones(60);
  }

  /**
   * Snapshot to text to dnsjava {@code Master} to builder gives the same records, byte-exact
   * (one case form per owner: see {@link RandomZone#withOneCasePerName()}).
   */
  @Property(tries = 300)
  void masterFile_roundTripsThroughDnsjava(@ForAll("zones") RandomZone zone) throws Exception {
    CompactZone z = zone.withOneCasePerName().build();
    StringBuilder text = new StringBuilder();
    z.writeMasterFile(text);
    List<Record> parsed = ZoneTestData.parseMaster(text.toString());
    assertEquals(z.recordCount(), parsed.size());
    CompactZone again = ZoneTestData.build(zone.origin(), parsed);
    assertTrue(again.contentEquals(z), text::toString);
    assertEquals(z.hashCode(), again.hashCode());
  }

  /** Input order does not matter once the input has no conflicting near-duplicates. */
  @Property(tries = 300)
  void build_isIndependentOfInputOrder(@ForAll("zones") RandomZone zone, @ForAll long seed)
      throws Exception {
    // Records equal but for owner case or TTL are duplicates, and which one is kept depends on
    // order by design; keep one of each, then add exact copies back.
    Map<String, WireRr> unique = new LinkedHashMap<>();
    zone.records().forEach(r -> unique.putIfAbsent(r.key(), r));
    List<WireRr> input = new ArrayList<>(unique.values());
    Random random = new Random(seed);
    for (int i = 0, n = input.size(); i < n / 3; i++) {
      input.add(input.get(random.nextInt(n)));
    }
    List<WireRr> shuffled = new ArrayList<>(input);
    Collections.shuffle(shuffled, random);
    CompactZone a = new RandomZone(zone.origin(), zone.dclass(), input).build();
    CompactZone b = new RandomZone(zone.origin(), zone.dclass(), shuffled).build();
    assertTrue(a.contentEquals(b));
    assertEquals(unique.size(), a.recordCount());
  }

  /** The cursor gives the SOA, then every other record once, in RFC 4034 order per dnsjava. */
  @Property(tries = 300)
  void cursor_yieldsSoaFirst_thenCanonicalOrder(@ForAll("zones") RandomZone zone)
      throws Exception {
    CompactZone z = zone.build();
    ZoneCursor c = z.cursor();
    assertTrue(c.next());
    assertEquals(Type.SOA, c.type());
    assertEquals(z.soa().getName(), name(c));
    long n = 1;
    Name prevName = null;
    int prevType = -1;
    byte[] prevRdata = null;
    while (c.next()) {
      n++;
      assertTrue(c.type() != Type.SOA);
      Name owner = name(c);
      byte[] rdata = Arrays.copyOfRange(c.rdataArray(), c.rdataOffset(),
          c.rdataOffset() + c.rdataLength());
      if (prevName != null) {
        int byName = prevName.compareTo(owner);
        assertTrue(byName <= 0, prevName + " after " + owner);
        if (byName == 0) {
          assertTrue(prevType <= c.type());
          if (prevType == c.type()) {
            assertTrue(Arrays.compareUnsigned(prevRdata, rdata) < 0, "duplicate or misordered");
          }
        }
      }
      prevName = owner;
      prevType = c.type();
      prevRdata = rdata;
    }
    assertEquals(z.recordCount(), n);
  }

  /** Every RRset found by walking the zone is what lookup returns for it, and ANY is the union. */
  @Property(tries = 200)
  void lookup_matchesAWalkOfTheZone(@ForAll("zones") RandomZone zone) throws Exception {
    CompactZone z = zone.build();
    Map<Name, List<Record>> byName = new LinkedHashMap<>();
    for (Record r : z) {
      byName.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<Name, List<Record>> e : byName.entrySet()) {
      assertEquals(e.getValue(), z.lookup(e.getKey(), Type.ANY));
      for (Record r : e.getValue()) {
        List<Record> rrset = new ArrayList<>();
        for (Record x : e.getValue()) {
          if (x.getType() == r.getType()) {
            rrset.add(x);
          }
        }
        assertEquals(rrset, z.lookup(e.getKey(), r.getType()));
      }
    }
  }

  private static Name name(ZoneCursor c) {
    return CanonicalNames.toName(c.ownerArray(), c.ownerOffset(), c.ownerLength());
  }
}
