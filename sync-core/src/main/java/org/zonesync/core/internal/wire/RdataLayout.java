// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

/**
 * The RDATA layouts this package knows, as tiny programs shared by {@link MessageReader} (which
 * decompresses and validates along them) and {@link MessageWriter} (which compresses along them).
 *
 * <p>A layout is a byte sequence of operations ending in {@link #END}: {@link #NAME} a domain
 * name, {@link #FIXED} followed by a byte count, {@link #STRING} one character-string, {@link
 * #STRINGS} one or more character-strings up to the end, {@link #REST} whatever bytes remain.
 * After {@code END} the RDATA must be consumed exactly. Types without a layout are opaque bytes.
 */
final class RdataLayout {
  static final byte END = 0;
  static final byte NAME = 1;
  static final byte FIXED = 2;
  static final byte STRING = 3;
  static final byte STRINGS = 4;
  static final byte REST = 5;

  /** The layout of opaque types: no checks, bytes copied as they are. */
  static final byte[] OPAQUE = {};

  static final int CLASS_IN = 1;
  static final int CLASS_NONE = 254;
  static final int CLASS_ANY = 255;

  private static final byte[] ONE_NAME = {NAME, END};
  private static final byte[] TWO_NAMES = {NAME, NAME, END};
  private static final byte[] U16_NAME = {FIXED, 2, NAME, END};
  private static final byte[][] LAYOUTS = new byte[256][];
  /** Types whose RDATA names RFC 1035 senders may compress (RFC 3597 section 4). */
  private static final boolean[] COMPRESS_ON_WRITE = new boolean[256];

  static {
    java.util.Arrays.fill(LAYOUTS, OPAQUE);
    // RFC 1035 types: NS MD MF CNAME MB MG MR PTR carry one name.
    for (int t : new int[] {2, 3, 4, 5, 7, 8, 9, 12}) {
      LAYOUTS[t] = ONE_NAME;
      COMPRESS_ON_WRITE[t] = true;
    }
    LAYOUTS[6] = new byte[] {NAME, NAME, FIXED, 20, END}; // SOA
    LAYOUTS[14] = TWO_NAMES; // MINFO
    LAYOUTS[15] = U16_NAME; // MX
    COMPRESS_ON_WRITE[6] = true;
    COMPRESS_ON_WRITE[14] = true;
    COMPRESS_ON_WRITE[15] = true;
    // RFC 3597 section 4: receivers also decompress these, senders must not compress them.
    LAYOUTS[17] = TWO_NAMES; // RP
    LAYOUTS[18] = U16_NAME; // AFSDB
    LAYOUTS[21] = U16_NAME; // RT
    LAYOUTS[24] = new byte[] {FIXED, 18, NAME, REST, END}; // SIG
    LAYOUTS[26] = new byte[] {FIXED, 2, NAME, NAME, END}; // PX
    LAYOUTS[30] = new byte[] {NAME, REST, END}; // NXT
    LAYOUTS[33] = new byte[] {FIXED, 6, NAME, END}; // SRV
    LAYOUTS[35] = new byte[] {FIXED, 4, STRING, STRING, STRING, NAME, END}; // NAPTR
    // Validated, no names.
    LAYOUTS[1] = new byte[] {FIXED, 4, END}; // A (class IN only)
    LAYOUTS[28] = new byte[] {FIXED, 16, END}; // AAAA (class IN only)
    LAYOUTS[13] = new byte[] {STRING, STRING, END}; // HINFO
    LAYOUTS[16] = new byte[] {STRINGS, END}; // TXT
    LAYOUTS[99] = new byte[] {STRINGS, END}; // SPF
  }

  private RdataLayout() {}

  /**
   * Returns the layout the RDATA of a record must follow.
   *
   * @param type the record type
   * @param dclass the record class: A and AAAA are only defined for IN (RFC 1035 section 3.4.1,
   *     RFC 3596), and RFC 2136 lets classes ANY and NONE carry empty RDATA for any type
   * @param rdLength the RDATA length on the wire
   * @return the layout, {@link #OPAQUE} for opaque bytes
   */
  static byte[] of(int type, int dclass, int rdLength) {
    if (type > 255) {
      return OPAQUE;
    }
    if (rdLength == 0 && (dclass == CLASS_ANY || dclass == CLASS_NONE)) {
      return OPAQUE;
    }
    if ((type == 1 || type == 28) && dclass != CLASS_IN) {
      return OPAQUE;
    }
    return LAYOUTS[type];
  }

  /** True if the layout contains a name. */
  static boolean hasName(byte[] layout) {
    for (int i = 0; i < layout.length; i++) {
      byte op = layout[i];
      if (op == NAME) {
        return true;
      }
      if (op == FIXED) {
        i++;
      }
    }
    return false;
  }

  /** True if a sender may compress the names in this type's RDATA (the RFC 1035 types). */
  static boolean compressOnWrite(int type) {
    return type < 256 && COMPRESS_ON_WRITE[type];
  }
}
