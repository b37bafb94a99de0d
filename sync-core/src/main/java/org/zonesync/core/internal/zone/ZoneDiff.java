// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;
import org.xbill.DNS.Type;

/**
 * Computes the exact difference between two versions of a zone (BIND's ixfr-from-differences):
 * one merge walk over both canonical orders. Chunks the two versions share, as a version and one
 * made from it by {@link CompactZone#apply} do, are skipped whole.
 */
final class ZoneDiff {
  private final CanonicalNames.Order names = new CanonicalNames.Order();
  private final WireDelta.Builder out;
  private final int dclass;

  private ZoneDiff(WireDelta.Builder out, int dclass) {
    this.out = out;
    this.dclass = dclass;
  }

  static WireDelta diff(CompactZone from, CompactZone to) {
    if (!from.origin().equals(to.origin())) {
      throw new IllegalArgumentException("zones differ: " + from.origin() + ", " + to.origin());
    }
    if (from.dclass() != to.dclass()) {
      throw new IllegalArgumentException("zone classes differ: " + from.dclass() + ", "
          + to.dclass());
    }
    if (!to.serial().isNewerThan(from.serial())) {
      throw new IllegalArgumentException("serial " + to.serial() + " is not newer than "
          + from.serial());
    }
    WireDelta.Builder b = WireDelta.builder(to.soa().getName()).dclass(to.dclass());
    soa(from, b, true);
    soa(to, b, false);
    new ZoneDiff(b, to.dclass()).walk(from.chunks(), to.chunks());
    return b.build();
  }

  private static void soa(CompactZone z, WireDelta.Builder b, boolean isFrom) {
    Chunk c = z.chunks()[z.soaChunk()];
    int i = z.soaIndex();
    if (isFrom) {
      b.fromSoa(c.ttl(i), c.data, c.rdataOffset(i), c.rdataLength(i));
    } else {
      b.toSoa(c.ttl(i), c.data, c.rdataOffset(i), c.rdataLength(i));
    }
  }

  private void walk(Chunk[] a, Chunk[] b) {
    int ac = 0;
    int ai = 0;
    int bc = 0;
    int bi = 0;
    while (ac < a.length && bc < b.length) {
      Chunk x = a[ac];
      Chunk y = b[bc];
      if (ai == 0 && bi == 0 && x == y) {
        ac++;
        bc++;
        continue;
      }
      if (x.type(ai) == Type.SOA) {
        if (++ai == x.size()) {
          ac++;
          ai = 0;
        }
        continue;
      }
      if (y.type(bi) == Type.SOA) {
        if (++bi == y.size()) {
          bc++;
          bi = 0;
        }
        continue;
      }
      int d = compare(x, ai, y, bi);
      if (d < 0) {
        emit(x, ai, false);
      } else if (d > 0) {
        emit(y, bi, true);
      } else if (x.ttl(ai) != y.ttl(bi) || !sameOwnerOctets(x, ai, y, bi)) {
        emit(x, ai, false);
        emit(y, bi, true);
      }
      if (d <= 0 && ++ai == x.size()) {
        ac++;
        ai = 0;
      }
      if (d >= 0 && ++bi == y.size()) {
        bc++;
        bi = 0;
      }
    }
    rest(a, ac, ai, false);
    rest(b, bc, bi, true);
  }

  private void rest(Chunk[] cs, int ci, int i, boolean add) {
    for (; ci < cs.length; ci++, i = 0) {
      Chunk c = cs[ci];
      for (; i < c.size(); i++) {
        if (c.type(i) != Type.SOA) {
          emit(c, i, add);
        }
      }
    }
  }

  private void emit(Chunk c, int i, boolean add) {
    if (add) {
      out.add(c.data, c.ownerOffset(i), c.ownerLength(i), c.type(i), dclass, c.ttl(i),
          c.data, c.rdataOffset(i), c.rdataLength(i));
    } else {
      out.delete(c.data, c.ownerOffset(i), c.ownerLength(i), c.type(i), dclass, c.ttl(i),
          c.data, c.rdataOffset(i), c.rdataLength(i));
    }
  }

  /** Canonical order of two records of zones of one class; TTL and owner case ignored. */
  private int compare(Chunk x, int i, Chunk y, int j) {
    int d = names.compare(x.data, x.ownerOffset(i), x.ownerLength(i),
        y.data, y.ownerOffset(j), y.ownerLength(j));
    if (d != 0) {
      return d;
    }
    d = x.type(i) - y.type(j);
    if (d != 0) {
      return d;
    }
    return Arrays.compareUnsigned(x.data, x.rdataOffset(i), x.recordEnd(i),
        y.data, y.rdataOffset(j), y.recordEnd(j));
  }

  private static boolean sameOwnerOctets(Chunk x, int i, Chunk y, int j) {
    int xo = x.ownerOffset(i);
    int yo = y.ownerOffset(j);
    return Arrays.equals(x.data, xo, xo + x.ownerLength(i), y.data, yo, yo + y.ownerLength(j));
  }
}
