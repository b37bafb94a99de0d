// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

/**
 * Builds one DNS message at a time with name compression (RFC 1035 section 4.1.4), bounded by a
 * size limit, for the "many-answers" packing of outgoing transfers. Reusable and allocation-free
 * after construction; not thread-safe.
 *
 * <p>Compression matches only byte-exact (case-sensitive) suffixes of names already written, so
 * that a reader gets every name back in its original case. Owner and question names are always
 * compressed; names inside RDATA only for the RFC 1035 types (NS MD MF CNAME SOA MB MG MR PTR
 * MINFO MX), as RFC 3597 section 4 requires; all other RDATA is written as given. Only names
 * written in the first 16 KiB can be pointer targets (pointers have 14 bits).
 *
 * <p>Owner names arrive in canonical order in a transfer, so consecutive owners share their
 * trailing labels (often the whole name). The writer remembers where each suffix of the last
 * owner points and reuses that instead of looking the shared labels up again; the bytes written
 * are exactly those of the plain dictionary search.
 *
 * <p>Call order: {@link #start}, then {@link #question}s, then {@link #record}s in section order,
 * then {@link #finish}.
 */
public final class MessageWriter {
  /** The QR bit of the header flags word: a response. */
  public static final int FLAG_QR = 0x8000;
  /** The AA bit: an authoritative answer. */
  public static final int FLAG_AA = 0x0400;
  /** The TC bit: truncated. */
  public static final int FLAG_TC = 0x0200;
  /** The RD bit: recursion desired. */
  public static final int FLAG_RD = 0x0100;

  private static final int HEADER = 12;
  private static final int MAX_POINTER = 0x3FFF;
  private static final int MAX_ENTRIES = 8192;
  private static final int TABLE_SIZE = 16384;
  private static final int ROOT = -1;

  private final int capacity;
  private final byte[] buf;
  private final boolean compress;
  private final boolean compressAllLayouts;
  private final boolean reuseOwner;

  // The compression dictionary: an entry is a literal label written at entryOffset whose rest of
  // the name is the suffix at entryRest (ROOT for the root). Each distinct suffix is written
  // literally once, later occurrences point at it, so (label bytes, rest) identifies a suffix.
  private final int[] table = new int[TABLE_SIZE];
  private final int[] entryOffset = new int[MAX_ENTRIES];
  private final int[] entryRest = new int[MAX_ENTRIES];
  private final int[] entrySlot = new int[MAX_ENTRIES];
  private int entries;
  private final int[] labelStart = new int[128];
  // Where each suffix of the name last written points: target[k] is the offset a pointer to the
  // suffix starting at label k may use, or -1 if it has none (written past the 14-bit range or
  // with the dictionary full). Filled by writeName.
  private final int[] target = new int[128];
  // The last owner name (uncompressed, its label starts and suffix targets), or prevLen -1 when
  // unknown. Valid only while the dictionary keeps every entry those targets rely on, so any
  // removal from the dictionary forgets it.
  private final byte[] prevOwner = new byte[255];
  private final int[] prevStart = new int[128];
  private final int[] prevTarget = new int[128];
  private int prevLen = -1;
  private int prevLabels;
  // The hash of the last failed lookup: the literal label it was for is registered with it.
  private int missHash;

  private int pos;
  private int limit;
  private int questions;
  private int recordCount;
  private final int[] counts = new int[4];
  private int lastSection;
  private boolean started;

  /**
   * Creates a writer with name compression.
   *
   * @param capacity the largest message plus any reserve (e.g. room for a TSIG record appended
   *     afterwards), at least 12
   * @throws IllegalArgumentException if {@code capacity} is below 12
   */
  public MessageWriter(int capacity) {
    this(capacity, true, false);
  }

  /**
   * Creates a writer, optionally without compression (every name is written in full).
   *
   * @param capacity as for {@link #MessageWriter(int)}
   * @param compress false to write every name in full
   * @throws IllegalArgumentException if {@code capacity} is below 12
   */
  public MessageWriter(int capacity, boolean compress) {
    this(capacity, compress, false);
  }

