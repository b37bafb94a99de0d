// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;

/**
 * Byte-string sort keys for a set of wire names, such that comparing two keys as unsigned octets
 * gives the canonical order of the names (RFC 4034 section 6.1).
 *
 * <p>A key is a group octet, then the labels from the right, each lower-cased, escaped
 * ({@code 00} as {@code 01 01}, {@code 01} as {@code 01 02}) and closed by {@code 00}: the
 * terminator sorts below every escaped octet, so a shorter label and a name with fewer labels
 * sort first. The names at or below the origin form one contiguous run of the canonical order,
 * so they get group 1 and only their labels left of the origin, which keeps their keys short and
 * their first eight octets telling; other names get group 0 (before the origin) or 2 (after its
 * subtree) and all their labels. The first eight octets of each key are also held as a
 * {@code long}, so most comparisons touch no array but one small {@code long[]}.
 */
final class NameKeys {
  private final long[] prefix;
  private final int[] start;
  private byte[] keys;

  NameKeys(byte[] arena, int[] owners, int n, byte[] origin, CanonicalNames.Order names) {
    prefix = new long[n];
    start = new int[n + 1];
    keys = new byte[Math.max(64, n * 16)];
    int[] labels = new int[CanonicalNames.MAX_LABELS];
    int used = 0;
    for (int id = 0; id < n; id++) {
      int o = owners[id];
      int off = o + 1;
      int len = arena[o] & 0xFF;
      int group;
      int end;
      if (CanonicalNames.isAtOrBelow(arena, off, len, origin)) {
        group = 1;
        end = off + len - origin.length;
      } else {
        group = names.compare(arena, off, len, origin, 0, origin.length) < 0 ? 0 : 2;
        end = off + len - 1;
      }
      if (keys.length - used < 1 + 2 * len) {
        keys = Arrays.copyOf(keys, Math.max(keys.length * 2, used + 1 + 2 * len));
      }
      start[id] = used;
      keys[used++] = (byte) group;
      int count = 0;
      for (int p = off; p < end; p += 1 + (arena[p] & 0xFF)) {
        labels[count++] = p;
      }
      for (int k = count - 1; k >= 0; k--) {
        int p = labels[k];
        for (int i = p + 1, stop = p + 1 + (arena[p] & 0xFF); i < stop; i++) {
          int b = CanonicalNames.lower(arena[i] & 0xFF);
          if (b <= 1) {
            keys[used++] = 1;
            keys[used++] = (byte) (b + 1);
          } else {
            keys[used++] = (byte) b;
          }
        }
        keys[used++] = 0;
      }
      long pre = 0;
      for (int i = 0; i < 8; i++) {
        int at = start[id] + i;
        pre = (pre << 8) | (at < used ? keys[at] & 0xFF : 0);
      }
      prefix[id] = pre;
    }
    start[n] = used;
  }

  /** Compares the names with ids x and y in canonical order. */
  int compare(int x, int y) {
    int d = Long.compareUnsigned(prefix[x], prefix[y]);
    if (d != 0) {
      return d;
    }
    return Arrays.compareUnsigned(keys, start[x], start[x + 1], keys, start[y], start[y + 1]);
  }
}
