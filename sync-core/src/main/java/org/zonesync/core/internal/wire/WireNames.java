// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

/**
 * Helpers on uncompressed wire names (a sequence of length-prefixed labels ending in the root
 * label, as {@link MessageReader#owner()} returns them). The names are assumed well formed; a
 * malformed one gives an unspecified result or an {@link IndexOutOfBoundsException}, never a loop.
 * Case folding is ASCII only (RFC 4343), so results never depend on the default locale.
 */
public final class WireNames {
  private static final byte[] LOWER = new byte[256];

  static {
    for (int i = 0; i < 256; i++) {
      LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + ('a' - 'A') : i);
    }
  }

  private WireNames() {}

  /**
   * Compares two names in canonical DNS name order (RFC 4034 section 6.1): labels from the right,
   * each compared case-insensitively as unsigned bytes with a shorter label first on a common
   * prefix, and a name that is a suffix of the other first.
   *
   * @param a the first name's array
   * @param aOff where it starts
   * @param aLen its length
   * @param b the second name's array
   * @param bOff where it starts
   * @param bLen its length
   * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
   */
  public static int compareCanonical(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    int na = labelCount(a, aOff, aLen);
    int nb = labelCount(b, bOff, bLen);
    int pa = skipLabels(a, aOff, na - Math.min(na, nb));
    int pb = skipLabels(b, bOff, nb - Math.min(na, nb));
    // Walk the aligned labels left to right and keep the last difference: the rightmost differing
    // label decides, and this needs no array of label offsets.
    int result = 0;
    while (true) {
      int la = a[pa] & 0xFF;
      int lb = b[pb] & 0xFF;
      if (la == 0 || lb == 0) {
        break;
      }
      int c = compareLabel(a, pa + 1, la, b, pb + 1, lb);
      if (c != 0) {
        result = c;
      }
      pa += 1 + la;
      pb += 1 + lb;
    }
    return result != 0 ? result : Integer.compare(na, nb);
  }

  private static int compareLabel(byte[] a, int ia, int la, byte[] b, int ib, int lb) {
    int n = Math.min(la, lb);
    for (int i = 0; i < n; i++) {
      int x = LOWER[a[ia + i] & 0xFF] & 0xFF;
      int y = LOWER[b[ib + i] & 0xFF] & 0xFF;
      if (x != y) {
        return x - y;
      }
    }
    return la - lb;
  }

  /**
   * Tells whether {@code name} equals {@code apex} or lies below it, comparing case-insensitively.
   *
   * @param name the name's array
   * @param off where it starts
   * @param len its length
   * @param apex the apex's array
   * @param apexOff where it starts
   * @param apexLen its length
   * @return true if {@code name} is {@code apex} or a subdomain of it
   */
  public static boolean isSubdomain(byte[] name, int off, int len, byte[] apex, int apexOff,
      int apexLen) {
    if (len < apexLen) {
      return false;
    }
    int extra = labelCount(name, off, len) - labelCount(apex, apexOff, apexLen);
    if (extra < 0) {
      return false;
    }
    int p = skipLabels(name, off, extra);
    return equalsIgnoreCase(name, p, off + len - p, apex, apexOff, apexLen);
  }

  /**
   * Tells whether two names are equal, ignoring ASCII case.
   *
   * @param a the first name's array
   * @param aOff where it starts
   * @param aLen its length
   * @param b the second name's array
   * @param bOff where it starts
   * @param bLen its length
   * @return true if equal
   */
  public static boolean equalsIgnoreCase(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    if (aLen != bLen) {
      return false;
    }
    // Length bytes are at most 63, below 'A', so folding them too is harmless.
    for (int i = 0; i < aLen; i++) {
      if (LOWER[a[aOff + i] & 0xFF] != LOWER[b[bOff + i] & 0xFF]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Counts the labels of a name, not counting the root label (the root name has 0).
   *
   * @param name the name's array
   * @param off where it starts
   * @param len its length
   * @return the number of labels
   */
  public static int labelCount(byte[] name, int off, int len) {
    int end = off + len;
    int n = 0;
    for (int p = off; p < end; ) {
      int l = name[p] & 0xFF;
      if (l == 0) {
        break;
      }
      n++;
      p += 1 + l;
    }
    return n;
  }

  private static int skipLabels(byte[] name, int p, int count) {
    for (int i = 0; i < count; i++) {
      p += 1 + (name[p] & 0xFF);
    }
    return p;
  }
}
