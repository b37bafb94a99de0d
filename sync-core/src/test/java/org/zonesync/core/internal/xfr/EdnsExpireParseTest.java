// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.wire.EdnsExpire;
import org.zonesync.core.internal.wire.WireFormatException;

/**
 * The shared EXPIRE reader (used by the transfer streams strictly, by the SOA query leniently)
 * against dnsjava's OPT parser on the same RDATA, and the OPT record of a query.
 */
final class EdnsExpireParseTest {

  /** The first 4-octet EXPIRE option in dnsjava's parse, or ABSENT. */
  static long dnsjavaValue(OPTRecord opt) {
    for (EDNSOption o : opt.getOptions(EdnsExpire.OPTION_CODE)) {
      byte[] w = o.toWire();
      if (w.length == 8) {
        return ((w[4] & 0xFFL) << 24) | ((w[5] & 0xFF) << 16) | ((w[6] & 0xFF) << 8)
            | (w[7] & 0xFF);
      }
    }
    return EdnsExpire.ABSENT;
  }

  /** dnsjava's parse of OPT RDATA, or null where dnsjava rejects its framing. */
  static @Nullable OPTRecord dnsjava(byte[] rdata) {
    // dnsjava returns null when the RDATA does not parse
    return (OPTRecord) Record.newRecord(Name.root, Type.OPT, 1232, 0, rdata);
  }

  /**
   * RDATA from option specs (code index, length, fill), sometimes with its last option cut or
   * with stray bytes after it: the shapes a primary might send.
   */
  static byte[] rdata(List<Integer> specs, int tail) {
    int[] codes = {EdnsExpire.OPTION_CODE, 65001, 65002};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int s : specs) {
      int code = codes[(s & 0x3) % codes.length];
      int len = (s >>> 2) & 0x7; // 0..7: 4 is the only good EXPIRE length in an answer
      out.write(code >>> 8);
      out.write(code);
      out.write(0);
      out.write(len);
      for (int i = 0; i < len; i++) {
        out.write(s >>> (8 + i));
      }
    }
    byte[] b = out.toByteArray();
    // tail < 0 cuts bytes off the end (an overrun or a cut header), > 0 appends stray bytes
    int n = Math.max(0, b.length + tail);
    return java.util.Arrays.copyOf(b, n);
  }

  @Property(tries = 500)
  void parse_agreesWithDnsjava(@ForAll @Size(max = 5) List<@IntRange(min = 0,
      max = 0xFFFFFF) Integer> specs, @ForAll @IntRange(min = -5, max = 3) int tail) {
    byte[] rd = rdata(specs, tail);
    OPTRecord opt = dnsjava(rd);
    boolean badExpire = opt != null && opt.getOptions(EdnsExpire.OPTION_CODE).stream()
        .anyMatch(o -> o.toWire().length != 4 && o.toWire().length != 8);
    if (opt == null || badExpire) {
      assertThrows(WireFormatException.class, () -> EdnsExpire.parse(rd, 0, rd.length));
    } else {
      assertEquals(dnsjavaValue(opt), assertDoesNotThrowParse(rd));
    }
    long lenient = EdnsExpire.parseLenient(rd, 0, rd.length);
    if (opt != null) {
      assertEquals(dnsjavaValue(opt), lenient);
    } else if (lenient != EdnsExpire.ABSENT) {
      // lenient ignores a cut option header of 1..3 bytes at the end, and nothing else
      boolean explained = false;
      for (int k = 1; k <= 3 && k <= rd.length && !explained; k++) {
        OPTRecord shorter = dnsjava(java.util.Arrays.copyOf(rd, rd.length - k));
        explained = shorter != null && dnsjavaValue(shorter) == lenient;
      }
      assertTrue(explained, "lenient found " + lenient + " in rdata dnsjava rejects");
    }
  }

  private static long assertDoesNotThrowParse(byte[] rd) {
    try {
      return EdnsExpire.parse(rd, 0, rd.length);
    } catch (WireFormatException e) {
      throw new AssertionError("rejected what dnsjava accepts: " + e.getMessage(), e);
    }
  }

  @Test
  void parse_readsAtAnOffset_andValuesAboveTwoToThe31() throws Exception {
    byte[] rd = {(byte) 0xAA, (byte) 0xAA, 0, 9, 0, 4, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFE, (byte) 0xAA};
    assertEquals(0xFFFF_FFFEL, EdnsExpire.parse(rd, 2, 8));
    assertEquals(0xFFFF_FFFEL, EdnsExpire.parseLenient(rd, 2, 8));
  }

  @Test
  void parse_ofEmptyRdata_isAbsent() throws Exception {
    assertEquals(EdnsExpire.ABSENT, EdnsExpire.parse(new byte[0], 0, 0));
  }

  @Test
  void lenient_disregards_whatStrictRejects() throws Exception {
    byte[] wrongLength = {0, 9, 0, 2, 0, 1, 0, 9, 0, 4, 0, 0, 0, 60};
    assertThrows(WireFormatException.class, () -> EdnsExpire.parse(wrongLength, 0, 14));
    assertEquals(60, EdnsExpire.parseLenient(wrongLength, 0, 14));
    byte[] overrun = {0, 9, 0, 4, 0, 0, 0, 60, 0, 3, 0, 9, 1};
    assertThrows(WireFormatException.class, () -> EdnsExpire.parse(overrun, 0, 13));
    assertEquals(EdnsExpire.ABSENT, EdnsExpire.parseLenient(overrun, 0, 13));
  }
}
