// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/** Formats one record as a master-file line that dnsjava reads back to the same octets. */
final class MasterLines {

  private MasterLines() {}

  /**
   * Returns {@link Record#toString()} for types whose text is known to read back exactly (most
   * types {@link RdataCheck} checks by hand, whose rdata is therefore well-formed, and unknown
   * types, already printed in RFC 3597 form); for other types, the same text when it reads back
   * to the same octets, else the RFC 3597 generic form. RRSIG and DS are verified because
   * dnsjava reads an original TTL above 2^31-1 back differently, and checks a DS digest's length
   * against its digest type in text but not in wire form.
   */
  static String line(Record r) {
    if (r instanceof UNKRecord || hasExactText(r.getType())) {
      return r.toString();
    }
    try {
      String text = r.toString();
      if (readsBack(r)) {
        return text;
      }
    } catch (RuntimeException e) {
      // dnsjava's presentation code throws for some rdata it parsed; RFC 3597 form is exact.
    }
    byte[] wire = r.toWire(Section.ANSWER);
    int rdStart = r.getName().length() + 10;
    StringBuilder sb = new StringBuilder();
    sb.append(r.getName()).append('\t').append(r.getTTL()).append('\t')
        .append(DClass.string(r.getDClass())).append('\t').append(Type.string(r.getType()))
        .append("\t\\# ").append(wire.length - rdStart);
    if (wire.length > rdStart) {
      sb.append(' ').append(HexFormat.of().withUpperCase().formatHex(wire, rdStart, wire.length));
    }
    return sb.toString();
  }

  private static boolean hasExactText(int type) {
    switch (type) {
      case Type.A:
      case Type.AAAA:
      case Type.NS:
      case Type.CNAME:
      case Type.PTR:
      case Type.DNAME:
      case Type.SOA:
      case Type.MX:
      case Type.SRV:
      case Type.TXT:
      case Type.SPF:
      case Type.DNSKEY:
        return true;
      default:
        return false;
    }
  }

  private static boolean readsBack(Record r) {
    try {
      Record back = Record.fromString(r.getName(), r.getType(), r.getDClass(), r.getTTL(),
          r.rdataToString(), Name.root);
      return Arrays.equals(back.toWire(Section.ANSWER), r.toWire(Section.ANSWER));
    } catch (IOException | RuntimeException e) {
      // dnsjava cannot read its own text for this rdata; the caller falls back to RFC 3597.
      return false;
    }
  }
}
