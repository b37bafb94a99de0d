// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TTL;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;

/**
 * An immutable delta in wire form: the from-SOA and to-SOA RDATA plus deleted and added records
 * (no SOA inside the lists), one IXFR step of RFC 1995 section 4.
 *
 * <p>Made by {@link #builder(Name)} as an IXFR is decoded, by {@link CompactZone#diff} or by
 * {@link #of(Name, ZoneDelta)} from the journal; applied by {@link CompactZone#apply}. Both SOAs
 * have the {@link #origin()} as owner, in its case. The records are held in one arena per side,
 * in the order given, and sorted canonically once, at {@link Builder#build()}.
 *
 * <p>Thread-safe: nothing is modified after construction.
 */
public final class WireDelta {
  private final Name origin;
  private final byte[] originWire;
  private final int soaClass;
  private final long fromTtl;
  private final byte[] fromRdata;
  private final long toTtl;
  private final byte[] toRdata;
  private final StagedRecords deleted;
  private final int[] deletedOrder;
  private final StagedRecords added;
  private final int[] addedOrder;

  private WireDelta(Builder b, byte[] fromRdata, byte[] toRdata) {
    this.origin = b.origin;
    this.originWire = b.originWire;
    this.soaClass = b.soaClass;
    this.fromTtl = b.fromTtl;
    this.fromRdata = fromRdata;
    this.toTtl = b.toTtl;
    this.toRdata = toRdata;
    this.deleted = b.deleted.copy();
    this.added = b.added.copy();
    this.deletedOrder = deleted.canonicalOrder(originWire);
    this.addedOrder = added.canonicalOrder(originWire);
  }

  /**
   * Starts a delta for a zone.
   *
   * @param origin the zone apex, absolute; also the owner of both SOAs, case kept
   * @return a new builder
   * @throws IllegalArgumentException if {@code origin} is relative
   */
  public static Builder builder(Name origin) {
    return new Builder(origin);
  }

  /**
   * Converts a journal delta. Owners and names in rdata keep their case; the SOAs' owner is
   * {@code d.toSoa()}'s, which is {@code origin} ignoring case.
   *
   * @param origin the zone apex
   * @param d the delta
   * @return the delta in wire form
   * @throws IllegalArgumentException if the delta's SOAs are not at {@code origin}, or a record is
   *     out of range as {@link Builder#add} says
   */
  public static WireDelta of(Name origin, ZoneDelta d) {
    Objects.requireNonNull(d, "d");
    if (!d.toSoa().getName().equals(origin)) {
      throw new IllegalArgumentException("delta SOA owner " + d.toSoa().getName()
          + " is not the zone apex " + origin);
    }
    Builder b = builder(d.toSoa().getName()).dclass(d.toSoa().getDClass());
    byte[] w = d.fromSoa().toWire(Section.ANSWER);
    int rd = d.fromSoa().getName().length() + 10;
    b.fromSoa(d.fromSoa().getTTL(), w, rd, w.length - rd);
    w = d.toSoa().toWire(Section.ANSWER);
    rd = d.toSoa().getName().length() + 10;
    b.toSoa(d.toSoa().getTTL(), w, rd, w.length - rd);
    for (Record r : d.deleted()) {
      w = r.toWire(Section.ANSWER); // uncompressed, case kept
      int ol = r.getName().length();
      b.delete(w, 0, ol, r.getType(), r.getDClass(), r.getTTL(), w, ol + 10, w.length - ol - 10);
    }
    for (Record r : d.added()) {
      w = r.toWire(Section.ANSWER);
      int ol = r.getName().length();
      b.add(w, 0, ol, r.getType(), r.getDClass(), r.getTTL(), w, ol + 10, w.length - ol - 10);
    }
    return b.build();
  }

  /**
   * Returns the zone apex, which is the owner of both SOAs, in the case they carry.
   *
   * @return the apex
   */
  public Name origin() {
    return origin;
  }

  /**
   * Returns the serial of the from-SOA: the version the delta applies to.
   *
   * @return the serial
   */
  public SerialNumber from() {
    return SerialNumber.of(serialOf(fromRdata));
  }

  /**
   * Returns the serial of the to-SOA: the version the delta produces.
   *
   * @return the serial
   */
  public SerialNumber to() {
    return SerialNumber.of(serialOf(toRdata));
  }

  /**
   * Returns the number of deleted records, the from-SOA not included.
   *
   * @return the count
   */
  public int deletedCount() {
    return deleted.size();
  }

  /**
   * Returns the number of added records, the to-SOA not included.
   *
   * @return the count
   */
  public int addedCount() {
    return added.size();
  }

