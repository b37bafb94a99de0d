// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneTestData.WireRr;

/** Record sets, deltas and invariant checks for the delta tests. */
final class DeltaTestData {

  static final Name ORIGIN = ZoneTestData.name("example.com.");

  private static final int[] TYPES = {Type.A, Type.AAAA, Type.TXT, Type.MX, Type.NS, 65280, 4000};

  private DeltaTestData() {}

  /** SOA rdata of the sample zones with the given serial. */
  static byte[] soaRdata(long serial) {
    byte[] names = ZoneTestData.concat(ZoneTestData.name("ns1.example.com.").toWire(),
        ZoneTestData.name("hostmaster.example.com.").toWire());
    byte[] nums = new byte[20];
    long[] v = {serial, 7200, 3600, 1209600, 300};
    for (int k = 0; k < 5; k++) {
      for (int b = 0; b < 4; b++) {
        nums[4 * k + b] = (byte) (v[k] >>> (24 - 8 * b));
      }
    }
    return ZoneTestData.concat(names, nums);
  }

  static WireRr soa(Name owner, int dclass, long serial) {
    return new WireRr(owner.toWire(), Type.SOA, dclass, 3600, soaRdata(serial));
  }

  static WireRr rr(String owner, int type, long ttl, byte[] rdata) {
    return new WireRr(ZoneTestData.name(owner).toWire(), type, DClass.IN, ttl, rdata);
  }

  static WireRr a(String owner, int last) {
    return rr(owner, Type.A, 300, new byte[] {(byte) 192, 0, 2, (byte) last});
  }

