// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A list of records in the staging layout of {@link CompactZoneBuilder}: an arena of owner
 * copies (length octet + name, shared by consecutive equal owners) and records (TYPE, CLASS, TTL,
 * RDLENGTH, RDATA), with the offsets of each. Holds one side of a {@link WireDelta}.
 *
 * <p>Growable while being filled; a {@link #copy()} is never modified again, so a {@link
 * WireDelta} holding copies is immutable.
 */
final class StagedRecords {

  /** Octets from a record's TYPE to its RDATA. */
  static final int HEADER = 10;

  private static final int MAX_ARENA = Integer.MAX_VALUE - 16;

  private byte[] arena;
  private int used;
  private int[] recPos;
  private int[] ownerPos;
  private int count;
  private int lastOwner = -1;

  StagedRecords() {
    this(1024, 16);
  }

  /**
   * Creates an empty list with room for {@code bytes} of records and {@code records} handles.
   */
  StagedRecords(int bytes, int records) {
    this(new byte[bytes], new int[records], new int[records], 0, 0);
  }

  private StagedRecords(byte[] arena, int[] recPos, int[] ownerPos, int count, int used) {
    this.arena = arena;
    this.recPos = recPos;
    this.ownerPos = ownerPos;
    this.count = count;
    this.used = used;
  }

  /** Appends a record whose fields the caller has validated. */
  void add(byte[] owner, int ownerOff, int ownerLen, int type, int dclass, long ttl,
      byte[] rdata, int rdOff, int rdLen) {
    boolean sameOwner = lastOwner >= 0
        && (arena[lastOwner] & 0xFF) == ownerLen
        && Arrays.equals(arena, lastOwner + 1, lastOwner + 1 + ownerLen,
            owner, ownerOff, ownerOff + ownerLen);
    ensure((sameOwner ? 0 : 1 + ownerLen) + HEADER + rdLen);
    if (!sameOwner) {
      lastOwner = used;
      arena[used++] = (byte) ownerLen;
      System.arraycopy(owner, ownerOff, arena, used, ownerLen);
      used += ownerLen;
    }
    if (count == recPos.length) {
      int grown = count + (count >> 1) + 16;
      recPos = Arrays.copyOf(recPos, grown);
      ownerPos = Arrays.copyOf(ownerPos, grown);
    }
    ownerPos[count] = lastOwner;
    recPos[count] = used;
    count++;
    byte[] a = arena;
    int p = used;
    a[p] = (byte) (type >>> 8);
    a[p + 1] = (byte) type;
    a[p + 2] = (byte) (dclass >>> 8);
    a[p + 3] = (byte) dclass;
    a[p + 4] = (byte) (ttl >>> 24);
    a[p + 5] = (byte) (ttl >>> 16);
    a[p + 6] = (byte) (ttl >>> 8);
    a[p + 7] = (byte) ttl;
    a[p + 8] = (byte) (rdLen >>> 8);
    a[p + 9] = (byte) rdLen;
    System.arraycopy(rdata, rdOff, a, p + HEADER, rdLen);
    used = p + HEADER + rdLen;
  }

  /** Returns an exact-size copy, which nobody modifies. */
  StagedRecords copy() {
    return new StagedRecords(Arrays.copyOf(arena, used), Arrays.copyOf(recPos, count),
        Arrays.copyOf(ownerPos, count), count, used);
  }

  /**
   * Returns the record indices in canonical order (owner, type, class, rdata), stable.
   *
   * @param originWire the zone apex, which gives names below it short sort keys
   */
  int[] canonicalOrder(byte[] originWire) {
    return sorter(originWire).sort();
  }

  /** Returns a sorter over the records as they are now. */
  RecordSorter sorter(byte[] originWire) {
    return new RecordSorter(arena, recPos, ownerPos, count, HEADER, originWire);
  }

  /** Returns the offset of record i's owner copy (its length octet): equal for shared owners. */
  int ownerCopy(int i) {
    return ownerPos[i];
  }

  /** Returns the offset of record i's TYPE field. */
  int recordOffset(int i) {
    return recPos[i];
  }

  int size() {
    return count;
  }

  byte[] arena() {
    return arena;
  }

  int ownerOffset(int i) {
    return ownerPos[i] + 1;
  }

  int ownerLength(int i) {
    return arena[ownerPos[i]] & 0xFF;
  }

  /** Whether records i and j use the same owner copy. */
  boolean sharesOwner(int i, int j) {
    return ownerPos[i] == ownerPos[j];
  }

  int type(int i) {
    return u16(recPos[i]);
  }

  int dclass(int i) {
    return u16(recPos[i] + 2);
  }

  long ttl(int i) {
    int p = recPos[i] + 4;
    return ((long) u16(p) << 16) | u16(p + 2);
  }

  int rdataOffset(int i) {
    return recPos[i] + HEADER;
  }

  int rdataLength(int i) {
    return u16(recPos[i] + 8);
  }

  /**
   * Compares records i and j in canonical order, ignoring the TTL and the owner's case.
   *
   * @param names scratch for name comparison
   */
  int compare(CanonicalNames.Order names, int i, int j) {
    int d = names.compare(arena, ownerOffset(i), ownerLength(i),
        arena, ownerOffset(j), ownerLength(j));
    if (d != 0) {
      return d;
    }
    d = type(i) - type(j);
    if (d != 0) {
      return d;
    }
    d = dclass(i) - dclass(j);
    if (d != 0) {
      return d;
    }
    int ri = rdataOffset(i);
    int rj = rdataOffset(j);
    return Arrays.compareUnsigned(arena, ri, ri + rdataLength(i), arena, rj,
        rj + rdataLength(j));
  }

  /** Makes a dnsjava record, or null when dnsjava cannot parse the rdata. */
  Record toRecord(int i, Name owner) {
    int off = rdataOffset(i);
    return Record.newRecord(owner, type(i), dclass(i), ttl(i),
        Arrays.copyOfRange(arena, off, off + rdataLength(i)));
  }

  Name ownerName(int i) {
    return CanonicalNames.toName(arena, ownerOffset(i), ownerLength(i));
  }

  /** The record as master-file text for messages, or owner/type/class and size if unparsable. */
  String describe(int i) {
    Name owner = ownerName(i);
    Record r = toRecord(i, owner);
    if (r != null) {
      return r.toString();
    }
    return owner + "/" + Type.string(type(i)) + "/" + DClass.string(dclass(i)) + " with "
        + rdataLength(i) + " bytes of rdata";
  }

  private void ensure(int extra) {
    if (arena.length - used >= extra) {
      return;
    }
    if ((long) used + extra > MAX_ARENA) {
      throw new IllegalStateException("record list full: " + used + " bytes held, " + extra
          + " more needed");
    }
    long want = Math.max((long) arena.length * 2, (long) used + extra);
    arena = Arrays.copyOf(arena, (int) Math.min(want, MAX_ARENA));
  }

  private int u16(int p) {
    return ((arena[p] & 0xFF) << 8) | (arena[p + 1] & 0xFF);
  }
}
