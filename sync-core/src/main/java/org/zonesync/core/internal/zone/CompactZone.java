// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;

/**
 * An immutable zone version in compact form.
 *
 * <p>Records live in wire form in a root array of {@link Chunk}s, in canonical order (RFC 4034
 * section 6); dnsjava {@link Record}s are made only when {@link #lookup}, {@link #iterator()} or
 * {@link #writeMasterFile} asks for them. Made by {@link CompactZoneBuilder}, or from another
 * version by {@link #apply(WireDelta, boolean, int, int)}, which shares the untouched chunks.
 *
 * <p>Thread-safe without locks: every field is final and no array is modified after
 * construction, so a zone published through any safe publication (such as an {@code
 * AtomicReference}) can be read by any number of threads.
 */
public final class CompactZone implements ZoneSnapshot {
  private final Name origin;
  private final byte[] originWire;
  private final int dclass;
  private final Chunk[] chunks;
  private final long count;
  private final int soaChunk;
  private final int soaIndex;
  private final SOARecord soa;
  private final long ignored;
  /** Content hash, 0 until first computed; a benign race, as in {@link String#hashCode()}. */
  private int hash;

  CompactZone(Name origin, int dclass, Chunk[] chunks, int soaChunk, int soaIndex) {
    this(origin, dclass, chunks, soaChunk, soaIndex, countOf(chunks), 0);
  }

  /** A zone whose record count is known, as after a delta; {@code ignored} as reported. */
  CompactZone(Name origin, int dclass, Chunk[] chunks, int soaChunk, int soaIndex, long count,
      long ignored) {
    this.origin = origin;
    this.originWire = origin.toWire();
    this.dclass = dclass;
    this.chunks = chunks;
    this.count = count;
    this.ignored = ignored;
    this.soaChunk = soaChunk;
    this.soaIndex = soaIndex;
    this.soa = (SOARecord) recordAt(chunks[soaChunk], soaIndex, null);
  }

  private static long countOf(Chunk[] chunks) {
    long n = 0;
    for (Chunk c : chunks) {
      n += c.size();
    }
    return n;
  }

  @Override
  public Name origin() {
    return origin;
  }

  @Override
  public SOARecord soa() {
    return soa;
  }

  @Override
  public long recordCount() {
    return count;
  }