  /** A random owner: the apex, or one of {@code pool} names below it, letters in random case. */
  static byte[] owner(Random rnd, byte[] originWire, int pool) {
    if (rnd.nextInt(30) == 0) { // the apex, where records sort around the SOA
      return recase(rnd, originWire);
    }
    int id = rnd.nextInt(Math.max(1, pool));
    String label = "n" + Integer.toString(id, 36);
    byte[] l = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < l.length; i++) {
      if (rnd.nextInt(4) == 0) {
        l[i] = (byte) Character.toUpperCase(l[i]);
      }
    }
    byte[] first = ZoneTestData.concat(new byte[] {(byte) l.length}, l);
    if (id % 5 == 0) { // some names one level deeper, so the order is not just the label order
      return ZoneTestData.concat(new byte[] {1, (byte) ('a' + rnd.nextInt(3))}, first, originWire);
    }
    return ZoneTestData.concat(first, originWire);
  }

  /** A random record at a random owner, of a type from a mix with unknown types. */
  static WireRr randomRecord(Random rnd, byte[] originWire, int dclass, int pool) {
    int type = TYPES[rnd.nextInt(TYPES.length)];
    byte[] rdata;
    switch (type) {
      case Type.A:
        rdata = bytes(rnd, 4);
        break;
      case Type.AAAA:
        rdata = bytes(rnd, 16);
        break;
      case Type.TXT: {
        byte[] s = bytes(rnd, rnd.nextInt(12));
        rdata = ZoneTestData.concat(new byte[] {(byte) s.length}, s);
        break;
      }
      case Type.MX:
        rdata = ZoneTestData.concat(bytes(rnd, 2), owner(rnd, originWire, pool));
        break;
      case Type.NS:
        rdata = owner(rnd, originWire, pool);
        break;
      default:
        rdata = bytes(rnd, rnd.nextInt(8));
    }
    return new WireRr(owner(rnd, originWire, pool), type, dclass, rnd.nextInt(86400), rdata);
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** Records keyed by identity (owner ignoring case, type, class, rdata), first one kept. */
  static Map<String, WireRr> byKey(Collection<WireRr> records) {
    Map<String, WireRr> out = new LinkedHashMap<>();
    for (WireRr r : records) {
      out.putIfAbsent(r.key(), r);
    }
    return out;
  }

  static CompactZone build(Name origin, WireRr soa, Collection<WireRr> records)
      throws ZoneContentException {
    CompactZoneBuilder b = new CompactZoneBuilder(origin, 0, 0);
    soa.addTo(b);
    records.forEach(r -> r.addTo(b));
    return b.build();
  }

  /** Every record of the zone but the SOA, byte-exact, in canonical order. */
  static List<WireRr> recordsOf(CompactZone z) {
    List<WireRr> out = new ArrayList<>();
    ZoneCursor c = z.cursor();
    c.next();
    while (c.next()) {
      out.add(new WireRr(
          Arrays.copyOfRange(c.ownerArray(), c.ownerOffset(), c.ownerOffset() + c.ownerLength()),
          c.type(), c.dclass(), c.ttl(),
          Arrays.copyOfRange(c.rdataArray(), c.rdataOffset(), c.rdataOffset() + c.rdataLength())));
    }
    return out;
  }

  static WireRr soaOf(CompactZone z) {
    ZoneCursor c = z.cursor();
    c.next();
    return new WireRr(
        Arrays.copyOfRange(c.ownerArray(), c.ownerOffset(), c.ownerOffset() + c.ownerLength()),
        c.type(), c.dclass(), c.ttl(),
        Arrays.copyOfRange(c.rdataArray(), c.rdataOffset(), c.rdataOffset() + c.rdataLength()));
  }

  /** An independent copy of the zone, built from its bytes. */
  static CompactZone copyOf(CompactZone z) throws ZoneContentException {
    return build(z.origin(), soaOf(z), recordsOf(z));
  }

  /** A delta from the zone's SOA to {@code toSerial} with the given lists. */
  static WireDelta delta(CompactZone z, Name soaOwner, long toSerial, List<WireRr> deleted,
      List<WireRr> added) {
    WireRr from = soaOf(z);
    WireDelta.Builder b = WireDelta.builder(soaOwner)
        .fromSoa(from.ttl(), from.rdata(), 0, from.rdata().length);
    byte[] to = soaWithSerial(from.rdata(), toSerial);
    b.toSoa(from.ttl(), to, 0, to.length);
    for (WireRr r : deleted) {
      b.delete(r.owner(), 0, r.owner().length, r.type(), r.dclass(), r.ttl(), r.rdata(), 0,
          r.rdata().length);
    }
    for (WireRr r : added) {
      b.add(r.owner(), 0, r.owner().length, r.type(), r.dclass(), r.ttl(), r.rdata(), 0,
          r.rdata().length);
    }
    return b.build();
  }

  /** The same SOA rdata with another serial. */
  static byte[] soaWithSerial(byte[] rdata, long serial) {
    byte[] out = rdata.clone();
    int p = CanonicalNames.nameLength(out, 0, out.length);
    p += CanonicalNames.nameLength(out, p, out.length);
    for (int b = 0; b < 4; b++) {
      out[p + b] = (byte) (serial >>> (24 - 8 * b));
    }
    return out;
  }

  static long serialOf(CompactZone z) {
    return z.soa().getSerial();
  }

  /** The same owner with each letter's case flipped at random. */
  static byte[] recase(Random rnd, byte[] owner) {
    byte[] out = owner.clone();
    for (int i = 0; i < out.length; i++) {
      int c = out[i];
      if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && rnd.nextBoolean()) {
        out[i] = (byte) (c ^ 0x20);
      }
    }
    return out;
  }

  /**
   * Checks what every zone, built or applied, must satisfy: no empty chunk, none over the grown
   * size, only the last one under the merge threshold, the count, and the SOA where it is said to
   * be, first in the cursor.
   */
  static void assertWellFormed(CompactZone z) {
    Chunk[] cs = z.chunks();
    long n = 0;
    for (int i = 0; i < cs.length; i++) {
      int size = cs[i].size();
      assertTrue(size > 0 && size <= Chunk.MAX_GROWN, "chunk " + i + " has " + size);
      if (i < cs.length - 1) {
        assertTrue(size >= Chunk.MIN_KEPT, "chunk " + i + " of " + cs.length + " has " + size);
      }
      n += size;
    }
    assertEquals(n, z.recordCount());
    assertEquals(Type.SOA, cs[z.soaChunk()].type(z.soaIndex()));
    ZoneCursor c = z.cursor();
    assertTrue(c.next());
    assertEquals(Type.SOA, c.type());
    long seen = 1;
    while (c.next()) {
      assertTrue(c.type() != Type.SOA);
      seen++;
    }
    assertEquals(n, seen);
  }
}
