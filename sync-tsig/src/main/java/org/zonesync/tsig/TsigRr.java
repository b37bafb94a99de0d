// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.zonesync.tsig.Wire.formerr;
import static org.zonesync.tsig.Wire.u16;

import org.zonesync.api.TsigVerificationException;

/**
 * A parsed view of the TSIG RR at the end of a raw message (RFC 8945 section 4.2). Holds offsets
 * into the caller's buffer; the MAC and other data are not copied.
 */
final class TsigRr {
  /** Where the RR starts (its owner name). */
  final int start;
  /** The owner name in canonical wire form. */
  final byte[] owner;
  /** The algorithm name in canonical wire form. */
  final byte[] algorithm;
  final long timeSigned;
  final int fudge;
  final int macOffset;
  final int macLength;
  final int originalId;
  final int error;
  final int otherOffset;
  final int otherLength;

  private TsigRr(int start, byte[] owner, byte[] algorithm, long timeSigned, int fudge,
      int macOffset, int macLength, int originalId, int error, int otherOffset, int otherLength) {
    this.start = start;
    this.owner = owner;
    this.algorithm = algorithm;
    this.timeSigned = timeSigned;
    this.fudge = fudge;
    this.macOffset = macOffset;
    this.macLength = macLength;
    this.originalId = originalId;
    this.error = error;
    this.otherOffset = otherOffset;
    this.otherLength = otherLength;
  }

  /**
   * Parses the TSIG RR at {@code tsigOffset}, which must run exactly to the end of the message.
   *
   * @throws TsigVerificationException FORMERR if the RR is malformed, misplaced, not of class ANY
   *     or has a TTL other than 0
   */
  static TsigRr parse(byte[] msg, int off, int len, int tsigOffset)
      throws TsigVerificationException {
    int end = off + len;
    if (len < Wire.HEADER || tsigOffset < off + Wire.HEADER || tsigOffset >= end) {
      throw formerr("TSIG offset " + (tsigOffset - off) + " is outside the " + len
          + "-byte message");
    }
    if (u16(msg, off + 10) == 0) {
      throw formerr("ARCOUNT is 0 but a TSIG record is claimed at offset " + (tsigOffset - off));
    }
    int p = Wire.skipName(msg, off, tsigOffset, end);
    if (p + 10 > end) {
      throw formerr("TSIG record at offset " + (tsigOffset - off) + " is truncated");
    }
    int type = u16(msg, p);
    if (type != Wire.TYPE_TSIG) {
      throw formerr("record at offset " + (tsigOffset - off) + " has type " + type + ", not TSIG");
    }
    int dclass = u16(msg, p + 2);
    long ttl = Wire.u32(msg, p + 4);
    int rdlength = u16(msg, p + 8);
    int rdata = p + 10;
    if (rdata + rdlength != end) {
      throw formerr("TSIG RDLENGTH " + rdlength + " does not match the " + (end - rdata)
          + " bytes left in the message");
    }
    int q = Wire.skipName(msg, off, rdata, end);
    if (q + 10 > end) {
      throw formerr("TSIG RDATA of " + rdlength + " bytes is truncated before the MAC");
    }
    long timeSigned = Wire.u48(msg, q);
    int fudge = u16(msg, q + 6);
    int macLength = u16(msg, q + 8);
    int macOffset = q + 10;
    if (macOffset + macLength + 6 > end) {
      throw formerr("TSIG MAC size " + macLength + " runs past the end of the RDATA");
    }
    int r = macOffset + macLength;
    int originalId = u16(msg, r);
    int error = u16(msg, r + 2);
    int otherLength = u16(msg, r + 4);
    int otherOffset = r + 6;
    if (otherOffset + otherLength != end) {
      throw formerr("TSIG other length " + otherLength + " does not match the "
          + (end - otherOffset) + " bytes left in the RDATA");
    }
    if (dclass != Wire.CLASS_ANY) {
      throw formerr("TSIG class " + dclass + " is not ANY (255)");
    }
    if (ttl != 0) {
      throw formerr("TSIG TTL " + ttl + " is not 0");
    }
    byte[] owner = Wire.readCanonicalName(msg, off, tsigOffset, end);
    byte[] algorithm = Wire.readCanonicalName(msg, off, rdata, end);
    return new TsigRr(tsigOffset, owner, algorithm, timeSigned, fudge, macOffset, macLength,
        originalId, error, otherOffset, otherLength);
  }
}
