// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;

/**
 * Puts the builder's staged records into canonical order (RFC 4034 section 6.1 for owners, then
 * type, class and rdata as unsigned octets), stably, so that among equal records the first added
 * comes first.
 *
 * <p>Three paths. Input already in order, which is how BIND, Knot and NSD send AXFR, costs one
 * pass of comparisons. Input whose owners are in order but whose types within a name are not
 * costs a second pass and a small sort per name. Anything else avoids comparing owner names
 * record by record, since each such comparison reads two random places of a large arena and
 * walks labels: owners are deduplicated by a case-insensitive hash, only the distinct names are
 * sorted (by byte keys, see {@link NameKeys}), the records are counting-sorted by the rank of
 * their name, and each name's few records are sorted by type, class and rdata.
 */
final class RecordSorter {
  private final byte[] arena;
  private final int[] recPos;
  private final int[] ownerPos;
  private final int count;
  private final int header;
  private final byte[] origin;
  private final CanonicalNames.Order names = new CanonicalNames.Order();

  /**
   * Creates a sorter over staged records.
   *
   * @param arena the staging arena
   * @param recPos where each record's TYPE, CLASS, TTL, RDLENGTH and RDATA start
   * @param ownerPos where each record's owner-length octet is
   * @param count the number of records
   * @param header octets from a record's TYPE to its RDATA
   * @param origin the zone apex in wire form, whose descendants get short sort keys
   */
  RecordSorter(byte[] arena, int[] recPos, int[] ownerPos, int count, int header,
      byte[] origin) {
    this.origin = origin;
    this.arena = arena;
    this.recPos = recPos;
    this.ownerPos = ownerPos;
    this.count = count;
    this.header = header;
  }

  /** Returns the record indices in canonical order. */
  int[] sort() {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    if (IntSort.isSorted(order, count, this::compare)) {
      return order;
    }
    if (ownersInOrder()) {
      // Owners already in order (types within a name were not): sort each name's run.
      int runStart = 0;
      for (int i = 1; i <= count; i++) {
        if (i == count || !sameName(i - 1, i)) {
          IntSort.sort(order, runStart, i, this::compareAfterOwner);
          runStart = i;
        }
      }
      return order;
    }
    // 1. One id per distinct owner, ignoring case. Consecutive records that share an owner
    //    copy skip the hash table.
    int[] nameOf = new int[count];
    int[] firstOwner = new int[Math.max(16, count / 4)];
    int distinct = 0;
    int[] table = new int[tableSize(count)];
    int mask = table.length - 1;
    int prevPos = -1;
    int prevName = -1;
    for (int i = 0; i < count; i++) {
      int o = ownerPos[i];
      if (o == prevPos) {
        nameOf[i] = prevName;
        continue;
      }
      int len = arena[o] & 0xFF;
      int slot = hash(o + 1, len) & mask;
      int id;
      while (true) {
        int e = table[slot];
        if (e == 0) {
          if (distinct == firstOwner.length) {
            firstOwner = Arrays.copyOf(firstOwner, distinct + (distinct >> 1) + 16);
          }
          firstOwner[distinct] = o;
          id = distinct++;
          table[slot] = id + 1;
          break;
        }
        int other = firstOwner[e - 1];
        if (CanonicalNames.equalsIgnoreCase(arena, other + 1, arena[other] & 0xFF,
            arena, o + 1, len)) {
          id = e - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
      nameOf[i] = id;
      prevPos = o;
      prevName = id;
    }
    table = null;
    // 2. Sort the distinct names by order-preserving keys; rank[id] is a name's place.
    NameKeys keys = new NameKeys(arena, firstOwner, distinct, origin, names);
    int[] ids = new int[distinct];
    for (int k = 0; k < distinct; k++) {
      ids[k] = k;
    }
    IntSort.sort(ids, distinct, keys::compare);
    int[] rank = new int[distinct];
    for (int k = 0; k < distinct; k++) {
      rank[ids[k]] = k;
    }
    // 3. Counting sort of records by name rank: stable, so equal records keep their order.
    int[] start = new int[distinct + 1];
    for (int i = 0; i < count; i++) {
      start[rank[nameOf[i]] + 1]++;
    }
    for (int k = 0; k < distinct; k++) {
      start[k + 1] += start[k];
    }
    int[] next = Arrays.copyOf(start, distinct);
    for (int i = 0; i < count; i++) {
      order[next[rank[nameOf[i]]]++] = i;
    }
    // 4. Within one name: type, class, rdata.
    for (int k = 0; k < distinct; k++) {
      IntSort.sort(order, start[k], start[k + 1], this::compareAfterOwner);
    }
    return order;
  }

  /** Returns whether the owners never decrease in input order. */
  private boolean ownersInOrder() {
    for (int i = 1; i < count; i++) {
      int ox = ownerPos[i - 1];
      int oy = ownerPos[i];
      if (ox != oy
          && names.compare(arena, ox + 1, arena[ox] & 0xFF, arena, oy + 1, arena[oy] & 0xFF) > 0) {
        return false;
      }
    }
    return true;
  }

  private boolean sameName(int x, int y) {
    int ox = ownerPos[x];
    int oy = ownerPos[y];
    return ox == oy || CanonicalNames.equalsIgnoreCase(arena, ox + 1, arena[ox] & 0xFF,
        arena, oy + 1, arena[oy] & 0xFF);
  }

  /** Full canonical comparison of two staged records. */
  int compare(int x, int y) {
    int ox = ownerPos[x];
    int oy = ownerPos[y];
    if (ox != oy) {
      int d = names.compare(arena, ox + 1, arena[ox] & 0xFF, arena, oy + 1, arena[oy] & 0xFF);
      if (d != 0) {
        return d;
      }
    }
    return compareAfterOwner(x, y);
  }

  /** Compares type, class and rdata (unsigned octets, shorter first on a common prefix). */
  int compareAfterOwner(int x, int y) {
    byte[] a = arena;
    int px = recPos[x];
    int py = recPos[y];
    int d = u16(a, px) - u16(a, py);
    if (d != 0) {
      return d;
    }
    d = u16(a, px + 2) - u16(a, py + 2);
    if (d != 0) {
      return d;
    }
    int sx = px + header;
    int sy = py + header;
    int lx = u16(a, px + header - 2);
    int ly = u16(a, py + header - 2);
    return Arrays.compareUnsigned(a, sx, sx + lx, a, sy, sy + ly);
  }

  /** Case-insensitive hash of a wire name (FNV-1a, then a finalizer for open addressing). */
  private int hash(int off, int len) {
    int h = 0x811C9DC5;
    for (int i = off, end = off + len; i < end; i++) {
      h = (h ^ CanonicalNames.lower(arena[i] & 0xFF)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    return h ^ (h >>> 13);
  }

  /** A power of two at least twice the number of entries, so probes stay short. */
  private static int tableSize(int entries) {
    int size = 16;
    while (size < 2L * entries && size < (1 << 30)) {
      size <<= 1;
    }
    return size;
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }
}