  /**
   * Returns the delta as dnsjava records, for the journal; lists in the order given to the
   * builder, owners and names in rdata in their case. The SOAs have the class set by {@link
   * Builder#dclass(int)}, else that of the first record, else IN.
   *
   * @return the delta
   * @throws IllegalArgumentException if the to-serial is not newer than the from-serial
   * @throws IllegalStateException if a record's rdata does not parse for its type (such a record
   *     is never applied to a zone)
   */
  public ZoneDelta toZoneDelta() {
    int cls = soaClass >= 0 ? soaClass
        : deleted.size() > 0 ? deleted.dclass(0)
        : added.size() > 0 ? added.dclass(0) : DClass.IN;
    SOARecord f = (SOARecord) Record.newRecord(origin, Type.SOA, cls, fromTtl, fromRdata);
    SOARecord t = (SOARecord) Record.newRecord(origin, Type.SOA, cls, toTtl, toRdata);
    return new ZoneDelta(f, t, records(deleted), records(added));
  }

  private static List<Record> records(StagedRecords s) {
    List<Record> out = new ArrayList<>(s.size());
    @Nullable Name owner = null;
    for (int i = 0; i < s.size(); i++) {
      if (owner == null || !s.sharesOwner(i - 1, i)) {
        owner = s.ownerName(i);
      }
      Record r = s.toRecord(i, owner);
      if (r == null) {
        throw new IllegalStateException("delta record does not parse: " + s.describe(i));
      }
      out.add(r);
    }
    return out;
  }

  @Override
  public String toString() {
    return "WireDelta[" + origin + ", " + from() + " -> " + to() + ", " + deleted.size()
        + " deleted, " + added.size() + " added]";
  }

  // ---- for CompactZone.apply and diff in this package ----

  byte[] originWire() {
    return originWire;
  }

  /** The class given for the SOAs, or -1 when none was given. */
  int soaClass() {
    return soaClass;
  }

  byte[] fromSoaRdata() {
    return fromRdata;
  }

  long toSoaTtl() {
    return toTtl;
  }

  byte[] toSoaRdata() {
    return toRdata;
  }

  StagedRecords deleted() {
    return deleted;
  }

  int[] deletedOrder() {
    return deletedOrder;
  }

  StagedRecords added() {
    return added;
  }

  int[] addedOrder() {
    return addedOrder;
  }

  /** The serial field of well-formed SOA rdata: after the two names (RFC 1035 section 3.3.13). */
  private static long serialOf(byte[] rdata) {
    int p = CanonicalNames.nameLength(rdata, 0, rdata.length);
    p += CanonicalNames.nameLength(rdata, p, rdata.length);
    return ((long) (rdata[p] & 0xFF) << 24) | ((rdata[p + 1] & 0xFF) << 16)
        | ((rdata[p + 2] & 0xFF) << 8) | (rdata[p + 3] & 0xFF);
  }

  /**
   * Collects one delta. Record bytes are copied, so the caller may reuse its buffers. Not
   * thread-safe; {@link #build()} may be called again after more records are added.
   */
  public static final class Builder {
    private final Name origin;
    private final byte[] originWire;
    private int soaClass = -1;
    private long fromTtl;
    private byte @Nullable [] fromRdata;
    private long toTtl;
    private byte @Nullable [] toRdata;
    private final StagedRecords deleted = new StagedRecords();
    private final StagedRecords added = new StagedRecords();

    private Builder(Name origin) {
      Objects.requireNonNull(origin, "origin");
      if (!origin.isAbsolute()) {
        throw new IllegalArgumentException("origin is not absolute: " + origin);
      }
      this.origin = origin;
      this.originWire = origin.toWire();
    }

    /**
     * Sets the class of the two SOAs, which must be the zone's; optional.
     *
     * @param dclass the class, 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder dclass(int dclass) {
      DClass.check(dclass);
      this.soaClass = dclass;
      return this;
    }

    /**
     * Sets the SOA being deleted (in an IXFR, the first record of the delete part); replaces any
     * earlier one.
     *
     * @param ttl the TTL, 0 to 2^32-1
     * @param rdata holds the SOA rdata, uncompressed
     * @param off where it starts
     * @param len its length
     * @return this builder
     * @throws IllegalArgumentException if the rdata is not one well-formed SOA rdata or the TTL is
     *     out of range
     * @throws IndexOutOfBoundsException if the range lies outside the array
     */
    public Builder fromSoa(long ttl, byte[] rdata, int off, int len) {
      fromRdata = soaRdata(ttl, rdata, off, len);
      fromTtl = storedTtl(ttl);
      return this;
    }

