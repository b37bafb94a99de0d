// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.WireParseException;

/**
 * Uncompressed wire names: validation, case-insensitive equality and the canonical order of RFC
 * 4034 section 6.1.
 *
 * <p>Deliberately independent of {@code org.zonesync.core.internal.wire} so that the two packages
 * can be written and tested apart; the lead may merge them.
 */
final class CanonicalNames {

  /** RFC 1035 section 3.1: a name is at most 255 octets on the wire. */
  static final int MAX_NAME_LENGTH = 255;

  /** A 255-octet name has at most 127 one-octet labels plus the root. */
  static final int MAX_LABELS = 128;

  private CanonicalNames() {}

  /**
   * Returns the length of the uncompressed name that starts at {@code off}, or -1 when there is no
   * well-formed one before {@code limit} (label over 63 octets, compression pointer, reserved
   * label type, longer than 255 octets, or missing root label).
   */
  static int nameLength(byte[] b, int off, int limit) {
    int p = off;
    int end = Math.min(limit, off + MAX_NAME_LENGTH);
    while (p < end) {
      int l = b[p] & 0xFF;
      if (l == 0) {
        return p + 1 - off;
      }
      if (l > 63) {
        return -1;
      }
      p += 1 + l;
    }
    return -1;
  }

  /** Returns whether {@code b[off, off+len)} is exactly one uncompressed absolute name. */
  static boolean isName(byte[] b, int off, int len) {
    return len > 0 && nameLength(b, off, off + len) == len;
  }

  /** Lower-cases one ASCII letter; other octets are unchanged (RFC 4343). */
  static int lower(int unsignedOctet) {
    return unsignedOctet >= 'A' && unsignedOctet <= 'Z' ? unsignedOctet + 32 : unsignedOctet;
  }

  /**
   * Compares two wire names for equality ignoring ASCII case. Label-length octets are at most 63,
   * below 'A', so lower-casing every octet is safe.
   */
  static boolean equalsIgnoreCase(byte[] a, int ao, int al, byte[] b, int bo, int bl) {
    if (al != bl) {
      return false;
    }
    for (int i = 0; i < al; i++) {
      int x = a[ao + i];
      int y = b[bo + i];
      if (x != y && lower(x & 0xFF) != lower(y & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether {@code name} is {@code origin} or below it, ignoring case. */
  static boolean isAtOrBelow(byte[] n, int no, int nl, byte[] origin) {
    int ol = origin.length;
    if (nl < ol) {
      return false;
    }
    int start = no + nl - ol;
    if (!equalsIgnoreCase(n, start, ol, origin, 0, ol)) {
      return false;
    }
    int p = no;
    while (p < start) {
      p += 1 + (n[p] & 0xFF);
    }
    return p == start;
  }

  /** Makes a dnsjava name from a well-formed wire name (case kept). */
  static Name toName(byte[] b, int off, int len) {
    try {
      return new Name(new DNSInput(ByteBuffer.wrap(b, off, len)));
    } catch (WireParseException e) {
      throw new IllegalStateException("stored owner name is malformed: " + len + " bytes", e);
    }
  }

  /** Returns the name as text for messages. */
  static String toText(byte[] b, int off, int len) {
    return toName(b, off, len).toString();
  }

  /**
   * Compares wire names in canonical order (RFC 4034 section 6.1): labels from the right,
   * each compared as lower-cased unsigned octets, a missing label sorting first. Holds scratch
   * arrays, so one instance serves one thread.
   */
  static final class Order {
    private final int[] starts1 = new int[MAX_LABELS];
    private final int[] starts2 = new int[MAX_LABELS];

    private byte[] key = new byte[0];
    private int keyOff;
    private int keyLen;
    private int keyLabels = -1;

    /** Returns negative, zero or positive as name a sorts before, with or after name b. */
    int compare(byte[] a, int ao, int al, byte[] b, int bo, int bl) {
      keyLabels = -1; // starts2 is about to hold b's labels
      if (al == bl && Arrays.equals(a, ao, ao + al, b, bo, bo + bl)) {
        return 0;
      }
      return compareLabels(a, ao, b, labelStarts(b, bo, starts2));
    }

    /**
     * Fixes name b for the following {@link #compareToKey} calls, which then skip its label walk:
     * a search compares one name with many. {@link #compare} forgets the key.
     */
    void setKey(byte[] b, int off, int len) {
      key = b;
      keyOff = off;
      keyLen = len;
      keyLabels = labelStarts(b, off, starts2);
    }

    /** Compares name a with the name given to {@link #setKey}, as {@link #compare} would. */
    int compareToKey(byte[] a, int ao, int al) {
      if (keyLabels < 0) {
        throw new IllegalStateException("no key set since the last compare");
      }
      if (al == keyLen && Arrays.equals(a, ao, ao + al, key, keyOff, keyOff + keyLen)) {
        return 0;
      }
      return compareLabels(a, ao, key, keyLabels);
    }

    /** Compares labels from the right; b's label starts are in starts2, nb of them. */
    private int compareLabels(byte[] a, int ao, byte[] b, int nb) {
      int na = labelStarts(a, ao, starts1);
      int common = Math.min(na, nb);
      for (int k = 1; k <= common; k++) {
        int pa = starts1[na - k];
        int pb = starts2[nb - k];
        int la = a[pa];
        int lb = b[pb];
        int m = Math.min(la, lb);
        for (int i = 1; i <= m; i++) {
          int x = a[pa + i];
          int y = b[pb + i];
          if (x != y) {
            int d = lower(x & 0xFF) - lower(y & 0xFF);
            if (d != 0) {
              return d;
            }
          }
        }
        if (la != lb) {
          return la - lb;
        }
      }
      return na - nb;
    }

    /** Records where each non-root label starts; returns their number. */
    private static int labelStarts(byte[] b, int off, int[] out) {
      int n = 0;
      int p = off;
      int l;
      while ((l = b[p]) != 0) {
        out[n++] = p;
        p += 1 + l;
      }
      return n;
    }
  }
}
