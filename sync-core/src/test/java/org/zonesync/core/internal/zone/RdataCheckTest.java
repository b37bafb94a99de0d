// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

final class RdataCheckTest {

  record Case(int type, byte[] rdata) {
    @Override
    public String toString() {
      return Type.string(type) + " " + java.util.HexFormat.of().formatHex(rdata);
    }
  }

  /**
   * The hand-written checks accept exactly what dnsjava parses and encodes back unchanged,
   * except empty TXT/SPF and key-less DNSKEY/DS, which they refuse on purpose.
   */
  @Property(tries = 10000)
  void isWellFormed_agreesWithDnsjava(@ForAll("cases") Case c) {
    boolean ours = RdataCheck.isWellFormed(c.type(), DClass.IN, c.rdata(), 0, c.rdata().length);
    boolean dnsjava = RdataCheck.viaDnsjava(c.type(), DClass.IN, c.rdata(), 0, c.rdata().length);
    int t = c.type();
    int len = c.rdata().length;
    boolean stricter = (t == Type.TXT || t == Type.SPF) && len == 0
        || (t == Type.DNSKEY || t == Type.CDNSKEY || t == Type.DS || t == Type.CDS) && len == 4;
    Statistics.collect(Type.string(t), ours);
    assertEquals(dnsjava && !stricter, ours, c.toString());
  }

  /** Well-formed rdata, then sometimes truncated, extended or with one octet changed. */
  @Provide
  Arbitrary<Case> cases() {
    int[] types = {Type.A, Type.AAAA, Type.NS, Type.CNAME, Type.PTR, Type.DNAME, Type.MD,
        Type.MX, Type.AFSDB, Type.KX, Type.RT, Type.SRV, Type.TXT, Type.SPF, Type.SOA,
        Type.RRSIG, Type.SIG, Type.DS, Type.CDS, Type.DNSKEY, Type.CDNSKEY};
    Arbitrary<Integer> type = Arbitraries.of(java.util.Arrays.stream(types).boxed()
        .toArray(Integer[]::new));
    return type.flatMap(t -> Combinators.combine(wellFormed(t), Arbitraries.integers()
        .between(0, 3), Arbitraries.integers().between(0, 300), Arbitraries.bytes())
        .as((rd, how, where, value) -> new Case(t, mutate(rd, how, where, value))));
  }

  private static Arbitrary<byte[]> wellFormed(int type) {
    switch (type) {
      case Type.SOA:
        return Combinators.combine(ZoneTestData.anyNameWire(), ZoneTestData.anyNameWire(),
            ZoneTestData.bytes(20, 20)).as(ZoneTestData::concat);
      case Type.DNAME:
      case Type.MD:
        return ZoneTestData.anyNameWire();
      case Type.AFSDB:
      case Type.KX:
      case Type.RT:
        return ZoneTestData.rdata(Type.MX);
      case Type.SPF:
        return ZoneTestData.rdata(Type.TXT);
      case Type.SIG:
        return ZoneTestData.rdata(Type.RRSIG);
      case Type.CDS:
      case Type.CDNSKEY:
        return ZoneTestData.bytes(3, 6);
      default:
        return ZoneTestData.rdata(type);
    }
  }

  private static byte[] mutate(byte[] rd, int how, int where, byte value) {
    switch (how) {
      case 1: // truncate
        return java.util.Arrays.copyOf(rd, rd.length == 0 ? 0 : where % rd.length);
      case 2: // append one octet
        return ZoneTestData.concat(rd, new byte[] {value});
      case 3: // change one octet
        if (rd.length > 0) {
          byte[] out = rd.clone();
          out[where % out.length] = value;
          return out;
        }
        return rd;
      default:
        return rd;
    }
  }

  @Test
  void isWellFormed_refusesCompressedAndOverlongNames() {
    byte[] pointer = {(byte) 0xC0, 0x0C};
    assertFalse(RdataCheck.isWellFormed(Type.NS, DClass.IN, pointer, 0, 2));
    byte[] mxPointer = {0, 10, (byte) 0xC0, 0x0C};
    assertFalse(RdataCheck.isWellFormed(Type.MX, DClass.IN, mxPointer, 0, 4));
  }

  /** dnsjava parses a WKS record without a bitmap, then throws when encoding it (fuzz find). */
  @Test
  void isWellFormed_refusesRdataThatDnsjavaCannotEncode() {
    byte[] wks = {(byte) 192, 0, 2, 1, 6};
    assertFalse(RdataCheck.isWellFormed(Type.WKS, DClass.IN, wks, 0, wks.length));
  }

  @Test
  void isWellFormed_acceptsAnyRdataOfUnknownType_andChecksOtherKnownTypesWithDnsjava() {
    assertTrue(RdataCheck.isWellFormed(65280, DClass.IN, new byte[0], 0, 0));
    assertTrue(RdataCheck.isWellFormed(65280, DClass.IN, new byte[] {(byte) 0xC0}, 0, 1));
    // NAPTR: order, preference, three character-strings and a name
    byte[] naptr = {0, 1, 0, 2, 1, 'u', 0, 0, 0};
    assertTrue(RdataCheck.isWellFormed(Type.NAPTR, DClass.IN, naptr, 0, naptr.length));
    assertFalse(RdataCheck.isWellFormed(Type.NAPTR, DClass.IN, naptr, 0, naptr.length - 1));
  }
}