  /**
   * For tests of receivers: {@code compressAllLayouts} also compresses the names that RFC 3597
   * forbids a sender to compress (RP AFSDB RT SIG PX NXT NAPTR SRV).
   */
  MessageWriter(int capacity, boolean compress, boolean compressAllLayouts) {
    this(capacity, compress, compressAllLayouts, true);
  }

  /**
   * For tests: {@code reuseOwner} false looks every owner name up in the dictionary from
   * scratch, the reference the owner reuse must match byte for byte.
   */
  MessageWriter(int capacity, boolean compress, boolean compressAllLayouts, boolean reuseOwner) {
    if (capacity < HEADER) {
      throw new IllegalArgumentException("capacity " + capacity + " is below the 12-byte header");
    }
    this.capacity = capacity;
    this.compress = compress;
    this.compressAllLayouts = compressAllLayouts;
    this.reuseOwner = reuseOwner;
    // Slack for one worst-case record past the limit, so writing needs no bounds checks and an
    // over-limit record is simply rolled back.
    this.buf = new byte[capacity + 256 + 10 + MessageReader.MAX_MESSAGE];
  }

  /**
   * Raises the size limit of the message being written, e.g. to add a record that was reserved
   * room for (the OPT of a transfer's first message).
   *
   * @param limit the new limit, not below the current one, at most min(capacity, 65535)
   * @throws IllegalArgumentException if out of range
   */
  public void raiseLimit(int limit) {
    if (limit < this.limit || limit > capacity || limit > MessageReader.MAX_MESSAGE) {
      throw new IllegalArgumentException("limit " + limit + " is not in " + this.limit + ".."
          + Math.min(capacity, 65535));
    }
    this.limit = limit;
  }

  /**
   * Starts a message: the header gets {@code id} and {@code flags}, all counts zero.
   *
   * @param id the message ID, 0..65535
   * @param flags the second header word (QR, opcode, AA, TC, RD, RA, AD, CD, rcode)
   * @param limit the largest size the message may reach, 12..min(capacity, 65535)
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  public void start(int id, int flags, int limit) {
    if (limit < HEADER || limit > capacity || limit > MessageReader.MAX_MESSAGE) {
      throw new IllegalArgumentException("limit " + limit + " is not in 12.." + Math.min(capacity, 65535));
    }
    clearDictionary(0);
    this.limit = limit;
    java.util.Arrays.fill(buf, 0, HEADER, (byte) 0);
    put16(0, id);
    put16(2, flags);
    pos = HEADER;
    questions = 0;
    recordCount = 0;
    java.util.Arrays.fill(counts, 0);
    lastSection = MessageReader.SECTION_QUESTION;
    started = true;
  }

  /**
   * Adds a question (RFC 1035 section 4.1.2). Questions come before every record.
   *
   * @param name the uncompressed wire name
   * @param nameOff where it starts
   * @param nameLen its length
   * @param type the QTYPE
   * @param dclass the QCLASS
   * @throws IllegalArgumentException if the name is not a well-formed uncompressed name
   * @throws IllegalStateException if a record was already added, or the question does not fit
   */
  public void question(byte[] name, int nameOff, int nameLen, int type, int dclass) {
    if (!started || lastSection != MessageReader.SECTION_QUESTION) {
      throw new IllegalStateException("questions must come after start and before every record");
    }
    int labels = splitName(name, nameOff, nameLen);
    int saved = entries;
    int p = writeName(name, labels, pos, compress);
    if (p + 4 > limit || questions == 0xFFFF) {
      clearDictionary(saved);
      throw new IllegalStateException("question does not fit the limit of " + limit + " bytes");
    }
    put16(p, type);
    put16(p + 2, dclass);
    pos = p + 4;
    questions++;
  }

