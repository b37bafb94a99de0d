// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.zone.DeltaTestData.ORIGIN;
import static org.zonesync.core.internal.zone.DeltaTestData.assertWellFormed;
import static org.zonesync.core.internal.zone.DeltaTestData.build;
import static org.zonesync.core.internal.zone.DeltaTestData.byKey;
import static org.zonesync.core.internal.zone.DeltaTestData.copyOf;
import static org.zonesync.core.internal.zone.DeltaTestData.randomRecord;
import static org.zonesync.core.internal.zone.DeltaTestData.recase;
import static org.zonesync.core.internal.zone.DeltaTestData.recordsOf;
import static org.zonesync.core.internal.zone.DeltaTestData.soaOf;
import static org.zonesync.core.internal.zone.DeltaTestData.soaWithSerial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneContentException.Reason;
import org.zonesync.core.internal.zone.ZoneTestData.RandomZone;
import org.zonesync.core.internal.zone.ZoneTestData.WireRr;

/**
 * Differential properties of {@link CompactZone#apply} and {@link CompactZone#diff}: every result
 * is compared with a zone built from scratch by {@link CompactZoneBuilder} from the record set
 * the delta should produce, which is the rebuild approach the copy-on-write path replaces.
 */
final class CompactZoneDeltaPropertiesTest {

  @Provide
  Arbitrary<RandomZone> zones() {
    return ZoneTestData.zones(60);
  }

  /** Random zone pairs (any octets in owners, mixed case, unknown types): diff, then apply. */
  @Property(tries = 300)
  void diff_thenApply_equalsTheTarget(@ForAll("zones") RandomZone zone, @ForAll long seed)
      throws Exception {
    CompactZone from = zone.build();
    Random rnd = new Random(seed);
    List<WireRr> toRecords = new ArrayList<>();
    for (WireRr r : recordsOf(from)) {
      switch (rnd.nextInt(8)) {
        case 0:
          break; // deleted
        case 1:
          toRecords.add(new WireRr(r.owner(), r.type(), r.dclass(), r.ttl() ^ 1, r.rdata()));
          break;
        case 2:
          toRecords.add(new WireRr(recase(rnd, r.owner()), r.type(), r.dclass(), r.ttl(),
              r.rdata()));
          break;
        default:
          toRecords.add(r);
      }
    }
    for (int i = rnd.nextInt(30); i > 0; i--) {
      toRecords.add(randomRecord(rnd, from.originWire(), from.dclass(), 12));
    }
    CompactZone to = build(from.origin(), newerSoa(rnd, from), toRecords);

    WireDelta d = CompactZone.diff(from, to);
    CompactZone before = copyOf(from);
    CompactZone applied = from.apply(d, false, 0, 0);

    assertTrue(applied.contentEquals(to), d::toString);
    assertEquals(to.hashCode(), applied.hashCode());
    assertEquals(to.soa(), applied.soa());
    assertTrue(from.contentEquals(before), "the old version changed");
    assertWellFormed(applied);
    // The journal's form of the same delta applies to the same result.
    CompactZone viaJournal = from.apply(WireDelta.of(from.origin(), d.toZoneDelta()), false,
        0, 0);
    assertTrue(viaJournal.contentEquals(to));
  }

