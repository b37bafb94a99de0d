// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;

/**
 * Fills one {@link Chunk} at a time from records given in canonical order; reuses its buffers
 * between chunks, so the only allocations are the exact-size arrays of each finished chunk.
 */
final class ChunkWriter {
  private byte[] buf = new byte[16 * 1024];
  private int used;
  private final int[] rec = new int[Chunk.MAX_RECORDS];
  private final int[] owner = new int[Chunk.MAX_RECORDS];
  private int n;
  private int lastOwner = -1;

  boolean isFull() {
    return n == Chunk.MAX_RECORDS;
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