  /**
   * Adds one resource record, or leaves the message exactly as it was if the record would make it
   * exceed the limit.
   *
   * @param section {@link MessageReader#SECTION_ANSWER}, {@code SECTION_AUTHORITY} or {@code
   *     SECTION_ADDITIONAL}, never lower than the section of the previous record
   * @param owner the uncompressed wire owner name
   * @param ownerOff where it starts
   * @param ownerLen its length
   * @param type the type
   * @param dclass the class
   * @param ttl the TTL, 0..2^32-1
   * @param rdata the RDATA, names uncompressed
   * @param rdOff where it starts
   * @param rdLen its length, at most 65535
   * @return true if added, false if it did not fit (nothing changed)
   * @throws IllegalArgumentException if a name or the RDATA of a compressed type is malformed, or
   *     a value is out of range
   * @throws IllegalStateException if called before {@link #start} or out of section order
   */
  public boolean record(int section, byte[] owner, int ownerOff, int ownerLen, int type, int dclass,
      long ttl, byte[] rdata, int rdOff, int rdLen) {
    if (!started) {
      throw new IllegalStateException("record before start");
    }
    if (section < MessageReader.SECTION_ANSWER || section > MessageReader.SECTION_ADDITIONAL) {
      throw new IllegalArgumentException("section " + section + " is not answer, authority or additional");
    }
    if (section < lastSection) {
      throw new IllegalStateException("section " + section + " after section " + lastSection);
    }
    if (rdLen < 0 || rdLen > MessageReader.MAX_MESSAGE) {
      throw new IllegalArgumentException("rdata length " + rdLen + " is not in 0..65535");
    }
    if (ttl < 0 || ttl > 0xFFFFFFFFL || (type & ~0xFFFF) != 0 || (dclass & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("ttl, type or class out of range");
    }
    java.util.Objects.checkFromIndexSize(rdOff, rdLen, rdata.length);
    if (counts[section] == 0xFFFF) {
      return false;
    }
    int saved = entries;
    int p = compress && reuseOwner ? writeOwner(owner, ownerOff, ownerLen)
        : writeName(owner, splitName(owner, ownerOff, ownerLen), pos, compress);
    put16(p, type);
    put16(p + 2, dclass);
    buf[p + 4] = (byte) (ttl >>> 24);
    buf[p + 5] = (byte) (ttl >>> 16);
    buf[p + 6] = (byte) (ttl >>> 8);
    buf[p + 7] = (byte) ttl;
    int rdStart = p + 10;
    int rdEnd;
    if (compress && rdLen > 0 && (RdataLayout.compressOnWrite(type) || compressAllLayouts)) {
      byte[] layout = RdataLayout.of(type, dclass, rdLen);
      rdEnd = RdataLayout.hasName(layout)
          ? encodeRdata(layout, type, rdata, rdOff, rdLen, rdStart, saved)
          : copy(rdata, rdOff, rdLen, rdStart);
    } else {
      rdEnd = copy(rdata, rdOff, rdLen, rdStart);
    }
    if (rdEnd > limit) {
      clearDictionary(saved);
      return false;
    }
    put16(p + 8, rdEnd - rdStart);
    pos = rdEnd;
    counts[section]++;
    lastSection = section;
    recordCount++;
    return true;
  }

  /**
   * Writes the counts into the header.
   *
   * @return the message length; the message is {@code buffer()[0, length)}
   */
  public int finish() {
    put16(4, questions);
    put16(6, counts[MessageReader.SECTION_ANSWER]);
    put16(8, counts[MessageReader.SECTION_AUTHORITY]);
    put16(10, counts[MessageReader.SECTION_ADDITIONAL]);
    return pos;
  }

  /** Returns the buffer holding the message; its length is at least the capacity. */
  public byte[] buffer() {
    return buf;
  }

  /** Returns the number of records added since {@link #start}. */
  public int recordCount() {
    return recordCount;
  }

  /** Returns the current message length. */
  public int length() {
    return pos;
  }

  private int copy(byte[] src, int off, int len, int at) {
    System.arraycopy(src, off, buf, at, len);
    return at + len;
  }

  /** Writes RDATA along its layout, compressing names; returns the end offset. */
  private int encodeRdata(byte[] layout, int type, byte[] src, int off, int len, int at, int saved) {
    int q = off;
    int end = off + len;
    int d = at;
    try {
      for (int i = 0; ; ) {
        switch (layout[i++]) {
          case RdataLayout.NAME: {
            int n = nameLength(src, q, end);
            d = writeName(src, splitName(src, q, n), d, true);
            q += n;
            break;
          }
          case RdataLayout.FIXED: {
            int n = layout[i++];
            if (end - q < n) {
              throw new IllegalArgumentException("short rdata");
            }
            d = copy(src, q, n, d);
            q += n;
            break;
          }
          case RdataLayout.STRING:
          case RdataLayout.STRINGS: {
            boolean many = layout[i - 1] == RdataLayout.STRINGS;
            int from = q;
            do {
              if (q >= end || 1 + (src[q] & 0xFF) > end - q) {
                throw new IllegalArgumentException("bad character-string");
              }
              q += 1 + (src[q] & 0xFF);
            } while (many && q < end);
            d = copy(src, from, q - from, d);
            break;
          }
          case RdataLayout.REST:
            d = copy(src, q, end - q, d);
            q = end;
            break;
          default:
            if (q != end) {
              throw new IllegalArgumentException("trailing bytes");
            }
            return d;
        }
      }
    } catch (IllegalArgumentException e) {
      clearDictionary(saved);
      throw new IllegalArgumentException("malformed rdata for type " + type + ": " + e.getMessage(), e);
    }
  }

  /** Returns the length of the uncompressed name at {@code p}, which must end before {@code end}. */
  private static int nameLength(byte[] src, int p, int end) {
    int q = p;
    while (true) {
      if (q >= end) {
        throw new IllegalArgumentException("name runs past its end");
      }
      int b = src[q] & 0xFF;
      q += 1 + b;
      if (b == 0) {
        return q - p;
      }
    }
  }

  /** Records the label starts of a name in {@link #labelStart}; returns the label count. */
  private int splitName(byte[] name, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, name.length);
    if (len > 255) {
      throw new IllegalArgumentException("name of " + len + " bytes exceeds 255");
    }
    int p = off;
    int end = off + len;
    int n = 0;
    while (true) {
      if (p >= end) {
        throw new IllegalArgumentException("name does not end with the root label");
      }
      int b = name[p] & 0xFF;
      if (b == 0) {
        if (p + 1 != end) {
          throw new IllegalArgumentException("bytes after the root label of a name");
        }
        return n;
      }
      if (b > 63) {
        throw new IllegalArgumentException("label of length " + b + " in an uncompressed name");
      }
      labelStart[n++] = p;
      p += 1 + b;
    }
  }

