// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;

/**
 * Fills one {@link Chunk} at a time from records given in canonical order; reuses its buffers
 * between chunks, so the only allocations are the exact-size arrays of each finished chunk.
 *
 * <p>A record whose owner octets equal the previous record's shares that owner copy, whether it
 * came through {@link #add} or {@link #copy}, so rewritten chunks keep the builder's layout.
 */
final class ChunkWriter {
  private byte[] buf = new byte[16 * 1024];
  private int used;
  private final int capacity;
  private final int[] rec;
  private final int[] owner;
  private int n;
  private int lastOwner = -1;

  /** A writer for chunks of up to {@link Chunk#MAX_RECORDS} records, as the builder makes. */
  ChunkWriter() {
    this(Chunk.MAX_RECORDS);
  }

  /** A writer for chunks of up to {@code capacity} records. */
  ChunkWriter(int capacity) {
    this.capacity = capacity;
    this.rec = new int[capacity];
    this.owner = new int[capacity];
  }

  boolean isFull() {
    return n == capacity;
  }

  boolean isEmpty() {
    return n == 0;
  }

  /** Number of records in the chunk being filled. */
  int size() {
    return n;
  }

  /** Appends one record; the caller checks {@link #isFull()} first. */
  void add(byte[] o, int oo, int ol, int type, long ttl, byte[] rd, int ro, int rl) {
    ensure(1 + ol + 8 + rl);
    if (lastOwner < 0
        || (buf[lastOwner] & 0xFF) != ol
        || !Arrays.equals(buf, lastOwner + 1, lastOwner + 1 + ol, o, oo, oo + ol)) {
      lastOwner = used;
      buf[used++] = (byte) ol;
      System.arraycopy(o, oo, buf, used, ol);
      used += ol;
    }
    owner[n] = lastOwner;
    rec[n] = used;
    n++;
    buf[used++] = (byte) (type >>> 8);
    buf[used++] = (byte) type;
    buf[used++] = (byte) (ttl >>> 24);
    buf[used++] = (byte) (ttl >>> 16);
    buf[used++] = (byte) (ttl >>> 8);
    buf[used++] = (byte) ttl;
    buf[used++] = (byte) (rl >>> 8);
    buf[used++] = (byte) rl;
    System.arraycopy(rd, ro, buf, used, rl);
    used += rl;
  }

  /**
   * Appends records {@code [from, to)} of {@code c}; the caller makes sure they fit.
   *
   * <p>The first record goes through {@link #add}, which decides whether it shares the previous
   * owner copy. The rest are one block copy plus offset fix-ups: in a chunk every owner copy lies
   * just before the first record that uses it, and a record either has its own copy or shares its
   * predecessor's, so the octets after the first record hold all the others need, except the
   * first record's owner, which they map to its new copy.
   */
  void copy(Chunk c, int from, int to) {
    if (from >= to) {
      return;
    }
    byte[] d = c.data;
    add(d, c.ownerOffset(from), c.ownerLength(from), c.type(from), c.ttl(from),
        d, c.rdataOffset(from), c.rdataLength(from));
    if (to - from == 1) {
      return;
    }
    int srcStart = c.recordEnd(from);
    int len = c.recordEnd(to - 1) - srcStart;
    ensure(len);
    System.arraycopy(d, srcStart, buf, used, len);
    int shift = used - srcStart;
    int firstOwner = c.owner[from];
    int firstOwnerHere = lastOwner;
    for (int k = from + 1; k < to; k++) {
      int o = c.owner[k];
      owner[n] = o == firstOwner ? firstOwnerHere : o + shift;
      rec[n] = c.rec[k] + shift;
      n++;
    }
    lastOwner = owner[n - 1];
    used += len;
  }

  /** Returns the filled chunk with exact-size arrays and starts a new one. */
  Chunk finish() {
    Chunk c = new Chunk(Arrays.copyOf(buf, used), Arrays.copyOf(rec, n), Arrays.copyOf(owner, n));
    used = 0;
    n = 0;
    lastOwner = -1;
    return c;
  }

  private void ensure(int extra) {
    if (buf.length - used < extra) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, used + extra));
    }
  }
}
