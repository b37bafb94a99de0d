// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.zone.ZoneContentException.Reason;

/**
 * Applies one {@link WireDelta} to a {@link CompactZone} copy-on-write; one instance per call.
 *
 * <p>Three steps. Resolve: each deleted and added record (already in canonical order) is located
 * by a binary search over the chunks' first records and one within the chunk, and checked for
 * exactness (RFC 1995 section 4; BIND rejects a delta that is not exact). Rewrite: the root
 * array is copied, keeping every untouched chunk by reference; each touched chunk is rewritten
 * once, merged with the next chunk when it fell under {@link Chunk#MIN_KEPT} records and split
 * into chunks of about {@link Chunk#MAX_RECORDS} when it grew over {@link Chunk#MAX_GROWN}.
 * Check: the RRset and per-name limits ({@link NameLimits}), at the names that gained records
 * only.
 */
final class DeltaApplier {
  /** Marks the to-SOA among a chunk's additions. */
  private static final int SOA_ADD = -1;

  private final CompactZone zone;
  private final Chunk[] chunks;
  private final int zoneClass;
  private final WireDelta delta;
  private final boolean lenient;
  private final CanonicalNames.Order names = new CanonicalNames.Order();
  private final @Nullable Touch[] touched;
  private long deletes;
  private long adds;
  private long ignored;
  /** The accepted additions, in canonical order, for the limit check. */
  private int[] accepted = new int[16];

  // Rewrite state.
  private final ChunkWriter writer = new ChunkWriter(Chunk.MAX_GROWN);
  private final List<Chunk> out;
  private int runBase;
  private int runExtra;
  private int piece;
  private int target;
  private int newSoaChunk = -1;
  private int newSoaIndex = -1;

  /** What a delta does to one chunk: which records go, which come in before which index. */
  private static final class Touch {
    final boolean[] deleted;
    int deletes;
    int[] addAt = new int[4];
    int[] addRec = new int[4];
    int adds;

    Touch(int size) {
      deleted = new boolean[size];
    }

    void insert(int k, int at, int rec) {
      if (adds == addAt.length) {
        addAt = Arrays.copyOf(addAt, adds * 2);
        addRec = Arrays.copyOf(addRec, adds * 2);
      }
      System.arraycopy(addAt, k, addAt, k + 1, adds - k);
      System.arraycopy(addRec, k, addRec, k + 1, adds - k);
      addAt[k] = at;
      addRec[k] = rec;
      adds++;
    }
  }

  DeltaApplier(CompactZone zone, WireDelta delta, boolean lenient) {
    this.zone = zone;
    this.chunks = zone.chunks();
    this.zoneClass = zone.dclass();
    this.delta = delta;
    this.lenient = lenient;
    this.touched = new Touch[chunks.length];
    this.out = new ArrayList<>(chunks.length + 4);
  }

  CompactZone apply(int maxRecordsPerRRset, int maxTypesPerName) throws ZoneContentException {
    if (maxRecordsPerRRset < 0 || maxTypesPerName < 0) {
      throw new IllegalArgumentException("negative limit: records per RRset "
          + maxRecordsPerRRset + ", types per name " + maxTypesPerName);
    }
    checkSync();
    checkAdded();
    resolveDeletes();
    resolveAdds();
    placeSoa();
    rewrite();
    Chunk[] result = out.toArray(new Chunk[0]);
    if (maxRecordsPerRRset > 0 || maxTypesPerName > 0) {
      new NameLimits(result, zone.origin(), maxRecordsPerRRset, maxTypesPerName)
          .check(delta.added(), accepted, (int) adds);
    }
    return new CompactZone(zone.origin(), zoneClass, result, newSoaChunk, newSoaIndex,
        zone.recordCount() - deletes + adds, ignored);
  }

  private void checkSync() throws ZoneContentException {
    byte[] o = delta.originWire();
    byte[] zo = zone.originWire();
    if (!CanonicalNames.equalsIgnoreCase(o, 0, o.length, zo, 0, zo.length)) {
      throw failure(Reason.SOA_NOT_AT_APEX, "delta SOA owner " + delta.origin()
          + " is not the apex " + zone.origin());
    }
    SerialNumber ours = zone.serial();
    SerialNumber from = delta.from();
    if (!ours.equals(from)) {
      throw failure(Reason.OUT_OF_SYNC, "IXFR out of sync: expected serial " + ours + ", got "
          + from);
    }
    Chunk c = chunks[zone.soaChunk()];
    int i = zone.soaIndex();
    byte[] f = delta.fromSoaRdata();
    if (!Arrays.equals(c.data, c.rdataOffset(i), c.recordEnd(i), f, 0, f.length)) {
      throw failure(Reason.OUT_OF_SYNC, "IXFR out of sync: expected serial " + ours + ", got "
          + from + " with different SOA rdata");
    }
    if (!delta.to().isNewerThan(from)) {
      throw failure(Reason.SERIAL_NOT_NEWER, "delta serial does not increase: " + from + " -> "
          + delta.to());
    }
    if (delta.soaClass() >= 0 && delta.soaClass() != zoneClass) {
      throw failure(Reason.WRONG_CLASS, "delta SOA has class " + DClass.string(delta.soaClass())
          + ", the zone class is " + DClass.string(zoneClass));
    }
  }

