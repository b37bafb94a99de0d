// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TTL;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneContentException.Reason;

/**
 * Accumulates records in wire form and builds an immutable {@link CompactZone}.
 *
 * <p>{@link #add(byte[], int, int, int, int, long, byte[], int, int)} only appends to a growable
 * arena, so a transfer can feed records as they are decoded without one object per record.
 * {@link #build()} sorts record handles into canonical order (RFC 4034 section 6), drops exact
 * duplicates, checks the zone's content and lays the records out in {@link Chunk}s.
 *
 * <p>Not thread-safe. {@link #build()} does not change the builder and may be called again.
 */
public final class CompactZoneBuilder {

  private static final int HEADER = StagedRecords.HEADER;

  private final Name origin;
  private final byte[] originWire;
  private final int maxRecordsPerRRset;
  private final int maxTypesPerName;

  private final StagedRecords staged = new StagedRecords(64 * 1024, 1024);
  private int zoneClass = -1;

  /**
   * Creates a builder.
   *
   * @param origin the zone apex, absolute
   * @param maxRecordsPerRRset most records allowed in one RRset (BIND's default is 100), 0 for no
   *     limit
   * @param maxTypesPerName most distinct types allowed at one name (BIND's default is 100), 0 for
   *     no limit
   * @throws IllegalArgumentException if {@code origin} is relative or a limit is negative
   */
  public CompactZoneBuilder(Name origin, int maxRecordsPerRRset, int maxTypesPerName) {
    Objects.requireNonNull(origin, "origin");
    if (!origin.isAbsolute()) {
      throw new IllegalArgumentException("origin is not absolute: " + origin);
    }
    if (maxRecordsPerRRset < 0 || maxTypesPerName < 0) {
      throw new IllegalArgumentException("negative limit: records per RRset "
          + maxRecordsPerRRset + ", types per name " + maxTypesPerName);
    }
    this.origin = origin;
    this.originWire = origin.toWire();
    this.maxRecordsPerRRset = maxRecordsPerRRset;
    this.maxTypesPerName = maxTypesPerName;
  }

  /**
   * Adds one record. The bytes are copied, so the caller may reuse its buffers.
   *
   * <p>A TTL with the most significant bit set is stored as 0, as RFC 2181 section 8 asks.
   *
   * @param owner holds the owner: an uncompressed wire name, case kept
   * @param ownerOff where the owner starts
   * @param ownerLen the owner's length
   * @param type the RR type, 0 to 65535
   * @param dclass the RR class, 0 to 65535
   * @param ttl the TTL, 0 to 2^32-1
   * @param rdata holds the rdata: uncompressed wire form
   * @param rdOff where the rdata starts
   * @param rdLen the rdata length, 0 to 65535
   * @throws IllegalArgumentException if the owner is not one well-formed uncompressed name, or a
   *     number is out of range
   * @throws IndexOutOfBoundsException if a range lies outside its array
   * @throws IllegalStateException if the builder would exceed 2 GiB
   */
  public void add(byte[] owner, int ownerOff, int ownerLen, int type, int dclass, long ttl,
      byte[] rdata, int rdOff, int rdLen) {
    Objects.checkFromIndexSize(ownerOff, ownerLen, owner.length);
    Objects.checkFromIndexSize(rdOff, rdLen, rdata.length);
    if (!CanonicalNames.isName(owner, ownerOff, ownerLen)) {
      throw new IllegalArgumentException("malformed owner name of " + ownerLen + " bytes");
    }
    if ((type & ~0xFFFF) != 0 || (dclass & ~0xFFFF) != 0 || (rdLen & ~0xFFFF) != 0
        || ttl < 0 || ttl > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("field out of range: type " + type + ", class " + dclass
          + ", ttl " + ttl + ", rdata length " + rdLen);
    }
    long storedTtl = ttl > TTL.MAX_VALUE ? 0 : ttl;
    staged.add(owner, ownerOff, ownerLen, type, dclass, storedTtl, rdata, rdOff, rdLen);
    if (type == Type.SOA && zoneClass < 0) {
      zoneClass = dclass;
    }
  }

  /**
   * Adds a dnsjava record, keeping the case of its owner and of any names in its rdata (the
   * record is encoded uncompressed and non-canonically).
   *
   * @param record the record
   * @throws IllegalArgumentException as {@link #add(byte[], int, int, int, int, long, byte[], int,
   *     int)} does
   */
  public void add(Record record) {
    byte[] w = record.toWire(Section.ANSWER);
    int ol = record.getName().length();
    int type = u16(w, ol);
    int dclass = u16(w, ol + 2);
    long ttl = ((long) u16(w, ol + 4) << 16) | u16(w, ol + 6);
    int rdLen = u16(w, ol + 8);
    add(w, 0, ol, type, dclass, ttl, w, ol + 10, rdLen);
  }

  /**
   * Returns the number of records added so far, duplicates included.
   *
   * @return the count
   */
  public long size() {
    return staged.size();
  }

  /**
   * Builds the zone.
   *
   * <p>Records are sorted into canonical order and exact duplicates (same owner ignoring case,
   * type, class and rdata octets) are dropped, keeping the first one added. Then the zone must
   * have exactly one SOA, at the apex; every record must be at or below the apex, of the SOA's
   * class, of a data type (RFC 6895 section 3.1) and with rdata that parses for its type; RRsets
   * and the types per name must stay within the limits.
   *
   * @return the zone
   * @throws ZoneContentException if a check fails; {@link ZoneContentException#reason()} says
   *     which
   */
  public CompactZone build() throws ZoneContentException {
    if (zoneClass < 0) {
      throw new ZoneContentException(Reason.NO_SOA, origin,
          "zone " + origin + " has no SOA record");
    }
    if (zoneClass == 0 || zoneClass == DClass.NONE || zoneClass == DClass.ANY) {
      throw new ZoneContentException(Reason.WRONG_CLASS, origin, "zone " + origin
          + " has SOA class " + DClass.string(zoneClass) + ", not a data class");
    }
    RecordSorter sorter = staged.sorter(originWire);
    return layOut(sorter.sort(), sorter);
  }

