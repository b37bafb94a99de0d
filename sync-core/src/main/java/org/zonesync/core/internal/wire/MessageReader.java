// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.xbill.DNS.Type;

/**
 * A pull-style reader over one DNS message (RFC 1035 section 4.1) that allocates nothing per
 * record: owner names and RDATA are decompressed into buffers sized once, and the accessors
 * describe the entry that the last {@link #next()} reached. Reusable: {@link #reset} starts the
 * next message. Not thread-safe.
 *
 * <p>Every bound is checked and reported as a {@link WireFormatException} whose offset counts
 * from the first header byte: counts against the message length; compression pointers must point
 * strictly before the start of the label sequence being expanded (so no loops, RFC 1035 section
 * 4.1.4); at most 127 labels and 255 bytes per name; label types 0x40 and 0x80 are rejected (RFC
 * 6891 section 5); every RDLENGTH lies inside the message; the RDATA of the types that carry
 * names, of A and AAAA (class IN), of TXT, SPF and HINFO must exactly fill RDLENGTH; trailing
 * bytes after the last counted record are an error.
 *
 * <p>The expansion of the name at each compression-pointer target is checked once per message
 * and then copied whole wherever another pointer reaches it, which makes decoding the typical
 * transfer (every owner a label or two plus a pointer to the zone apex) about as cheap as
 * copying it.
 *
 * <p>Names inside RDATA are decompressed for the types RFC 3597 section 4 lets a sender compress
 * (NS MD MF CNAME SOA MB MG MR PTR MINFO MX) or tells a receiver to decompress (RP AFSDB RT SIG PX
 * NXT NAPTR SRV); all other RDATA is returned as it is on the wire.
 */
public final class MessageReader {
  /** The question section. */
  public static final int SECTION_QUESTION = 0;
  /** The answer section. */
  public static final int SECTION_ANSWER = 1;
  /** The authority section. */
  public static final int SECTION_AUTHORITY = 2;
  /** The additional section. */
  public static final int SECTION_ADDITIONAL = 3;

  /** Largest DNS message: the TCP length prefix is two octets (RFC 7766 section 8). */
  static final int MAX_MESSAGE = 65535;