  /**
   * Writes an owner name at {@link #pos}, compressed, starting from the suffix it shares with
   * the previous owner; remembers it for the next. Returns the end offset.
   */
  private int writeOwner(byte[] src, int off, int len) {
    int labels = splitName(src, off, len);
    int common = 0;
    if (prevLen >= 0) {
      if (prevLen == len && labels > 0 && prevTarget[0] >= 0
          && java.util.Arrays.equals(prevOwner, 0, len, src, off, off + len)) {
        // The same owner as the last record's: one pointer, as the dictionary search would find.
        int t = prevTarget[0];
        buf[pos] = (byte) (0xC0 | (t >>> 8));
        buf[pos + 1] = (byte) t;
        return pos + 2;
      }
      for (int i = labels - 1, j = prevLabels - 1; i >= 0 && j >= 0 && prevTarget[j] >= 0
          && labelEquals(src, labelStart[i], prevOwner, prevStart[j]); i--, j--) {
        common++;
      }
      // The shared labels resolve as they did for the previous owner.
      for (int k = labels - common, j = prevLabels - common; k < labels; k++, j++) {
        target[k] = prevTarget[j];
      }
    }
    int end = writeName(src, labels, pos, true, common);
    System.arraycopy(src, off, prevOwner, 0, len);
    for (int k = 0; k < labels; k++) {
      prevStart[k] = labelStart[k] - off;
    }
    // Keep only the targets the dictionary search reaches from the root: it stops at the first
    // suffix without one, even if a longer suffix was registered (a label written just below
    // the 16 KiB mark whose rest lies above it).
    boolean reachable = true;
    for (int k = labels - 1; k >= 0; k--) {
      reachable &= target[k] >= 0;
      prevTarget[k] = reachable ? target[k] : -1;
    }
    prevLabels = labels;
    prevLen = len;
    return end;
  }

