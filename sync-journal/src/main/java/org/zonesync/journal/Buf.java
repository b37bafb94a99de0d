// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.util.Arrays;

/** A growable big-endian byte buffer for encoding headers, entries and snapshot chunks. */
final class Buf {
  private byte[] a;
  private int n;

  Buf(int capacity) {
    a = new byte[Math.max(16, capacity)];
  }

  private void room(int more) {
    if (n + more > a.length) {
      long want = Math.max((long) a.length * 2, (long) n + more);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("encoded size exceeds " + (Integer.MAX_VALUE - 16)
            + " bytes");
      }
      a = Arrays.copyOf(a, (int) want);
    }
  }

  Buf u8(int v) {
    room(1);
    a[n++] = (byte) v;
    return this;
  }

  Buf u16(int v) {
    room(2);
    a[n++] = (byte) (v >>> 8);
    a[n++] = (byte) v;
    return this;
  }

  Buf u32(long v) {
    room(4);
    a[n++] = (byte) (v >>> 24);
    a[n++] = (byte) (v >>> 16);
    a[n++] = (byte) (v >>> 8);
    a[n++] = (byte) v;
    return this;
  }

  Buf u64(long v) {
    u32(v >>> 32);
    return u32(v & 0xFFFF_FFFFL);
  }

  Buf bytes(byte[] b, int off, int len) {
    room(len);
    System.arraycopy(b, off, a, n, len);
    n += len;
    return this;
  }

  /** Overwrites four bytes at {@code at}, already written. */
  void putU32(int at, long v) {
    a[at] = (byte) (v >>> 24);
    a[at + 1] = (byte) (v >>> 16);
    a[at + 2] = (byte) (v >>> 8);
    a[at + 3] = (byte) v;
  }

  int size() {
    return n;
  }

  byte[] array() {
    return a;
  }

  void clear() {
    n = 0;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(a, n);
  }

  static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
  }

  static long u32(byte[] b, int off) {
    return ((long) (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8
        | b[off + 3] & 0xFF) & 0xFFFF_FFFFL;
  }

  static long u64(byte[] b, int off) {
    return u32(b, off) << 32 | u32(b, off + 4);
  }
}
