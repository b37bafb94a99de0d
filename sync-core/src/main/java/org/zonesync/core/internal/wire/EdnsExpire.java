// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import org.xbill.DNS.Type;

/**
 * The EDNS EXPIRE option (RFC 7314) and the OPT record that carries it (RFC 6891 section 6.1):
 * writing the OPT record of a query, and reading the EXPIRE value out of the OPT RDATA of an
 * answer. Shared by the SOA query of a refresh and the AXFR and IXFR queries.
 *
 * <p>Two readers, because the callers trust their answers differently: {@link #parse} is
 * BIND's OPT parser ({@code fromwire_opt}), where a badly framed option or an EXPIRE option of a
 * length other than 0 or 4 makes the message a FORMERR; {@link #parseLenient} disregards such an
 * option, for a UDP answer that may be a spoof and is better ignored than failed.
 */
public final class EdnsExpire {

  /** EDNS option code of EXPIRE (RFC 7314 section 2). */
  public static final int OPTION_CODE = 9;
  /** The EDNS0 UDP payload size offered, the DNS Flag Day 2020 value. */
  public static final int PAYLOAD = 1232;
  /** What the readers return when the OPT RDATA carries no EXPIRE value. */
  public static final long ABSENT = -1;

  private static final byte[] ROOT = {0};
  private static final byte[] REQUEST = {0, OPTION_CODE, 0, 0};
  private static final byte[] NONE = {};

  private EdnsExpire() {
  }

  /**
   * Adds the OPT record of a query to the additional section: owner the root, CLASS the payload
   * size {@value #PAYLOAD}, TTL 0 (extended rcode 0, version 0, DO clear; RFC 6891 section
   * 6.1.3), and an empty EXPIRE option when asked (RFC 7314 section 2: a query carries the
   * option with no data).
   *
   * @param w the message being written, after its questions and other records
   * @param requestExpire whether to add the EXPIRE option
   * @return true if the record fit the writer's limit (else nothing was added)
   */
  public static boolean addOpt(MessageWriter w, boolean requestExpire) {
    byte[] options = requestExpire ? REQUEST : NONE;
    return w.record(MessageReader.SECTION_ADDITIONAL, ROOT, 0, 1, Type.OPT, PAYLOAD, 0, options,
        0, options.length);
  }

  /**
   * Reads the EXPIRE value from OPT RDATA, strictly: the RDATA must be a sequence of whole
   * options (four-octet code and length, then that many octets), and an EXPIRE option must be
   * 0 octets long (as in a query; no value) or 4 (RFC 7314 section 2). The first 4-octet EXPIRE
   * option gives the value.
   *
   * @param rd the array holding the RDATA
   * @param off where it starts
   * @param len its length
   * @return the value in seconds, 0..2^32-1, or {@link #ABSENT}
   * @throws WireFormatException if an option header is cut short, an option overruns the RDATA,
   *     or an EXPIRE option has another length; the offset counts from the RDATA's start
   */
  public static long parse(byte[] rd, int off, int len) throws WireFormatException {
    long value = ABSENT;
    int p = 0;
    while (p < len) {
      if (len - p < 4) {
        throw new WireFormatException("opt rdata ends inside an option header: " + (len - p)
            + " bytes left at offset " + p, p);
      }
      int code = u16(rd, off + p);
      int olen = u16(rd, off + p + 2);
      if (olen > len - p - 4) {
        throw new WireFormatException("edns option " + code + " of " + olen
            + " bytes overruns the opt rdata at offset " + p + " (" + (len - p - 4)
            + " bytes left)", p);
      }
      if (code == OPTION_CODE) {
        if (olen != 0 && olen != 4) {
          throw new WireFormatException("edns expire option of " + olen
              + " bytes at offset " + p + ", expected 4", p);
        }
        if (olen == 4 && value == ABSENT) {
          value = u32(rd, off + p + 4);
        }
      }
      p += 4 + olen;
    }
    return value;
  }

  /**
   * Reads the EXPIRE value from OPT RDATA, disregarding what RFC 7314 gives no meaning: an
   * EXPIRE option of a length other than 4, and any value at all when an option overruns the
   * RDATA. Trailing bytes too few for an option header are ignored. The first 4-octet EXPIRE
   * option gives the value.
   *
   * @param rd the array holding the RDATA
   * @param off where it starts
   * @param len its length
   * @return the value in seconds, 0..2^32-1, or {@link #ABSENT}
   */
  public static long parseLenient(byte[] rd, int off, int len) {
    long value = ABSENT;
    int p = 0;
    while (len - p >= 4) {
      int code = u16(rd, off + p);
      int olen = u16(rd, off + p + 2);
      p += 4;
      if (olen > len - p) {
        return ABSENT;
      }
      if (code == OPTION_CODE && olen == 4 && value == ABSENT) {
        value = u32(rd, off + p);
      }
      p += olen;
    }
    return value;
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static long u32(byte[] b, int p) {
    return ((long) u16(b, p) << 16) | u16(b, p + 2);
  }
}
