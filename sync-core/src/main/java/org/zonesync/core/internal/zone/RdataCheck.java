// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/**
 * Decides whether stored rdata can be handed out as a dnsjava {@link Record} byte-exact.
 *
 * <p>A snapshot makes dnsjava records on demand, and {@link Record#newRecord(Name, int, int, long,
 * byte[])} answers null for rdata that does not parse for a known type. So every record is checked
 * once, at build time: the types of a typical zone by hand (no allocation), every other type known
 * to dnsjava by parsing it with dnsjava and requiring that it encodes back to the same bytes.
 * Types unknown to dnsjava are opaque (RFC 3597) and always accepted.
 *
 * <p>The hand checks accept exactly what the dnsjava path accepts, with deliberate exceptions
 * where dnsjava's text form would not read back: TXT and SPF need at least one character-string
 * (RFC 1035 section 3.3.14; dnsjava prints empty rdata as {@code ""}, one empty string), and
 * DNSKEY, CDNSKEY, DS and CDS need a key or digest of at least one octet.
 */
final class RdataCheck {

  private RdataCheck() {}

  /**
   * Returns whether the rdata is acceptable.
   *
   * @param type the record type
   * @param dclass the record class
   * @param b the array
   * @param off where the rdata starts
   * @param len the rdata length
   * @return whether a dnsjava record made from it encodes back to the same bytes
   */
  static boolean isWellFormed(int type, int dclass, byte[] b, int off, int len) {
    int end = off + len;
    switch (type) {
      case Type.A:
        return len == 4;
      case Type.AAAA:
        return len == 16;
      case Type.NS:
      case Type.MD:
      case Type.MF:
      case Type.CNAME:
      case Type.MB:
      case Type.MG:
      case Type.MR:
      case Type.PTR:
      case Type.DNAME:
        return CanonicalNames.isName(b, off, len);
      case Type.SOA: {
        int n1 = CanonicalNames.nameLength(b, off, end);
        if (n1 < 0) {
          return false;
        }
        int n2 = CanonicalNames.nameLength(b, off + n1, end);
        return n2 > 0 && n1 + n2 + 20 == len;
      }
      case Type.MX:
      case Type.AFSDB:
      case Type.RT:
      case Type.KX:
        return len > 2 && CanonicalNames.isName(b, off + 2, len - 2);
      case Type.SRV:
        return len > 6 && CanonicalNames.isName(b, off + 6, len - 6);
      case Type.TXT:
      case Type.SPF:
        return isCharacterStrings(b, off, end);
      case Type.RRSIG:
      case Type.SIG:
      {
        // covered, algorithm, labels, original TTL, expiration, inception, key tag: 18 octets,
        // then the signer's name, then a signature of at least one octet (RFC 4034 section 3.1).
        int signer = len > 18 ? CanonicalNames.nameLength(b, off + 18, end) : -1;
        return signer > 0 && 18 + signer < len;
      }
      case Type.DNSKEY:
      case Type.CDNSKEY:
      case Type.DS:
      case Type.CDS:
        // flags/key tag (2), protocol/algorithm (1), algorithm/digest type (1), then a key or
        // digest of at least one octet (RFC 4034 sections 2.1 and 5.1; RFC 8078 section 4).
        return len >= 5;
      default:
        return viaDnsjava(type, dclass, b, off, len);
    }
  }

  /** One or more character-strings that exactly fill the rdata. */
  private static boolean isCharacterStrings(byte[] b, int off, int end) {
    if (off >= end) {
      return false;
    }
    int p = off;
    while (p < end) {
      p += 1 + (b[p] & 0xFF);
    }
    return p == end;
  }

  /**
   * The general path: parse with dnsjava and require the same bytes back.
   *
   * @return whether dnsjava parses the rdata and encodes it back unchanged
   */
  static boolean viaDnsjava(int type, int dclass, byte[] b, int off, int len) {
    byte[] rdata = Arrays.copyOfRange(b, off, off + len);
    try {
      Record r = Record.newRecord(Name.root, type, dclass, 0, rdata);
      if (r == null) {
        return false;
      }
      if (r instanceof UNKRecord) {
        return true;
      }
      byte[] wire = r.toWire(Section.ANSWER);
      // root owner (1) + type, class, TTL, rdlength (10)
      int start = 11;
      return wire.length - start == len
          && Arrays.equals(wire, start, wire.length, rdata, 0, len);
    } catch (RuntimeException e) {
      // dnsjava throws unchecked exceptions for some rdata it has parsed, for example
      // ArrayIndexOutOfBoundsException from WKSRecord.rrToWire for an empty bitmap. Rdata that
      // dnsjava cannot encode back is not stored.
      return false;
    }
  }
}