  /** Walks the sorted handles once: drops duplicates, checks, writes chunks. */
  private CompactZone layOut(int[] order, RecordSorter sorter) throws ZoneContentException {
    byte[] a = staged.arena();
    int count = staged.size();
    List<Chunk> chunks = new ArrayList<>(count / Chunk.MAX_RECORDS + 1);
    ChunkWriter writer = new ChunkWriter();
    int soaCount = 0;
    int soaChunk = -1;
    int soaIndex = -1;
    int prev = -1;
    int groupOwner = -1; // staged owner offset of the current name, compared ignoring case
    int types = 0;
    int rrsetType = -1;
    int rrsetSize = 0;
    for (int k = 0; k < count; k++) {
      int r = order[k];
      int o = staged.ownerCopy(r);
      int ol = a[o] & 0xFF;
      boolean sameName = groupOwner == o || (groupOwner >= 0
          && CanonicalNames.equalsIgnoreCase(a, groupOwner + 1, a[groupOwner] & 0xFF,
              a, o + 1, ol));
      if (sameName && sorter.compareAfterOwner(prev, r) == 0) {
        continue; // exact duplicate: the first added sorts first and is kept
      }
      prev = r;
      int p = staged.recordOffset(r);
      int type = u16(a, p);
      if (!sameName) {
        checkRRset(groupOwner, rrsetType, rrsetSize);
        checkTypes(groupOwner, types);
        if (!CanonicalNames.isAtOrBelow(a, o + 1, ol, originWire)) {
          throw failure(Reason.OUT_OF_ZONE, "record " + describe(o, type)
              + " is outside the zone " + origin);
        }
        groupOwner = o;
        types = 0;
        rrsetType = -1;
        rrsetSize = 0;
      }
      if (type != rrsetType) {
        if (rrsetType >= 0) {
          checkRRset(groupOwner, rrsetType, rrsetSize);
        }
        rrsetType = type;
        rrsetSize = 0;
        types++;
      }
      rrsetSize++;
      int dclass = u16(a, p + 2);
      if (dclass != zoneClass) {
        throw failure(Reason.WRONG_CLASS, "record " + describe(o, type) + " has class "
            + DClass.string(dclass) + ", the zone class is " + DClass.string(zoneClass));
      }
      if (type == 0 || type == Type.OPT || (type >= 128 && type <= 255)) {
        throw failure(Reason.META_TYPE, "record " + describe(o, type)
            + " has a meta type, not allowed in a zone");
      }
      int rdLen = u16(a, p + 8);
      if (!RdataCheck.isWellFormed(type, dclass, a, p + HEADER, rdLen)) {
        throw failure(Reason.MALFORMED_RDATA, "malformed rdata in " + describe(o, type) + ": "
            + rdLen + " bytes");
      }
      if (type == Type.SOA) {
        if (!CanonicalNames.equalsIgnoreCase(a, o + 1, ol, originWire, 0, originWire.length)) {
          throw failure(Reason.SOA_NOT_AT_APEX, "SOA record at "
              + CanonicalNames.toText(a, o + 1, ol) + " is not at the apex " + origin);
        }
        soaCount++;
        soaChunk = chunks.size();
        soaIndex = writer.size();
      }
      writer.add(a, o + 1, ol, type, u32(a, p + 4), a, p + HEADER, rdLen);
      if (writer.isFull()) {
        chunks.add(writer.finish());
      }
    }
    checkRRset(groupOwner, rrsetType, rrsetSize);
    checkTypes(groupOwner, types);
    if (soaCount != 1) {
      throw failure(Reason.MULTIPLE_SOA, "zone " + origin + " has " + soaCount + " SOA records");
    }
    if (!writer.isEmpty()) {
      chunks.add(writer.finish());
    }
    return new CompactZone(origin, zoneClass, chunks.toArray(new Chunk[0]), soaChunk, soaIndex);
  }

  private void checkRRset(int ownerAt, int type, int size) throws ZoneContentException {
    if (maxRecordsPerRRset > 0 && size > maxRecordsPerRRset && ownerAt >= 0) {
      throw failure(Reason.RRSET_TOO_LARGE, "too many records in RRset " + describe(ownerAt, type)
          + ": " + size + " > " + maxRecordsPerRRset);
    }
  }

  private void checkTypes(int ownerAt, int types) throws ZoneContentException {
    if (maxTypesPerName > 0 && types > maxTypesPerName && ownerAt >= 0) {
      throw failure(Reason.TOO_MANY_TYPES, "too many types at "
          + CanonicalNames.toText(staged.arena(), ownerAt + 1, staged.arena()[ownerAt] & 0xFF)
          + ": " + types + " > "
          + maxTypesPerName);
    }
  }

  private ZoneContentException failure(Reason reason, String message) {
    return new ZoneContentException(reason, origin, message);
  }

  /** "www.example.com./A" for messages. */
  private String describe(int ownerAt, int type) {
    byte[] a = staged.arena();
    return CanonicalNames.toText(a, ownerAt + 1, a[ownerAt] & 0xFF) + "/" + Type.string(type);
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static long u32(byte[] b, int p) {
    return ((long) u16(b, p) << 16) | u16(b, p + 2);
  }
}
