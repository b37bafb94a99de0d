// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Record;
import org.zonesync.api.ZoneDelta;
import org.zonesync.bench.zone.DeltaFixture.WireRecord;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.ZoneCursor;
import org.zonesync.core.internal.zone.ZoneContentException;

/**
 * The O(zone) way of applying a delta that copy-on-write replaces: walk every record of the base
 * zone in wire form ({@link ZoneCursor}), drop the old SOA and the deleted records, feed the rest
 * plus the new SOA and the added records into a fresh {@link CompactZoneBuilder}, and build
 * (sort, check, lay out) the whole zone again.
 *
 * <p>Deleted records are recognised without allocating: a hash of type and rdata is looked up in
 * a sorted array, and only on a hit are owner (ignoring ASCII case) and rdata compared. The
 * delta is encoded once, in the constructor.
 */
final class Rebuild {

  private final WireRecord toSoa;
  private final WireRecord[] deleted;
  private final long[] deletedKeys;
  private final List<WireRecord> added;

  /**
   * Prepares a delta.
   *
   * @param delta the delta to apply
   */
  Rebuild(ZoneDelta delta) {
    this.toSoa = WireRecord.of(delta.toSoa());
    List<Record> del = delta.deleted();
    WireRecord[] d = new WireRecord[del.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = WireRecord.of(del.get(i));
    }
    // Sort by key so that the key array and the record array line up.
    Arrays.sort(d, (a, b) -> Long.compare(key(a), key(b)));
    long[] keys = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      keys[i] = key(d[i]);
    }
    this.deleted = d;
    this.deletedKeys = keys;
    List<WireRecord> add = new ArrayList<>(delta.added().size());
    for (Record r : delta.added()) {
      add.add(WireRecord.of(r));
    }
    this.added = add;
  }

  /**
   * Builds the zone that the delta makes of {@code base}.
   *
   * @param base the version the delta applies to
   * @return the new version
   * @throws ZoneContentException if the result is not a valid zone
   */
  CompactZone apply(CompactZone base) throws ZoneContentException {
    CompactZoneBuilder b = new CompactZoneBuilder(base.origin(), 0, 0);
    ZoneCursor c = base.cursor();
    c.next(); // the old SOA: replaced by the new one
    b.add(toSoa.wire(), 0, toSoa.ownerLength(), toSoa.type(), toSoa.dclass(), toSoa.ttl(),
        toSoa.wire(), toSoa.rdataOffset(), toSoa.rdataLength());
    while (c.next()) {
      byte[] rd = c.rdataArray();
      int rdOff = c.rdataOffset();
      int rdLen = c.rdataLength();
      byte[] own = c.ownerArray();
      int ownOff = c.ownerOffset();
      int ownLen = c.ownerLength();
      int type = c.type();
      if (isDeleted(own, ownOff, ownLen, type, rd, rdOff, rdLen)) {
        continue;
      }
      b.add(own, ownOff, ownLen, type, c.dclass(), c.ttl(), rd, rdOff, rdLen);
    }
    for (WireRecord w : added) {
      b.add(w.wire(), 0, w.ownerLength(), w.type(), w.dclass(), w.ttl(), w.wire(),
          w.rdataOffset(), w.rdataLength());
    }
    return b.build();
  }

  private boolean isDeleted(byte[] own, int ownOff, int ownLen, int type, byte[] rd, int rdOff,
      int rdLen) {
    long k = key(type, rd, rdOff, rdLen);
    int i = Arrays.binarySearch(deletedKeys, k);
    if (i < 0) {
      return false;
    }
    while (i > 0 && deletedKeys[i - 1] == k) {
      i--;
    }
    for (; i < deletedKeys.length && deletedKeys[i] == k; i++) {
      WireRecord d = deleted[i];
      if (d.type() == type && d.rdataLength() == rdLen
          && Arrays.equals(d.wire(), d.rdataOffset(), d.rdataOffset() + rdLen, rd, rdOff,
              rdOff + rdLen)
          && sameOwner(d.wire(), d.ownerLength(), own, ownOff, ownLen)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameOwner(byte[] a, int aLen, byte[] b, int bOff, int bLen) {
    if (aLen != bLen) {
      return false;
    }
    // Label length octets are at most 63, so lower-casing 'A'..'Z' never changes them.
    for (int i = 0; i < aLen; i++) {
      if (lower(a[i]) != lower(b[bOff + i])) {
        return false;
      }
    }
    return true;
  }

  private static int lower(byte x) {
    return x >= 'A' && x <= 'Z' ? x + 32 : x;
  }

  private static long key(WireRecord w) {
    return key(w.type(), w.wire(), w.rdataOffset(), w.rdataLength());
  }

  private static long key(int type, byte[] rd, int off, int len) {
    long h = type;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + rd[i];
    }
    return h;
  }
}