  /**
   * Returns the zone's class, that of its SOA.
   *
   * @return the class
   */
  public int dclass() {
    return dclass;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Costs a binary search over the chunks and within one chunk, then one record per match.
   *
   * @throws IllegalArgumentException if {@code type} is not 0 to 65535
   */
  @Override
  public List<Record> lookup(Name name, int type) {
    Objects.requireNonNull(name, "name");
    Type.check(type);
    if (!name.isAbsolute()) {
      return List.of();
    }
    byte[] key = name.toWire();
    if (!CanonicalNames.isAtOrBelow(key, 0, key.length, originWire)) {
      return List.of();
    }
    boolean any = type == Type.ANY;
    int searchType = any ? 0 : type;
    CanonicalNames.Order names = new CanonicalNames.Order();
    // The last chunk whose first record sorts strictly before the key holds the first match,
    // or the first match opens the next chunk.
    int lo = 0;
    int hi = chunks.length - 1;
    int ci = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compareAt(names, chunks[mid], 0, key, searchType) < 0) {
        ci = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    Chunk c = chunks[ci];
    lo = 0;
    hi = c.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareAt(names, c, mid, key, searchType) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<Record> out = new ArrayList<>();
    for (int i = lo; ci < chunks.length; ci++, i = 0) {
      c = chunks[ci];
      @Nullable Name owner = null;
      int ownerPos = -1;
      for (; i < c.size(); i++) {
        if (!CanonicalNames.equalsIgnoreCase(c.data, c.ownerOffset(i), c.ownerLength(i),
            key, 0, key.length)) {
          return Collections.unmodifiableList(out);
        }
        if (!any && c.type(i) != type) {
          return Collections.unmodifiableList(out);
        }
        Record r = recordAt(c, i, c.owner[i] == ownerPos ? owner : null);
        owner = r.getName();
        ownerPos = c.owner[i];
        out.add(r);
      }
    }
    return Collections.unmodifiableList(out);
  }

  private static int compareAt(CanonicalNames.Order names, Chunk c, int i, byte[] key, int type) {
    int d = names.compare(c.data, c.ownerOffset(i), c.ownerLength(i), key, 0, key.length);
    return d != 0 ? d : Integer.compare(c.type(i), type);
  }

  /** Iterates every record, the SOA included, in canonical order. */
  @Override
  public Iterator<Record> iterator() {
    return new Iterator<>() {
      private int ci;
      private int i;
      private @Nullable Name owner;
      private int ownerPos = -1;

      @Override
      public boolean hasNext() {
        while (ci < chunks.length && i >= chunks[ci].size()) {
          ci++;
          i = 0;
          ownerPos = -1;
        }
        return ci < chunks.length;
      }

      @Override
      public Record next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Chunk c = chunks[ci];
        Record r = recordAt(c, i, c.owner[i] == ownerPos ? owner : null);
        owner = r.getName();
        ownerPos = c.owner[i];
        i++;
        return r;
      }
    };
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each record line is dnsjava's {@link Record#toString()}, which prints types unknown to
   * dnsjava in the RFC 3597 generic form ({@code TYPE65280 \# 3 010203}). A record of a rarer
   * type whose text would not read back to the same octets (dnsjava's presentation of some
   * types is lossy for unusual rdata) is written in the generic form too, so that the file always
   * reads back to an equal zone.
   */
  @Override
  public void writeMasterFile(Appendable out) throws IOException {
    out.append("$ORIGIN ").append(origin.toString()).append('\n');
    out.append(soa.toString()).append('\n');
    for (int ci = 0; ci < chunks.length; ci++) {
      Chunk c = chunks[ci];
      @Nullable Name owner = null;
      int ownerPos = -1;
      for (int i = 0; i < c.size(); i++) {
        if (ci == soaChunk && i == soaIndex) {
          continue;
        }
        Record r = recordAt(c, i, c.owner[i] == ownerPos ? owner : null);
        owner = r.getName();
        ownerPos = c.owner[i];
        out.append(MasterLines.line(r)).append('\n');
      }
    }
  }

  /**
   * Returns a wire-level cursor: the SOA first, then the other records in canonical order.
   *
   * @return a new cursor
   */
  public ZoneCursor cursor() {
    return new ZoneCursor(chunks, dclass, soaChunk, soaIndex);
  }

  /**
   * Returns whether both zones hold the same record sequence, byte for byte: owner octets (case
   * included), type, class, TTL and rdata.
   *
   * @param other the other zone
   * @return whether the contents are identical
   */
  public boolean contentEquals(CompactZone other) {
    if (this == other) {
      return true;
    }
    if (count != other.count || dclass != other.dclass) {
      return false;
    }
    Chunk[] oc = other.chunks;
    int bc = 0;
    int bi = 0;
    for (Chunk a : chunks) {
      for (int ai = 0; ai < a.size(); ai++, bi++) {
        while (bi >= oc[bc].size()) {
          bc++;
          bi = 0;
        }
        if (!sameRecord(a, ai, oc[bc], bi)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean sameRecord(Chunk a, int i, Chunk b, int j) {
    int al = a.ownerLength(i);
    int ao = a.ownerOffset(i);
    int bo = b.ownerOffset(j);
    int ar = a.rdataOffset(i);
    int br = b.rdataOffset(j);
    int rl = a.rdataLength(i);
    return al == b.ownerLength(j)
        && a.type(i) == b.type(j)
        && a.ttl(i) == b.ttl(j)
        && rl == b.rdataLength(j)
        && Arrays.equals(a.data, ao, ao + al, b.data, bo, bo + al)
        && Arrays.equals(a.data, ar, ar + rl, b.data, br, br + rl);
  }

  /** Equal when {@link #contentEquals(CompactZone)} says so. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CompactZone && contentEquals((CompactZone) o);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = dclass;
      for (Chunk c : chunks) {
        byte[] d = c.data;
        for (int i = 0; i < c.size(); i++) {
          h = hashRange(h, d, c.ownerOffset(i), c.ownerLength(i));
          h = 31 * (31 * h + c.type(i)) + Long.hashCode(c.ttl(i));
          h = hashRange(h, d, c.rdataOffset(i), c.rdataLength(i));
        }
      }
      h = h == 0 ? 1 : h;
      hash = h;
    }
    return h;
  }

  private static int hashRange(int h, byte[] d, int off, int len) {
    for (int k = off, end = off + len; k < end; k++) {
      h = 31 * h + d[k];
    }
    return 31 * h + len;
  }

  /**
   * Returns an estimate of the heap held by this zone's arrays, for reporting.
   *
   * @return bytes, approximately
   */
  public long retainedBytesEstimate() {
    long b = 16 + 4L * chunks.length + 64 + originWire.length;
    for (Chunk c : chunks) {
      b += c.retainedBytes();
    }
    return b;
  }

  /**
   * Returns a new zone with the delta applied, copy-on-write: this zone is unchanged and the new
   * one shares every chunk the delta does not touch. Costs O(delta &middot; log n) for locating
   * the records, plus rewriting the touched chunks (a few hundred records each) and copying the
   * root array of chunk references (n / 256 of them).
   *
   * <p>Exact by default, as RFC 1995 section 4 and BIND require: {@code delta.from()} must be this
   * zone's serial and the from-SOA rdata must equal this zone's SOA rdata; every deleted record
   * must exist (owner ignoring case, type, class and rdata octets; TTL ignored) and every added
   * record must not exist once the deletions are done. With {@code lenient}, missing deletions and
   * present additions are skipped instead and counted in the new zone's {@link
   * #ignoredDeltaRecords()}, as Knot's {@code ixfr-benevolent} does.
   *
   * <p>Added records get the checks {@link CompactZoneBuilder#build()} makes (in zone, zone
   * class, data type, parsable rdata) and the given limits, at the names that gained records. The
   * new SOA is the to-SOA, with the delta's {@link WireDelta#origin()} as owner. Whether the apex
   * still has NS records is not checked here.
   *
   * @param delta the delta
   * @param lenient whether to skip missing deletions and present additions
   * @param maxRecordsPerRRset most records in one RRset, 0 for no limit
   * @param maxTypesPerName most distinct types at one name, 0 for no limit
   * @return the new zone
   * @throws ZoneContentException if the delta does not apply: {@link
   *     ZoneContentException.Reason#OUT_OF_SYNC} ("IXFR out of sync: expected serial X, got Y"),
   *     {@link ZoneContentException.Reason#NOT_EXACT}, {@link
   *     ZoneContentException.Reason#SERIAL_NOT_NEWER}, or the builder's reasons for added records
   * @throws IllegalArgumentException if a limit is negative
   */
  public CompactZone apply(WireDelta delta, boolean lenient, int maxRecordsPerRRset,
      int maxTypesPerName) throws ZoneContentException {
    Objects.requireNonNull(delta, "delta");
    return new DeltaApplier(this, delta, lenient).apply(maxRecordsPerRRset, maxTypesPerName);
  }

  /**
   * Returns the exact difference between two versions (BIND's ixfr-from-differences), such that
   * {@code from.apply(diff(from, to), false, 0, 0)} is content-equal to {@code to}. The SOAs are
   * the two zones'; the owner of both is {@code to}'s SOA owner. A record whose only change is its
   * TTL or the case of its owner is deleted and added again. Costs one merge walk over the two
   * canonical orders, skipping chunks the two zones share.
   *
   * @param from the older version
   * @param to the newer version
   * @return the delta from {@code from} to {@code to}
   * @throws IllegalArgumentException if the zones have different origins or classes, or the
   *     serial of {@code to} is not newer (RFC 1982) than that of {@code from}
   */
  public static WireDelta diff(CompactZone from, CompactZone to) {
    return ZoneDiff.diff(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
  }

  /**
   * Returns how many records of the delta that made this zone were skipped by a lenient {@link
   * #apply}: deletions of missing records plus additions of present ones. 0 for a built zone and
   * after an exact apply.
   *
   * @return the count
   */
  public long ignoredDeltaRecords() {
    return ignored;
  }

  byte[] originWire() {
    return originWire;
  }

  int soaChunk() {
    return soaChunk;
  }

  int soaIndex() {
    return soaIndex;
  }

  /** The chunks, in order; for copy-on-write updates in this package. Do not modify. */
  Chunk[] chunks() {
    return chunks;
  }

  @Override
  public String toString() {
    return "CompactZone[" + origin + ", serial " + soa.getSerial() + ", " + count + " records]";
  }

  /** Makes the dnsjava record at a position; {@code owner} may pass the already-made owner. */
  private Record recordAt(Chunk c, int i, @Nullable Name owner) {
    Name name = owner != null ? owner : CanonicalNames.toName(c.data, c.ownerOffset(i),
        c.ownerLength(i));
    int off = c.rdataOffset(i);
    byte[] rdata = Arrays.copyOfRange(c.data, off, off + c.rdataLength(i));
    Record r = Record.newRecord(name, c.type(i), dclass, c.ttl(i), rdata);
    if (r == null) {
      // The builder admits only rdata that dnsjava parses (RdataCheck), so this is a bug.
      throw new IllegalStateException("stored rdata does not parse: " + name + "/"
          + Type.string(c.type(i)) + ", " + rdata.length + " bytes");
    }
    return r;
  }
}