  private static boolean labelEquals(byte[] a, int as, byte[] b, int bs) {
    int n = a[as];
    if (n != b[bs]) {
      return false;
    }
    for (int i = 1; i <= n; i++) {
      if (a[as + i] != b[bs + i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the name split into {@link #labelStart} at {@code at}, compressed if asked, and
   * registers its literal labels; returns the end offset.
   */
  private int writeName(byte[] src, int labels, int at, boolean compressName) {
    return writeName(src, labels, at, compressName, 0);
  }

  /**
   * As {@link #writeName(byte[], int, int, boolean)}, with the last {@code known} labels already
   * resolved to {@link #target} (a suffix the dictionary search would find); fills
   * {@link #target} for every label.
   */
  private int writeName(byte[] src, int labels, int at, boolean compressName, int known) {
    int rest = known == 0 ? ROOT : target[labels - known];
    int literal = labels - known;
    int lastMiss = -1;
    if (compressName) {
      while (literal > 0) {
        int found = lookup(src, labelStart[literal - 1], rest);
        if (found < 0) {
          lastMiss = missHash;
          break;
        }
        rest = found;
        literal--;
        target[literal] = found;
      }
    }
    int d = at;
    for (int j = 0; j < literal; j++) {
      int s = labelStart[j];
      int n = 1 + (src[s] & 0xFF);
      System.arraycopy(src, s, buf, d, n);
      boolean registered = false;
      if (compressName) {
        int r = j + 1 < literal ? d + n : rest;
        registered = register(d, r, j + 1 == literal ? lastMiss : -1);
      }
      target[j] = registered ? d : -1;
      d += n;
    }
    if (rest == ROOT) {
      buf[d++] = 0;
    } else {
      buf[d] = (byte) (0xC0 | (rest >>> 8));
      buf[d + 1] = (byte) rest;
      d += 2;
    }
    return d;
  }

  private static int hash(byte[] src, int s, int rest) {
    int h = rest * 0x9E3779B1;
    int n = src[s] & 0xFF;
    for (int i = s; i <= s + n; i++) {
      h = h * 31 + src[i];
    }
    return (h ^ (h >>> 15)) & (TABLE_SIZE - 1);
  }

  private int lookup(byte[] src, int s, int rest) {
    int n = src[s] & 0xFF;
    int h = hash(src, s, rest);
    for (int slot = h; ; slot = (slot + 1) & (TABLE_SIZE - 1)) {
      int e = table[slot] - 1;
      if (e < 0) {
        missHash = h;
        return -1;
      }
      if (entryRest[e] == rest && java.util.Arrays.equals(buf, entryOffset[e], entryOffset[e] + n + 1,
          src, s, s + n + 1)) {
        return entryOffset[e];
      }
    }
  }

  /**
   * Adds the literal label at {@code offset} to the dictionary; {@code knownHash} is its hash if
   * a failed lookup already computed it, else -1. Returns whether it was added.
   */
  private boolean register(int offset, int rest, int knownHash) {
    if (offset > MAX_POINTER || entries == MAX_ENTRIES) {
      return false;
    }
    int slot = knownHash >= 0 ? knownHash : hash(buf, offset, rest);
    while (table[slot] != 0) {
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    table[slot] = entries + 1;
    entryOffset[entries] = offset;
    entryRest[entries] = rest;
    entrySlot[entries] = slot;
    entries++;
    return true;
  }

  /**
   * Forgets the entries from {@code keep} on. Removing the newest entries of a linear-probing
   * table in reverse order restores it exactly, since later insertions never moved earlier ones.
   */
  private void clearDictionary(int keep) {
    prevLen = -1;
    for (int e = entries - 1; e >= keep; e--) {
      table[entrySlot[e]] = 0;
    }
    entries = keep;
  }

  private void put16(int p, int v) {
    buf[p] = (byte) (v >>> 8);
    buf[p + 1] = (byte) v;
  }
}