  /** The checks the builder makes on every record, made here on the added ones. */
  private void checkAdded() throws ZoneContentException {
    StagedRecords s = delta.added();
    byte[] a = s.arena();
    for (int r = 0; r < s.size(); r++) {
      int type = s.type(r);
      int dclass = s.dclass(r);
      if (!CanonicalNames.isAtOrBelow(a, s.ownerOffset(r), s.ownerLength(r), zone.originWire())) {
        throw failure(Reason.OUT_OF_ZONE, "record " + describe(s, r) + " is outside the zone "
            + zone.origin());
      }
      if (dclass != zoneClass) {
        throw failure(Reason.WRONG_CLASS, "record " + describe(s, r) + " has class "
            + DClass.string(dclass) + ", the zone class is " + DClass.string(zoneClass));
      }
      if (type == 0 || type == Type.OPT || (type >= 128 && type <= 255)) {
        throw failure(Reason.META_TYPE, "record " + describe(s, r)
            + " has a meta type, not allowed in a zone");
      }
      if (!RdataCheck.isWellFormed(type, dclass, a, s.rdataOffset(r), s.rdataLength(r))) {
        throw failure(Reason.MALFORMED_RDATA, "malformed rdata in " + describe(s, r) + ": "
            + s.rdataLength(r) + " bytes");
      }
    }
  }

  private void resolveDeletes() throws ZoneContentException {
    StagedRecords s = delta.deleted();
    for (int r : delta.deletedOrder()) {
      names.setKey(s.arena(), s.ownerOffset(r), s.ownerLength(r));
      int ci = chunkFor(s, r);
      Chunk c = chunks[ci];
      int i = lowerBound(c, s, r);
      Touch t = touched[ci];
      if (i < c.size() && compare(c, i, s, r) == 0 && (t == null || !t.deleted[i])) {
        if (t == null) {
          t = new Touch(c.size());
          touched[ci] = t;
        }
        t.deleted[i] = true;
        t.deletes++;
        deletes++;
      } else if (lenient) {
        ignored++;
      } else {
        throw failure(Reason.NOT_EXACT, "IXFR deletes a record the zone lacks: "
            + s.describe(r));
      }
    }
  }

  private void resolveAdds() throws ZoneContentException {
    StagedRecords s = delta.added();
    int prev = -1;
    for (int r : delta.addedOrder()) {
      // Equal additions are adjacent in canonical order: the second finds the first present.
      boolean present = prev >= 0 && s.compare(names, prev, r) == 0;
      prev = r;
      int ci = 0;
      int i = 0;
      if (!present) {
        names.setKey(s.arena(), s.ownerOffset(r), s.ownerLength(r));
        ci = chunkFor(s, r);
        Chunk c = chunks[ci];
        i = lowerBound(c, s, r);
        Touch t = touched[ci];
        present = i < c.size() && compare(c, i, s, r) == 0 && (t == null || !t.deleted[i]);
      }
      if (present) {
        if (!lenient) {
          throw failure(Reason.NOT_EXACT, "IXFR adds a record the zone has: " + s.describe(r));
        }
        ignored++;
        continue;
      }
      Touch t = touched[ci];
      if (t == null) {
        t = new Touch(chunks[ci].size());
        touched[ci] = t;
      }
      t.insert(t.adds, i, r);
      if (adds == accepted.length) {
        accepted = Arrays.copyOf(accepted, accepted.length * 2);
      }
      accepted[(int) adds++] = r;
    }
  }

  /** The to-SOA takes the from-SOA's place: same name, same type, one record (RFC 1035). */
  private void placeSoa() {
    int sc = zone.soaChunk();
    int si = zone.soaIndex();
    Touch t = touched[sc];
    if (t == null) {
      t = new Touch(chunks[sc].size());
      touched[sc] = t;
    }
    t.deleted[si] = true;
    t.deletes++;
    // Additions that land on the SOA's index sort before it (they are smaller than any SOA at
    // the apex), so the SOA goes after them.
    int k = 0;
    while (k < t.adds && t.addAt[k] <= si) {
      k++;
    }
    t.insert(k, si, SOA_ADD);
  }

