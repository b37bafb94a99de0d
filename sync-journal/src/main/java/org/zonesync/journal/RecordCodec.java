// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.util.Arrays;
import org.xbill.DNS.Name;

/**
 * The record encoding shared by snapshots and journal entries:
 *
 * <pre>
 *   u8  flags        0x00: owner follows; 0x01: same owner as the previous record
 *                    (0x80 ends a snapshot's record list)
 *   [u8 owner length, owner]   uncompressed wire name, case kept (only when flags = 0x00)
 *   u16 type, u16 class, u32 ttl, u16 rdata length, rdata
 * </pre>
 *
 * The encoding is canonical: an owner equal to the previous one must use flag 0x01, so a file
 * decodes and re-encodes to the same bytes.
 */
final class RecordCodec {
  static final int FLAG_OWNER = 0x00;
  static final int FLAG_SAME_OWNER = 0x01;
  static final int FLAG_END = 0x80;

  private RecordCodec() {
  }

  /**
   * Checks that {@code b[off..off+max)} starts with a valid uncompressed wire name.
   *
   * @return its length, or -1 if it is not a valid name (label over 63, longer than 255,
   *     compression pointer, or cut short)
   */
  static int nameLength(byte[] b, int off, int max) {
    int p = 0;
    while (p < max) {
      int len = b[off + p] & 0xFF;
      if (len == 0) {
        return p + 1 <= 255 ? p + 1 : -1;
      }
      if (len > 63) {
        return -1;
      }
      p += 1 + len;
      if (p >= 255) {
        return -1;
      }
    }
    return -1;
  }

  /** Tells whether wire name {@code a} equals {@code b}, ignoring ASCII case (RFC 4343). */
  static boolean sameName(byte[] a, int aOff, int aLen, byte[] b) {
    if (aLen != b.length) {
      return false;
    }
    for (int i = 0; i < aLen; i++) {
      if (lower(a[aOff + i]) != lower(b[i])) {
        return false;
      }
    }
    return true;
  }

  /** Tells whether valid wire name {@code a} is {@code apex} or below it, ignoring case. */
  static boolean isAtOrBelow(byte[] a, int aOff, int aLen, byte[] apex) {
    int p = 0;
    while (aLen - p > apex.length) {
      p += 1 + (a[aOff + p] & 0xFF);
    }
    return aLen - p == apex.length && sameName(a, aOff + p, apex.length, apex);
  }

  private static int lower(byte c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c & 0xFF;
  }

  /**
   * Returns the serial in SOA RDATA (RFC 1035 section 3.3.13), or -1 if the RDATA is not a
   * well-formed SOA.
   */
  static long soaSerial(byte[] rd, int off, int len) {
    int m = nameLength(rd, off, len);
    if (m < 0) {
      return -1;
    }
    int r = nameLength(rd, off + m, len - m);
    if (r < 0 || len != m + r + 20) {
      return -1;
    }
    return Buf.u32(rd, off + m + r);
  }

  /** Encodes records, replacing a repeated owner by the same-owner flag. */
  static final class Writer {
    private final byte[] prev = new byte[255];
    private int prevLen = -1;

    void write(Buf out, byte[] owner, int ownerOff, int ownerLen, int type, int dclass,
        long ttl, byte[] rd, int rdOff, int rdLen) {
      if (ownerLen == prevLen
          && Arrays.equals(prev, 0, prevLen, owner, ownerOff, ownerOff + ownerLen)) {
        out.u8(FLAG_SAME_OWNER);
      } else {
        if (ownerLen < 1 || ownerLen > 255) {
          throw new IllegalArgumentException("owner name length " + ownerLen);
        }
        out.u8(FLAG_OWNER).u8(ownerLen).bytes(owner, ownerOff, ownerLen);
        System.arraycopy(owner, ownerOff, prev, 0, ownerLen);
        prevLen = ownerLen;
      }
      if (rdLen > 0xFFFF) {
        throw new IllegalArgumentException("rdata length " + rdLen);
      }
      out.u16(type).u16(dclass).u32(ttl).u16(rdLen).bytes(rd, rdOff, rdLen);
    }
  }

  /** Decodes records one at a time into reused arrays. */
  static final class Reader {
    final byte[] owner = new byte[255];
    int ownerLen = -1;
    int type;
    int dclass;
    long ttl;
    byte[] rdata = new byte[512]; // grows to at most 65535
    int rdLen;
    private final byte[] next = new byte[255];

    /**
     * Reads the flags byte and, unless it is {@link #FLAG_END}, the record.
     *
     * @param endAllowed whether {@link #FLAG_END} may appear here
     * @return false at the end flag
     */
    boolean next(SeqReader in, boolean endAllowed) throws IOException, StoreFormatException {
      long at = in.position();
      int flags = in.u8();
      if (flags == FLAG_END && endAllowed) {
        return false;
      }
      if (flags == FLAG_SAME_OWNER) {
        if (ownerLen < 0) {
          throw new StoreFormatException("first record refers to a previous owner at offset "
              + at);
        }
      } else if (flags == FLAG_OWNER) {
        int len = in.u8();
        in.read(next, 0, len);
        if (nameLength(next, 0, len) != len) {
          throw new StoreFormatException("invalid owner name at offset " + (at + 2));
        }
        if (len == ownerLen && Arrays.equals(next, 0, len, owner, 0, len)) {
          throw new StoreFormatException("repeated owner not encoded as such at offset " + at);
        }
        System.arraycopy(next, 0, owner, 0, len);
        ownerLen = len;
      } else {
        throw new StoreFormatException(String.format(java.util.Locale.ROOT,
            "bad record flags 0x%02x at offset %d", flags, at));
      }
      type = in.u16();
      dclass = in.u16();
      ttl = in.u32();
      rdLen = in.u16();
      if (rdLen > rdata.length) {
        rdata = new byte[Math.max(rdLen, Math.min(0xFFFF, rdata.length * 2))];
      }
      in.read(rdata, 0, rdLen);
      return true;
    }

    /** Returns the record in RFC 1035 wire form (owner, type, class, ttl, rdlength, rdata). */
    byte[] wire() {
      Buf b = new Buf(ownerLen + 10 + rdLen);
      b.bytes(owner, 0, ownerLen).u16(type).u16(dclass).u32(ttl).u16(rdLen)
          .bytes(rdata, 0, rdLen);
      return b.toByteArray();
    }
  }

  /** Returns the canonical (lower-case) wire form of a name. */
  static byte[] canonical(Name name) {
    return name.toWireCanonical();
  }
}
