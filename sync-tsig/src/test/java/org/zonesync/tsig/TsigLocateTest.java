// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigVerificationException;

final class TsigLocateTest {
  private static final TSIGRecord SOME_TSIG = new TSIGRecord(Fixtures.KEY_NAME, DClass.ANY, 0,
      TsigAlgorithm.HMAC_SHA256.algorithmName(), Fixtures.T0, Duration.ofSeconds(300),
      new byte[32], 1, 0, null);

  private static int locate(byte[] m) throws TsigVerificationException {
    return Tsig.locate(m, 0, m.length);
  }

  private static void assertFormerr(byte[] m, String fragment) {
    TsigVerificationException e = assertThrows(TsigVerificationException.class, () -> locate(m));
    assertEquals(TsigError.FORMERR, e.tsigError());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Nested
  final class Found {
    @Test
    void locate_returnsMinusOne_forUnsignedMessage() throws Exception {
      assertEquals(-1, locate(Fixtures.axfrResponse(1, 1, 5).get(0).toWire()));
    }

    @Test
    void locate_findsCompressedOwner_ofDnsjavaSignedMessage() throws Exception {
      Message q = Fixtures.axfrQuery(1);
      int unsignedLength = q.toWire().length;
      Fixtures.dnsjava(Fixtures.key(TsigAlgorithm.HMAC_SHA1), Fixtures.CLOCK).apply(q, null);
      byte[] w = q.toWire();
      assertEquals(unsignedLength, locate(w));
      assertEquals(0xc0, w[unsignedLength + 8] & 0xc0, "owner xfr-key + pointer to example.");
    }

    @Test
    void locate_usesAbsoluteOffsets() throws Exception {
      byte[] q = Fixtures.axfrQuery(1).toWire();
      byte[] s = Tsig.signRequest(Fixtures.key(TsigAlgorithm.HMAC_MD5), q, 0, q.length,
          Fixtures.CLOCK).message();
      byte[] framed = new byte[s.length + 10];
      System.arraycopy(s, 0, framed, 3, s.length);
      assertEquals(3 + q.length, Tsig.locate(framed, 3, s.length));
    }

    @Test
    void locate_rejectsRangeOutsideArray() {
      assertThrows(IndexOutOfBoundsException.class, () -> Tsig.locate(new byte[20], 10, 11));
    }
  }

  @Nested
  final class Malformed {
    @Test
    void locate_rejectsEveryTruncation_withFormerr() throws Exception {
      byte[] q = Fixtures.axfrResponse(1, 1, 3).get(0).toWire();
      byte[] s = Tsig.signRequest(Fixtures.key(TsigAlgorithm.HMAC_SHA256), q, 0, q.length,
          Fixtures.CLOCK).message();
      for (int len = 0; len < s.length; len++) {
        byte[] cut = Arrays.copyOf(s, len);
        TsigVerificationException e = assertThrows(TsigVerificationException.class,
            () -> locate(cut), "length " + len);
        assertEquals(TsigError.FORMERR, e.tsigError());
      }
    }

    @Test
    void locate_rejectsTsigInAnswerSection() {
      Message m = Fixtures.axfrResponse(1, 1, 1).get(0);
      m.addRecord(SOME_TSIG, Section.ANSWER);
      assertFormerr(m.toWire(), "answer section");
    }

    @Test
    void locate_rejectsTsigInAuthoritySection() {
      Message m = Fixtures.axfrResponse(1, 1, 1).get(0);
      m.addRecord(SOME_TSIG, Section.AUTHORITY);
      assertFormerr(m.toWire(), "authority section");
    }

    @Test
    void locate_rejectsTsigThatIsNotLast() {
      Message m = Fixtures.axfrResponse(1, 1, 1).get(0);
      m.addRecord(SOME_TSIG, Section.ADDITIONAL);
      m.addRecord(Fixtures.a("glue", 1), Section.ADDITIONAL);
      assertFormerr(m.toWire(), "not the last additional record");
    }

    @Test
    void locate_rejectsTwoTsigRecords() {
      Message m = Fixtures.axfrResponse(1, 1, 1).get(0);
      m.addRecord(SOME_TSIG, Section.ADDITIONAL);
      m.addRecord(new TSIGRecord(Name.fromConstantString("k2."), DClass.ANY, 0,
          TsigAlgorithm.HMAC_SHA256.algorithmName(), Fixtures.T0, Duration.ofSeconds(300),
          new byte[32], 1, 0, null), Section.ADDITIONAL);
      assertFormerr(m.toWire(), "not the last additional record");
    }

    @Test
    void locate_rejectsTrailingBytes() {
      byte[] w = Fixtures.axfrResponse(1, 1, 1).get(0).toWire();
      assertFormerr(Arrays.copyOf(w, w.length + 2), "2 trailing bytes");
    }

    @Test
    void locate_rejectsReservedLabelType() {
      byte[] w = Fixtures.axfrQuery(1).toWire();
      w[12] = 0x47;
      assertFormerr(w, "reserved label type 0x47");
    }

    @Test
    void locate_rejectsNameLongerThan255Bytes() {
      byte[] w = new byte[12 + 300];
      w[5] = 1; // QDCOUNT 1
      for (int p = 12; p + 4 < w.length; p += 4) {
        w[p] = 3;
      }
      assertFormerr(w, "longer than 255 bytes");
    }

    @Test
    void locate_rejectsShortMessage() {
      assertFormerr(new byte[11], "shorter than the 12-byte header");
    }
  }

  @Nested
  final class CanonicalNames {
    @Test
    void readCanonicalName_decompressesAndLowercases_likeDnsjava() throws Exception {
      Message q = Fixtures.axfrQuery(1);
      q.addRecord(Fixtures.a("WWW.Sub", 7), Section.ANSWER);
      byte[] w = q.toWire();
      int owner = Wire.skipName(w, 0, 12, w.length) + 4;
      byte[] canonical = Wire.readCanonicalName(w, 0, owner, w.length);
      DNSInput in = new DNSInput(w);
      in.jump(owner);
      assertArrayEquals(new Name(in).toWireCanonical(), canonical);
    }

    @Test
    void readCanonicalName_rejectsPointerLoop() {
      byte[] w = new byte[20];
      w[12] = (byte) 0xc0;
      w[13] = 12;
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> Wire.readCanonicalName(w, 0, 12, w.length));
      assertTrue(e.getMessage().contains("does not point backwards"), e.getMessage());
    }

    @Test
    void readCanonicalName_rejectsForwardPointer() {
      byte[] w = new byte[20];
      w[12] = (byte) 0xc0;
      w[13] = 16;
      assertThrows(TsigVerificationException.class,
          () -> Wire.readCanonicalName(w, 0, 12, w.length));
    }
  }
}