    /**
     * Sets the SOA being added; replaces any earlier one.
     *
     * @param ttl the TTL, 0 to 2^32-1
     * @param rdata holds the SOA rdata, uncompressed
     * @param off where it starts
     * @param len its length
     * @return this builder
     * @throws IllegalArgumentException if the rdata is not one well-formed SOA rdata or the TTL is
     *     out of range
     * @throws IndexOutOfBoundsException if the range lies outside the array
     */
    public Builder toSoa(long ttl, byte[] rdata, int off, int len) {
      toRdata = soaRdata(ttl, rdata, off, len);
      toTtl = storedTtl(ttl);
      return this;
    }

    /**
     * Adds a record to delete. A TTL with the most significant bit set is kept as 0 (RFC 2181
     * section 8); the TTL does not take part in matching anyway.
     *
     * @param owner holds the owner: an uncompressed wire name
     * @param ownerOff where the owner starts
     * @param ownerLen the owner's length
     * @param type the RR type, 0 to 65535, not SOA
     * @param dclass the RR class, 0 to 65535
     * @param ttl the TTL, 0 to 2^32-1
     * @param rdata holds the rdata: uncompressed wire form
     * @param rdOff where the rdata starts
     * @param rdLen the rdata length, 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if the owner is not one well-formed name, a number is out
     *     of range or the type is SOA
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public Builder delete(byte[] owner, int ownerOff, int ownerLen, int type, int dclass,
        long ttl, byte[] rdata, int rdOff, int rdLen) {
      check(owner, ownerOff, ownerLen, type, dclass, ttl, rdata, rdOff, rdLen, "deleted");
      deleted.add(owner, ownerOff, ownerLen, type, dclass, storedTtl(ttl), rdata, rdOff, rdLen);
      return this;
    }

    /**
     * Adds a record to add, case kept. A TTL with the most significant bit set is stored as 0
     * (RFC 2181 section 8), as the zone builder does.
     *
     * @param owner holds the owner: an uncompressed wire name
     * @param ownerOff where the owner starts
     * @param ownerLen the owner's length
     * @param type the RR type, 0 to 65535, not SOA
     * @param dclass the RR class, 0 to 65535
     * @param ttl the TTL, 0 to 2^32-1
     * @param rdata holds the rdata: uncompressed wire form
     * @param rdOff where the rdata starts
     * @param rdLen the rdata length, 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if the owner is not one well-formed name, a number is out
     *     of range or the type is SOA
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public Builder add(byte[] owner, int ownerOff, int ownerLen, int type, int dclass,
        long ttl, byte[] rdata, int rdOff, int rdLen) {
      check(owner, ownerOff, ownerLen, type, dclass, ttl, rdata, rdOff, rdLen, "added");
      added.add(owner, ownerOff, ownerLen, type, dclass, storedTtl(ttl), rdata, rdOff, rdLen);
      return this;
    }

    /**
     * Builds the delta and sorts its records canonically.
     *
     * @return the delta
     * @throws IllegalStateException if the from-SOA or the to-SOA is missing
     */
    public WireDelta build() {
      byte[] f = fromRdata;
      byte[] t = toRdata;
      if (f == null || t == null) {
        throw new IllegalStateException("delta for " + origin + " has no "
            + (f == null ? "from-SOA" : "to-SOA"));
      }
      return new WireDelta(this, f, t);
    }

    private static void check(byte[] owner, int ownerOff, int ownerLen, int type, int dclass, long ttl,
        byte[] rdata, int rdOff, int rdLen, String side) {
      Objects.checkFromIndexSize(ownerOff, ownerLen, owner.length);
      Objects.checkFromIndexSize(rdOff, rdLen, rdata.length);
      if (!CanonicalNames.isName(owner, ownerOff, ownerLen)) {
        throw new IllegalArgumentException("malformed owner name of " + ownerLen + " bytes");
      }
      if ((type & ~0xFFFF) != 0 || (dclass & ~0xFFFF) != 0 || (rdLen & ~0xFFFF) != 0
          || ttl < 0 || ttl > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("field out of range: type " + type + ", class "
            + dclass + ", ttl " + ttl + ", rdata length " + rdLen);
      }
      if (type == Type.SOA) {
        throw new IllegalArgumentException("SOA in the " + side
            + " records: set it with fromSoa or toSoa");
      }
    }

    private static byte[] soaRdata(long ttl, byte[] rdata, int off, int len) {
      Objects.checkFromIndexSize(off, len, rdata.length);
      if (ttl < 0 || ttl > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("SOA ttl out of range: " + ttl);
      }
      if (!RdataCheck.isWellFormed(Type.SOA, DClass.IN, rdata, off, len)) {
        throw new IllegalArgumentException("malformed SOA rdata of " + len + " bytes");
      }
      return Arrays.copyOfRange(rdata, off, off + len);
    }

    private static long storedTtl(long ttl) {
      return ttl > TTL.MAX_VALUE ? 0 : ttl;
    }
  }
}
