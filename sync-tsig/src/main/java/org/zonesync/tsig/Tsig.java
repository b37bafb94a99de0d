// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;
import static org.zonesync.tsig.Wire.formerr;
import static org.zonesync.tsig.Wire.u16;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import org.bouncycastle.crypto.macs.HMac;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

/**
 * Entry points for TSIG on raw DNS messages (RFC 8945): finding the TSIG RR, signing a request,
 * and the size a TSIG RR adds. Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class Tsig {
  /** The default fudge, 300 seconds, the value RFC 8945 recommends (as dnsjava and BIND use). */
  public static final Duration DEFAULT_FUDGE = Duration.ofSeconds(300);

  static final int DEFAULT_FUDGE_SECONDS = 300;
  private static final byte[] NO_OTHER = new byte[0];

  private Tsig() {}

  /**
   * Returns the largest number of bytes a TSIG RR for this key adds to a message: the owner name
   * uncompressed, the fixed fields, the full MAC and 6 bytes of other data (the server time of a
   * BADTIME answer).
   *
   * @param key the key
   * @return the length in bytes
   */
  public static int maxRecordLength(TsigKey key) {
    return TsigMac.recordLength(key.name().toWire(), key.algorithm().algorithmName().toWire(),
        key.algorithm().macLength(), 6);
  }

  /**
   * Finds the TSIG RR of a message. Walks the header, the questions and every record without
   * following compression pointers, bounded by the section counts, the RDLENGTHs and the message
   * end; nothing is allocated.
   *
   * @param msg the buffer holding the message
   * @param off where the message starts
   * @param len the message length
   * @return the absolute index in {@code msg} of the TSIG RR if it is the last additional record,
   *     or -1 if the message has no TSIG RR
   * @throws TsigVerificationException FORMERR if the message is malformed (truncated, trailing
   *     bytes, a reserved label type), or a TSIG RR is not the last additional record, is in the
   *     answer or authority section, or appears twice (RFC 8945 section 5.1)
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code msg}
   */
  public static int locate(byte[] msg, int off, int len) throws TsigVerificationException {
    Objects.checkFromIndexSize(off, len, msg.length);
    if (len < Wire.HEADER) {
      throw formerr("message of " + len + " bytes is shorter than the 12-byte header");
    }
    int end = off + len;
    int qdcount = u16(msg, off + 4);
    int ancount = u16(msg, off + 6);
    int nscount = u16(msg, off + 8);
    int arcount = u16(msg, off + 10);
    int pos = off + Wire.HEADER;
    for (int i = 0; i < qdcount; i++) {
      pos = Wire.skipName(msg, off, pos, end);
      if (pos + 4 > end) {
        throw formerr("question " + (i + 1) + " of " + qdcount + " is truncated at offset "
            + (pos - off));
      }
      pos += 4;
    }
    int records = ancount + nscount + arcount;
    int tsig = -1;
    for (int i = 0; i < records; i++) {
      int start = pos;
      pos = Wire.skipName(msg, off, pos, end);
      if (pos + 10 > end) {
        throw formerr("record " + (i + 1) + " of " + records + " is truncated at offset "
            + (pos - off));
      }
      int type = u16(msg, pos);
      int rdlength = u16(msg, pos + 8);
      pos += 10;
      if (pos + rdlength > end) {
        throw formerr("record " + (i + 1) + " of " + records + " has RDLENGTH " + rdlength
            + " past the message end at offset " + (pos - off));
      }
      pos += rdlength;
      if (type == Wire.TYPE_TSIG) {
        if (tsig >= 0) {
          throw formerr("second TSIG record at offset " + (start - off));
        }
        if (i < ancount + nscount) {
          throw formerr("TSIG record at offset " + (start - off) + " is in the "
              + (i < ancount ? "answer" : "authority") + " section");
        }
        if (i != records - 1) {
          throw formerr("TSIG record at offset " + (start - off)
              + " is not the last additional record");
        }
        tsig = start;
      }
    }
    if (pos != end) {
      throw formerr("message has " + (end - pos) + " trailing bytes after the last record at offset "
          + (pos - off));
    }
    return tsig;
  }

  /**
   * Signs a request, e.g. an AXFR or SOA query (RFC 8945 section 5.1): the MAC covers the message
   * and all TSIG variables, with the default fudge and the time from {@code clock}.
   *
   * @param key the key
   * @param msg the buffer holding the unsigned message
   * @param off where the message starts
   * @param len the message length
   * @param clock the source of time signed
   * @return a new array holding the message, ARCOUNT incremented and the TSIG RR appended, and
   *     the full-length MAC (needed to verify the response)
   * @throws IllegalArgumentException if the message is shorter than a header, ARCOUNT is already
   *     65535 or the signed message would exceed 65535 bytes
   * @throws IllegalStateException if the clock is before 1970 or beyond TSIG's 48-bit range
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code msg}
   */
  public static SignedMessage signRequest(TsigKey key, byte[] msg, int off, int len,
      InstantSource clock) {
    requireNonNull(key, "key");
    requireNonNull(clock, "clock");
    Objects.checkFromIndexSize(off, len, msg.length);
    checkSignable(msg, off, len);
    byte[] owner = key.name().toWire();
    byte[] algorithm = key.algorithm().algorithmName().toWire();
    int macLen = key.algorithm().macLength();
    int rrLen = TsigMac.recordLength(owner, algorithm, macLen, 0);
    if (len + rrLen > 0xffff) {
      throw new IllegalArgumentException("signed message would be " + (len + rrLen)
          + " bytes, more than 65535");
    }
    long now = TsigMac.now(clock);
    HMac h = TsigMac.create(key);
    h.update(msg, off, len);
    byte[] scratch = new byte[8];
    TsigMac.updateVariables(h, key.name().toWireCanonical(),
        key.algorithm().algorithmName().toWireCanonical(), now, DEFAULT_FUDGE_SECONDS, 0,
        NO_OTHER, 0, 0, scratch);
    byte[] mac = new byte[macLen];
    h.doFinal(mac, 0);
    byte[] out = new byte[len + rrLen];
    System.arraycopy(msg, off, out, 0, len);
    TsigMac.writeRecord(out, len, owner, algorithm, now, DEFAULT_FUDGE_SECONDS, mac, macLen,
        u16(msg, off), 0, NO_OTHER, 0);
    Wire.put16(out, 10, u16(out, 10) + 1);
    return new SignedMessage(out, mac);
  }

  /** Checks that a message can take a TSIG RR. */
  static void checkSignable(byte[] msg, int off, int len) {
    if (len < Wire.HEADER) {
      throw new IllegalArgumentException("message of " + len
          + " bytes is shorter than the 12-byte header");
    }
    if (u16(msg, off + 10) == 0xffff) {
      throw new IllegalArgumentException("ARCOUNT is 65535, no room for a TSIG record");
    }
  }

  /** Prefix for exception messages about one message of a stream. */
  static String where(int message) {
    return "message " + message + ": ";
  }
}