  private static final int HEADER = 12;
  private static final int MIN_QUESTION = 5;
  private static final int MIN_RECORD = 11;
  private static final int MAX_NAME = 255;
  private static final int MAX_LABELS = 127;
  /** Room for the largest RDATA plus the growth of two decompressed names. */
  private static final int RDATA_CAPACITY = MAX_MESSAGE + 2 * MAX_NAME + 2;
  private static final byte[] EMPTY = {};
  /** Spare bytes after each destination buffer for the eight-byte copies of {@link #copy}. */
  private static final int SLACK = 8;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORTS =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] owner = new byte[MAX_NAME + 1 + SLACK];
  private final byte[] rdata = new byte[RDATA_CAPACITY + SLACK];
  private final int[] counts = new int[4];

  // Expansions of names at pointer targets (RFC 1035 section 4.1.4), valid for one message: an
  // entry is (generation, arena offset, label count, length). A target's expansion does not
  // depend on where the pointer came from, so it is checked once and then copied.
  private static final int ARENA = 16384;
  private final long[] suffixes = new long[0x4000];
  private final byte[] arena = new byte[ARENA + SLACK];
  private int arenaPos;
  private int generation;

  private byte[] msg = EMPTY;
  private int base;
  private int end;
  private int pos;
  private int id;
  private int flags;
  private int section;
  private int left;
  private boolean done = true;
  private boolean failed;
  /** Set by {@link #readName}: the message position just after the name's in-place bytes. */
  private int nameEnd;

  private int ownerLength;
  private int type;
  private int dclass;
  private long ttl;
  private int rdataLength;
  private int recordOffset;
  private int rdataOffset;
  private int rdLength;

  /** Creates a reader; its buffers (about 210 KiB) are allocated here, once. */
  public MessageReader() {}

  /**
   * Starts reading a message and parses its 12-byte header. The counts must be plausible: each
   * question needs at least 5 bytes and each record at least 11.
   *
   * @param msg the array holding the message; not copied, must not change while it is read
   * @param off where the message starts in {@code msg}
   * @param len the message length, at most 65535
   * @throws WireFormatException if the message is shorter than its header or its counts need
   *     more bytes than it has
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not lie inside {@code msg}
   */
  public void reset(byte[] msg, int off, int len) throws WireFormatException {
    java.util.Objects.checkFromIndexSize(off, len, msg.length);
    this.msg = msg;
    this.base = off;
    if (++generation == 0) {
      java.util.Arrays.fill(suffixes, 0L);
      generation = 1;
    }
    arenaPos = 0;
    this.end = off + len;
    this.done = true;
    this.failed = false;
    this.section = SECTION_QUESTION;
    this.left = 0;
    this.pos = off;
    this.ownerLength = 0;
    this.rdataLength = 0;
    if (len < HEADER) {
      throw new WireFormatException("message of " + len + " bytes is shorter than the 12-byte header", 0);
    }
    if (len > MAX_MESSAGE) {
      throw new WireFormatException("message of " + len + " bytes exceeds 65535", 0);
    }
    id = u16(off);
    flags = u16(off + 2);
    long need = HEADER;
    for (int s = 0; s < 4; s++) {
      counts[s] = u16(off + 4 + 2 * s);
      need += (long) counts[s] * (s == SECTION_QUESTION ? MIN_QUESTION : MIN_RECORD);
    }
    if (need > len) {
      throw new WireFormatException("header counts " + counts[0] + "/" + counts[1] + "/" + counts[2]
          + "/" + counts[3] + " need at least " + need + " bytes, message has " + len, 4);
    }
    pos = off + HEADER;
    left = counts[SECTION_QUESTION];
    done = false;
  }

  /** Returns the message ID. */
  public int id() {
    return id;
  }

  /** Returns the second header word: QR, opcode, AA, TC, RD, RA, Z, AD, CD and rcode. */
  public int flags() {
    return flags;
  }

  /** Returns true if the QR bit is set (a response). */
  public boolean qr() {
    return (flags & 0x8000) != 0;
  }

  /** Returns the 4-bit opcode. */
  public int opcode() {
    return (flags >>> 11) & 0xF;
  }

  /** Returns true if the AA bit is set. */
  public boolean aa() {
    return (flags & 0x0400) != 0;
  }

  /** Returns true if the TC bit is set. */
  public boolean tc() {
    return (flags & 0x0200) != 0;
  }

  /** Returns the 4-bit header rcode (without any EDNS extension). */
  public int rcode() {
    return flags & 0xF;
  }

  /** Returns QDCOUNT. */
  public int questionCount() {
    return counts[SECTION_QUESTION];
  }

  /** Returns ANCOUNT. */
  public int answerCount() {
    return counts[SECTION_ANSWER];
  }

  /** Returns NSCOUNT. */
  public int authorityCount() {
    return counts[SECTION_AUTHORITY];
  }

  /** Returns ARCOUNT. */
  public int additionalCount() {
    return counts[SECTION_ADDITIONAL];
  }

  /**
   * Advances to the next question or record in message order (questions, then answer, authority
   * and additional). After it returns true the accessors describe the new entry.
   *
   * @return false after the last counted entry
   * @throws WireFormatException if the entry is malformed, or if bytes follow the last entry
   * @throws IllegalStateException if called after a failure or before {@link #reset}
   */
  public boolean next() throws WireFormatException {
    if (failed) {
      throw new IllegalStateException("the message was rejected; call reset for the next one");
    }
    if (done) {
      return false;
    }
    while (left == 0) {
      if (section == SECTION_ADDITIONAL) {
        done = true;
        if (pos != end) {
          failed = true;
          throw new WireFormatException((end - pos) + " trailing bytes after the last record at offset "
              + (pos - base), pos - base);
        }
        return false;
      }
      section++;
      left = counts[section];
    }
    left--;
    try {
      if (section == SECTION_QUESTION) {
        readQuestion();
      } else {
        readRecord();
      }
    } catch (WireFormatException e) {
      failed = true;
      throw e;
    }
    return true;
  }

  /** Returns the section of the current entry, one of the {@code SECTION_*} constants. */
  public int section() {
    return section;
  }

  /**
   * Returns the current owner (or question) name, uncompressed wire form from index 0, case kept.
   * The array is reused by the next call of {@link #next()}.
   */
  public byte[] owner() {
    return owner;
  }

  /** Returns the length of the name in {@link #owner()}. */
  public int ownerLength() {
    return ownerLength;
  }

  /** Returns the type of the current entry. */
  public int type() {
    return type;
  }

  /** Returns the class of the current entry. */
  public int dclass() {
    return dclass;
  }

  /** Returns the TTL of the current record, 0..2^32-1; 0 for a question. */
  public long ttl() {
    return ttl;
  }

  /**
   * Returns the RDATA of the current record from index 0, with the names of the types listed in
   * the class comment decompressed; other RDATA as on the wire. The array is reused.
   */
  public byte[] rdata() {
    return rdata;
  }

  /** Returns the length of the RDATA in {@link #rdata()}; 0 for a question. */
  public int rdataLength() {
    return rdataLength;
  }

  /** Returns the absolute offset in the message array where the current entry's name starts. */
  public int recordOffset() {
    return recordOffset;
  }

  /** Returns the absolute offset of the current record's RDATA as it is on the wire. */
  public int rdataOffset() {
    return rdataOffset;
  }

  /** Returns the RDLENGTH of the current record on the wire; 0 for a question. */
  public int rdLength() {
    return rdLength;
  }

  /** Returns the absolute offset just after the last entry read (after the header at first). */
  public int position() {
    return pos;
  }

  private void readQuestion() throws WireFormatException {
    int p = pos;
    recordOffset = p;
    ownerLength = readName(p, end, owner, 0);
    p = nameEnd;
    if (end - p < 4) {
      throw new WireFormatException("question cut short at offset " + (p - base) + ": need 4 bytes, have "
          + (end - p), p - base);
    }
    type = u16(p);
    dclass = u16(p + 2);
    ttl = 0;
    rdataLength = 0;
    rdLength = 0;
    rdataOffset = p + 4;
    pos = p + 4;
  }

  private void readRecord() throws WireFormatException {
    int p = pos;
    recordOffset = p;
    ownerLength = readName(p, end, owner, 0);
    p = nameEnd;
    if (end - p < 10) {
      throw new WireFormatException("record cut short at offset " + (p - base) + ": need 10 bytes, have "
          + (end - p), p - base);
    }
    final byte[] m = msg;
    int typeAndClass = (int) INTS.get(m, p);
    type = typeAndClass >>> 16;
    dclass = typeAndClass & 0xFFFF;
    ttl = (int) INTS.get(m, p + 4) & 0xFFFFFFFFL;
    int rdlen = u16(p + 8);
    p += 10;
    if (rdlen > end - p) {
      throw new WireFormatException("rdlength " + rdlen + " at offset " + (p - 2 - base)
          + " runs past the end of the message (" + (end - p) + " bytes left)", p - 2 - base);
    }
    rdataOffset = p;
    rdLength = rdlen;
    byte[] layout = RdataLayout.of(type, dclass, rdlen);
    if (layout.length == 0) {
      copy(m, p, rdata, 0, rdlen);
      rdataLength = rdlen;
    } else {
      rdataLength = decodeRdata(layout, p, p + rdlen);
    }
    pos = p + rdlen;
  }

  /** Copies and checks RDATA along its layout, decompressing names; returns the length written. */
  private int decodeRdata(byte[] layout, int start, int rdEnd) throws WireFormatException {
    final byte[] m = msg;
    final byte[] out = rdata;
    int q = start;
    int d = 0;
    for (int i = 0; ; ) {
      switch (layout[i++]) {
        case RdataLayout.NAME:
          d = readName(q, rdEnd, out, d);
          q = nameEnd;
          break;
        case RdataLayout.FIXED: {
          int n = layout[i++];
          if (rdEnd - q < n) {
            throw rdataError(start, rdEnd, "needs " + n + " more bytes at offset " + (q - base)
                + ", has " + (rdEnd - q), q);
          }
          copy(m, q, out, d, n);
          q += n;
          d += n;
          break;
        }
        case RdataLayout.STRING:
        case RdataLayout.STRINGS: {
          boolean many = layout[i - 1] == RdataLayout.STRINGS;
          int from = q;
          do {
            if (q >= rdEnd) {
              throw rdataError(start, rdEnd, "is missing a character-string at offset " + (q - base), q);
            }
            int n = 1 + (m[q] & 0xFF);
            if (n > rdEnd - q) {
              throw rdataError(start, rdEnd, "has a character-string of " + (n - 1) + " bytes at offset "
                  + (q - base) + " that overruns the rdata by " + (n - (rdEnd - q)), q);
            }
            q += n;
          } while (many && q < rdEnd);
          copy(m, from, out, d, q - from);
          d += q - from;
          break;
        }
        case RdataLayout.REST:
          copy(m, q, out, d, rdEnd - q);
          d += rdEnd - q;
          q = rdEnd;
          break;
        default: // END
          if (q != rdEnd) {
            throw rdataError(start, rdEnd, "has " + (rdEnd - q) + " unexpected bytes at offset "
                + (q - base), q);
          }
          if (d > MAX_MESSAGE) {
            throw rdataError(start, rdEnd, "decompresses to " + d + " bytes, more than 65535", start);
          }
          return d;
      }
    }
  }

  private WireFormatException rdataError(int start, int rdEnd, String what, int at) {
    return new WireFormatException(Type.string(type) + " rdata of " + (rdEnd - start) + " bytes at offset "
        + (start - base) + " " + what, at - base);
  }

  /**
   * Decompresses the name at {@code p} into {@code dst[d..]}, sets {@link #nameEnd} and returns
   * the new end in {@code dst}. The in-place bytes must end before {@code bound}; a pointer must
   * point strictly before the start of the label sequence being expanded, which bounds the walk.
   */
  private int readName(int p, int bound, byte[] dst, int d) throws WireFormatException {
    final byte[] m = msg;
    int lim = bound;
    int seqStart = p;
    int runStart = p; // consecutive in-place labels are copied in one go
    int after = -1;
    int labels = 0;
    int length = 1; // the root label
    int firstTarget = -1;
    int firstD = 0;
    int firstLabels = 0;
    while (true) {
      if (p >= lim) {
        throw runsPast(p, lim, "name at offset " + (seqStart - base) + " runs past", true);
      }
      int b = m[p] & 0xFF;
      if (b == 0) {
        int n = p + 1 - runStart;
        copy(m, runStart, dst, d, n);
        d += n;
        p++;
        break;
      }
      if (b < 0x40) {
        if (b >= lim - p) {
          throw runsPast(p, lim, "label of " + b + " bytes at offset " + (p - base) + " runs past", false);
        }
        length += 1 + b;
        if (++labels > MAX_LABELS) {
          throw new WireFormatException("name has more than 127 labels at offset " + (p - base), p - base);
        }
        if (length > MAX_NAME) {
          throw new WireFormatException("name longer than 255 bytes at offset " + (p - base), p - base);
        }
        p += 1 + b;
      } else if (b >= 0xC0) {
        if (p + 1 >= lim) {
          throw new WireFormatException("name pointer at offset " + (p - base) + " is cut short", p - base);
        }
        int target = ((b & 0x3F) << 8) | (m[p + 1] & 0xFF);
        if (target >= seqStart - base) {
          throw pointerError(p, target, seqStart);
        }
        int n = p - runStart;
        copy(m, runStart, dst, d, n);
        d += n;
        if (after < 0) {
          after = p + 2;
        }
        long c = suffixes[target];
        if ((int) (c >>> 32) == generation) {
          int meta = (int) c;
          int cLen = meta & 0xFF;
          int cLabels = (meta >>> 8) & 0x7F;
          if (labels + cLabels <= MAX_LABELS && length - 1 + cLen <= MAX_NAME) {
            copy(arena, meta >>> 16, dst, d, cLen);
            d += cLen;
            labels += cLabels;
            break;
          }
        }
        if (firstTarget < 0) {
          firstTarget = target;
          firstD = d;
          firstLabels = labels;
        }
        p = base + target;
        seqStart = p;
        runStart = p;
        lim = end;
      } else {
        throw new WireFormatException("unsupported label type 0x" + Integer.toHexString(b & 0xC0)
            + " at offset " + (p - base), p - base);
      }
    }
    if (firstTarget >= 0) {
      remember(firstTarget, dst, firstD, d - firstD, labels - firstLabels);
    }
    nameEnd = after < 0 ? p : after;
    return d;
  }

  /** Caches the expansion of the name at a pointer target, so later pointers to it copy once. */
  private void remember(int target, byte[] src, int from, int len, int labelCount) {
    int at = arenaPos;
    if (at + len > ARENA) {
      return;
    }
    System.arraycopy(src, from, arena, at, len);
    arenaPos = at + len;
    suffixes[target] = ((long) generation << 32) | ((long) at << 16) | (labelCount << 8) | len;
  }

  private WireFormatException runsPast(int p, int lim, String what, boolean sayWhere) {
    String where = lim == end ? " the end of the message" : " its rdata";
    return new WireFormatException(what + where + (sayWhere ? " at offset " + (p - base) : ""), p - base);
  }

  private WireFormatException pointerError(int p, int target, int seqStart) {
    String why = target == p - base ? "points to itself (loop)"
        : "points to offset " + target + ", not before " + (seqStart - base);
    return new WireFormatException("name pointer at offset " + (p - base) + " " + why, p - base);
  }

  /**
   * Copies the short runs of names eight bytes at a time; that beats both a byte loop and the
   * arraycopy stub call. It may write up to 7 bytes past {@code to + n}, so destinations keep
   * {@link #SLACK} spare bytes, and reads past {@code from + n} only inside {@code src}.
   */
  private static void copy(byte[] src, int from, byte[] dst, int to, int n) {
    if (n > 64 || from + n + SLACK > src.length) {
      System.arraycopy(src, from, dst, to, n);
      return;
    }
    for (int i = 0; i < n; i += 8) {
      LONGS.set(dst, to + i, (long) LONGS.get(src, from + i));
    }
  }

  private int u16(int p) {
    return (short) SHORTS.get(msg, p) & 0xFFFF;
  }
}