  /** A chain of random deltas on zones of up to a few thousand records, each against a rebuild. */
  @Property(tries = 60)
  void randomDeltas_equalARebuild(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 3000) int size) throws Exception {
    Random rnd = new Random(seed);
    CompactZone z = randomZone(rnd, size);
    for (int step = 0; step < 4; step++) {
      Map<String, WireRr> model = byKey(recordsOf(z));
      List<WireRr> all = new ArrayList<>(model.values());
      List<WireRr> deleted = pickDeletions(rnd, all);
      List<WireRr> added = new ArrayList<>();
      for (WireRr r : deleted) {
        model.remove(r.key());
      }
      for (WireRr r : pickAdditions(rnd, all, z)) {
        if (!model.containsKey(r.key())) {
          model.put(r.key(), r);
          added.add(r);
        }
      }
      List<WireRr> deleteForms = new ArrayList<>();
      for (WireRr r : deleted) { // matching ignores owner case and TTL
        deleteForms.add(new WireRr(recase(rnd, r.owner()), r.type(), r.dclass(),
            rnd.nextInt(1000), r.rdata()));
      }
      long toSerial = DeltaTestData.serialOf(z) + 1 + rnd.nextInt(1000);
      WireDelta d = DeltaTestData.delta(z, ORIGIN, toSerial, deleteForms, added);
      CompactZone before = step == 0 ? copyOf(z) : z;

      CompactZone applied = z.apply(d, false, 0, 0);

      WireRr oldSoa = soaOf(z);
      WireRr newSoa = new WireRr(ORIGIN.toWire(), Type.SOA, DClass.IN, oldSoa.ttl(),
          soaWithSerial(oldSoa.rdata(), toSerial));
      CompactZone expected = build(ORIGIN, newSoa, model.values());
      assertTrue(applied.contentEquals(expected), "step " + step + ": " + d);
      assertEquals(expected.hashCode(), applied.hashCode());
      assertEquals(expected.recordCount(), applied.recordCount());
      assertWellFormed(applied);
      for (WireRr r : added) {
        Name n = r.name();
        assertEquals(expected.lookup(n, Type.ANY), applied.lookup(n, Type.ANY));
      }
      assertTrue(z.contentEquals(before), "the old version changed");
      z = applied;
    }
  }

  /** Lenient mode skips and counts what exact mode rejects, and otherwise does the same. */
  @Property(tries = 60)
  void lenient_skipsWhatExactRejects(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 2000) int size) throws Exception {
    Random rnd = new Random(seed);
    CompactZone z = randomZone(rnd, size);
    Map<String, WireRr> model = byKey(recordsOf(z));
    List<WireRr> all = new ArrayList<>(model.values());
    List<WireRr> deleted = new ArrayList<>();
    List<WireRr> added = new ArrayList<>();
    int bogus = 0;
    for (WireRr r : all) {
      if (rnd.nextInt(10) == 0) {
        deleted.add(r);
        model.remove(r.key());
      }
    }
    if (!deleted.isEmpty()) {
      deleted.add(deleted.get(0)); // the second deletion finds nothing
      bogus++;
    }
    for (int i = rnd.nextInt(20); i >= 0; i--) {
      WireRr r = randomRecord(rnd, ORIGIN.toWire(), DClass.IN, size);
      if (!byKey(all).containsKey(r.key())) {
        deleted.add(r);
        bogus++;
      }
    }
    for (int i = rnd.nextInt(20); i >= 0; i--) {
      WireRr r = randomRecord(rnd, ORIGIN.toWire(), DClass.IN, size);
      if (model.containsKey(r.key())) {
        added.add(r);
        bogus++;
      } else {
        model.put(r.key(), r);
        added.add(r);
      }
    }
    for (WireRr r : model.values()) {
      if (rnd.nextInt(20) == 0) { // present already: other case and TTL do not make it new
        added.add(new WireRr(recase(rnd, r.owner()), r.type(), r.dclass(), r.ttl() + 1,
            r.rdata()));
        bogus++;
      }
    }
    long toSerial = DeltaTestData.serialOf(z) + 1;
    WireDelta d = DeltaTestData.delta(z, ORIGIN, toSerial, deleted, added);
    if (bogus > 0) {
      CompactZone zone = z;
      ZoneContentException e = assertThrows(ZoneContentException.class,
          () -> zone.apply(d, false, 0, 0));
      assertEquals(Reason.NOT_EXACT, e.reason());
    }
    CompactZone applied = z.apply(d, true, 0, 0);
    WireRr oldSoa = soaOf(z);
    CompactZone expected = build(ORIGIN, new WireRr(ORIGIN.toWire(), Type.SOA, DClass.IN,
        oldSoa.ttl(), soaWithSerial(oldSoa.rdata(), toSerial)), model.values());
    assertTrue(applied.contentEquals(expected));
    assertEquals(bogus, applied.ignoredDeltaRecords());
    assertWellFormed(applied);
  }

  private static CompactZone randomZone(Random rnd, int size) throws ZoneContentException {
    List<WireRr> records = new ArrayList<>();
    byte[] ow = ORIGIN.toWire();
    records.add(new WireRr(ow, Type.NS, DClass.IN, 3600, ZoneTestData.name("ns1.example.com.")
        .toWire()));
    for (int i = 0; i < size; i++) {
      records.add(randomRecord(rnd, ow, DClass.IN, size / 3 + 1));
    }
    return build(ORIGIN, DeltaTestData.soa(ZoneTestData.name("EXAMPLE.com."), DClass.IN, 100),
        records);
  }

  /** Some records, a run of neighbours (which can empty whole chunks), or all of them. */
  private static List<WireRr> pickDeletions(Random rnd, List<WireRr> all) {
    List<WireRr> out = new ArrayList<>();
    switch (rnd.nextInt(5)) {
      case 0: {
        int from = all.isEmpty() ? 0 : rnd.nextInt(all.size());
        int to = Math.min(all.size(), from + rnd.nextInt(600));
        out.addAll(all.subList(from, to));
        break;
      }
      case 1:
        if (rnd.nextInt(4) == 0) {
          out.addAll(all);
        }
        break;
      default:
        for (WireRr r : all) {
          if (rnd.nextInt(40) == 0) {
            out.add(r);
          }
        }
    }
    return out;
  }

  /** Scattered records, or hundreds of children of one name, which land in one chunk. */
  private static List<WireRr> pickAdditions(Random rnd, List<WireRr> all, CompactZone z) {
    List<WireRr> out = new ArrayList<>();
    if (rnd.nextInt(4) == 0 && !all.isEmpty()) {
      byte[] parent = all.get(rnd.nextInt(all.size())).owner();
      for (int i = rnd.nextInt(1000); i >= 0; i--) {
        byte[] label = ("c" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] owner = ZoneTestData.concat(new byte[] {(byte) label.length}, label, parent);
        if (owner.length <= 255) {
          out.add(new WireRr(owner, Type.A, DClass.IN, 60, new byte[] {10, 0, 0, (byte) i}));
        }
      }
    } else {
      for (int i = rnd.nextInt(60); i > 0; i--) {
        out.add(randomRecord(rnd, z.originWire(), DClass.IN, all.size() / 3 + 2));
      }
    }
    return out;
  }

  /** An SOA with a serial 1 to 2^31-1 ahead and the owner in another case. */
  private static WireRr newerSoa(Random rnd, CompactZone from) {
    WireRr old = soaOf(from);
    long serial = (from.soa().getSerial() + 1 + rnd.nextInt(Integer.MAX_VALUE - 1)) & 0xFFFF_FFFFL;
    return new WireRr(recase(rnd, old.owner()), Type.SOA, old.dclass(), rnd.nextInt(100_000),
        soaWithSerial(old.rdata(), serial));
  }
}