  private void rewrite() {
    // A run that an emptied chunk starts is simply dropped; one left small takes in the next
    // chunks until it has MIN_KEPT records.
    int n = chunks.length;
    int ci = 0;
    while (ci < n) {
      if (touched[ci] == null) {
        out.add(chunks[ci++]);
        continue;
      }
      int start = ci;
      int total = 0;
      do {
        total += sizeAfter(ci);
        ci++;
      } while (total > 0 && total < Chunk.MIN_KEPT && ci < n);
      writeRun(start, ci, total);
    }
  }

  private int sizeAfter(int ci) {
    Touch t = touched[ci];
    return chunks[ci].size() + (t == null ? 0 : t.adds - t.deletes);
  }

  /** Writes chunks [start, end) with their edits as {@code total} records in even pieces. */
  private void writeRun(int start, int end, int total) {
    if (total == 0) {
      return;
    }
    int pieces = total <= Chunk.MAX_GROWN ? 1
        : (total + Chunk.MAX_RECORDS - 1) / Chunk.MAX_RECORDS;
    runBase = total / pieces;
    runExtra = total % pieces;
    piece = 0;
    target = runBase + (runExtra > 0 ? 1 : 0);
    for (int ci = start; ci < end; ci++) {
      Chunk c = chunks[ci];
      Touch t = touched[ci];
      if (t == null) {
        emitRange(c, 0, c.size());
        continue;
      }
      int i = 0;
      int a = 0;
      while (true) {
        while (a < t.adds && t.addAt[a] == i) {
          emitAdd(t.addRec[a++]);
        }
        if (i >= c.size()) {
          break;
        }
        if (t.deleted[i]) {
          i++;
          continue;
        }
        int stop = a < t.adds ? t.addAt[a] : c.size();
        int j = i + 1;
        while (j < stop && !t.deleted[j]) {
          j++;
        }
        emitRange(c, i, j);
        i = j;
      }
    }
    if (!writer.isEmpty() || piece != pieces) {
      throw new IllegalStateException("delta rewrite miscounted: " + total + " records, "
          + piece + " of " + pieces + " chunks written");
    }
  }

  private void emitRange(Chunk c, int from, int to) {
    while (from < to) {
      int m = Math.min(target - writer.size(), to - from);
      writer.copy(c, from, from + m);
      from += m;
      pieceDone();
    }
  }

  private void emitAdd(int r) {
    if (r == SOA_ADD) {
      newSoaChunk = out.size();
      newSoaIndex = writer.size();
      byte[] o = delta.originWire();
      byte[] rd = delta.toSoaRdata();
      writer.add(o, 0, o.length, Type.SOA, delta.toSoaTtl(), rd, 0, rd.length);
    } else {
      StagedRecords s = delta.added();
      byte[] a = s.arena();
      writer.add(a, s.ownerOffset(r), s.ownerLength(r), s.type(r), s.ttl(r),
          a, s.rdataOffset(r), s.rdataLength(r));
    }
    pieceDone();
  }

  private void pieceDone() {
    if (writer.size() == target) {
      out.add(writer.finish());
      piece++;
      target = runBase + (piece < runExtra ? 1 : 0);
    }
  }

  /** The last chunk whose first record sorts at or before record r, else the first chunk. */
  private int chunkFor(StagedRecords s, int r) {
    int lo = 0;
    int hi = chunks.length - 1;
    int ci = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(chunks[mid], 0, s, r) <= 0) {
        ci = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return ci;
  }

  /** The first index of c whose record sorts at or after record r, or c's size. */
  private int lowerBound(Chunk c, StagedRecords s, int r) {
    int lo = 0;
    int hi = c.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(c, mid, s, r) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Canonical order of a zone record against a delta record, whose owner is the key set in
   * {@link #names}; TTL and owner case ignored.
   */
  private int compare(Chunk c, int i, StagedRecords s, int r) {
    byte[] a = s.arena();
    int d = names.compareToKey(c.data, c.ownerOffset(i), c.ownerLength(i));
    if (d != 0) {
      return d;
    }
    d = c.type(i) - s.type(r);
    if (d != 0) {
      return d;
    }
    d = zoneClass - s.dclass(r);
    if (d != 0) {
      return d;
    }
    int ro = s.rdataOffset(r);
    return Arrays.compareUnsigned(c.data, c.rdataOffset(i), c.recordEnd(i),
        a, ro, ro + s.rdataLength(r));
  }

  private static String describe(StagedRecords s, int r) {
    return CanonicalNames.toText(s.arena(), s.ownerOffset(r), s.ownerLength(r)) + "/"
        + Type.string(s.type(r));
  }

  private ZoneContentException failure(Reason reason, String message) {
    return new ZoneContentException(reason, zone.origin(), message);
  }
}
