// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigVerificationException;

/** Bounds-checked reads and writes of DNS wire data (RFC 1035 section 4.1). */
final class Wire {
  /** The DNS header is 12 bytes (RFC 1035 section 4.1.1). */
  static final int HEADER = 12;
  /** TYPE of the TSIG meta-RR (RFC 8945 section 4.2). */
  static final int TYPE_TSIG = 250;
  /** CLASS ANY, which a TSIG RR must carry (RFC 8945 section 4.2). */
  static final int CLASS_ANY = 255;
  /** A name in wire form never exceeds 255 bytes (RFC 1035 section 3.1). */
  static final int MAX_NAME = 255;

  private Wire() {}

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  static long u32(byte[] b, int i) {
    return ((long) u16(b, i) << 16) | u16(b, i + 2);
  }

  static long u48(byte[] b, int i) {
    return ((long) u16(b, i) << 32) | u32(b, i + 2);
  }

  static void put16(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 8);
    b[i + 1] = (byte) v;
  }

  static void put48(byte[] b, int i, long v) {
    put16(b, i, (int) (v >>> 32));
    put16(b, i + 2, (int) (v >>> 16));
    put16(b, i + 4, (int) v);
  }

  static TsigVerificationException formerr(String message) {
    return new TsigVerificationException(TsigError.FORMERR, message);
  }

  /**
   * Skips a possibly compressed name without following pointers.
   *
   * @param msg the buffer
   * @param off where the message starts (offsets in messages are relative to it)
   * @param pos where the name starts
   * @param end the end of the message
   * @return the offset just after the name
   * @throws TsigVerificationException FORMERR if the name runs past the end, uses a reserved
   *     label type or is longer than 255 bytes
   */
  static int skipName(byte[] msg, int off, int pos, int end) throws TsigVerificationException {
    int start = pos;
    while (true) {
      if (pos >= end) {
        throw formerr("name at offset " + (start - off) + " runs past the message end");
      }
      int b = msg[pos] & 0xff;
      if (b == 0) {
        return pos + 1;
      }
      if ((b & 0xc0) == 0xc0) {
        if (pos + 2 > end) {
          throw formerr("name pointer at offset " + (pos - off) + " runs past the message end");
        }
        return pos + 2;
      }
      if ((b & 0xc0) != 0) {
        throw formerr("reserved label type 0x" + Integer.toHexString(b) + " at offset "
            + (pos - off));
      }
      pos += b + 1;
      if (pos - start >= MAX_NAME) {
        throw formerr("name at offset " + (start - off) + " is longer than 255 bytes");
      }
    }
  }

  /**
   * Reads a name, following compression pointers (which must point strictly backwards, so a loop
   * is impossible), into its canonical form: uncompressed wire form with ASCII letters lower-cased
   * (RFC 4034 section 6.2), as TSIG digests it (RFC 8945 section 4.3.3).
   *
   * @return the canonical wire form
   * @throws TsigVerificationException FORMERR if the name is malformed
   */
  static byte[] readCanonicalName(byte[] msg, int off, int pos, int end)
      throws TsigVerificationException {
    byte[] out = new byte[MAX_NAME];
    int n = 0;
    int start = pos;
    int limit = end;
    while (true) {
      if (pos >= limit) {
        throw formerr("name at offset " + (start - off) + " runs past the message end");
      }
      int b = msg[pos] & 0xff;
      if (b == 0) {
        out[n++] = 0;
        return java.util.Arrays.copyOf(out, n);
      }
      if ((b & 0xc0) == 0xc0) {
        if (pos + 2 > limit) {
          throw formerr("name pointer at offset " + (pos - off) + " runs past the message end");
        }
        int target = off + (u16(msg, pos) & 0x3fff);
        if (target >= pos) {
          throw formerr("name pointer at offset " + (pos - off) + " does not point backwards");
        }
        // Everything after the target is at or beyond pos, so the next pointer must land before it.
        limit = pos;
        pos = target;
        continue;
      }
      if ((b & 0xc0) != 0) {
        throw formerr("reserved label type 0x" + Integer.toHexString(b) + " at offset "
            + (pos - off));
      }
      if (n + b + 2 > MAX_NAME || pos + 1 + b > limit) {
        throw formerr("name at offset " + (start - off) + " is malformed or longer than 255 bytes");
      }
      out[n++] = (byte) b;
      for (int i = 1; i <= b; i++) {
        byte c = msg[pos + i];
        out[n++] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
      }
      pos += b + 1;
    }
  }

  /** Renders a canonical wire name for messages; never fails. */
  static String nameText(byte[] canonical) {
    try {
      return new Name(canonical).toString();
    } catch (java.io.IOException | RuntimeException e) {
      return new String(canonical, StandardCharsets.ISO_8859_1);
    }
  }
}
