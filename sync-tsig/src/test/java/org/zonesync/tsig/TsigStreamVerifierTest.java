// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

final class TsigStreamVerifierTest {
  private static final TsigKey KEY = Fixtures.key(TsigAlgorithm.HMAC_SHA256);
  private static final SignedMessage QUERY = query(KEY);
  private static final Set<TsigError> REJECTIONS =
      EnumSet.of(TsigError.BADSIG, TsigError.BADKEY, TsigError.FORMERR, TsigError.UNSIGNED);

  private static SignedMessage query(TsigKey key) {
    byte[] q = Fixtures.axfrQuery(4711).toWire();
    return Tsig.signRequest(key, q, 0, q.length, Fixtures.CLOCK);
  }

  /** A fully signed response of {@code n} messages, signed by {@code key} at {@code clock}. */
  private static List<byte[]> response(TsigKey key, Clock clock, int n) {
    return Fixtures.signStream(new TsigStreamSigner(key, QUERY.mac(), clock),
        Fixtures.axfrResponse(4711, n, 3));
  }

  private static byte[] single(TsigKey key, Clock clock) {
    return response(key, clock, 1).get(0);
  }

  private static Optional<TsigError> verify(byte[]... messages) {
    return Tamper.runStream(KEY, QUERY.mac(), Fixtures.CLOCK, messages);
  }

  @Nested
  final class Tampering {
    @ParameterizedTest
    @ValueSource(ints = {0x01, 0x20, 0x80, 0xff})
    void verify_rejectsEveryChangedByte_ofFirstMessage(int mask) {
      byte[] good = single(KEY, Fixtures.CLOCK);
      assertEquals(Optional.empty(), verify(good));
      List<String> accepted = new ArrayList<>();
      for (int[] v : Tamper.everyByte(good, mask)) {
        byte[] bad = Fixtures.flip(good, v[0], v[1]);
        Optional<TsigError> r = verify(bad);
        if (r.isEmpty() && !isCaseChange(good, v[0], v[1])) {
          accepted.add("byte " + v[0]);
        }
        r.ifPresent(e -> assertTrue(REJECTIONS.contains(e), "byte " + v[0] + ": " + e));
      }
      assertEquals(List.of(), accepted);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x01, 0x80, 0xff})
    void verify_rejectsEveryChangedByte_ofLaterMessage(int mask) {
      List<byte[]> good = response(KEY, Fixtures.CLOCK, 3);
      assertEquals(Optional.empty(), verify(good.get(0), good.get(1), good.get(2)));
      for (int[] v : Tamper.everyByte(good.get(1), mask)) {
        byte[] bad = Fixtures.flip(good.get(1), v[0], v[1]);
        Optional<TsigError> r = verify(good.get(0), bad, good.get(2));
        assertTrue(r.isPresent(), "byte " + v[0] + " accepted");
        // An unsigned middle message (TYPE changed) is legal; then message 3's MAC fails.
        assertTrue(REJECTIONS.contains(r.get()), "byte " + v[0] + ": " + r.get());
      }
    }

    @Test
    void verify_acceptsCaseChangeInKeyName_becauseNamesAreCanonical() throws Exception {
      byte[] good = single(KEY, Fixtures.CLOCK);
      int owner = Tamper.rr(good).start;
      byte[] upper = Fixtures.flip(good, owner + 1, 0x20); // "xfr-key" -> "Xfr-key"
      assertEquals(Optional.empty(), verify(upper));
    }

    @Test
    void verify_rejectsReorderedDroppedAndReplayedMessages_withBadsig() {
      List<byte[]> r = response(KEY, Fixtures.CLOCK, 3);
      assertEquals(Optional.of(TsigError.BADSIG), verify(r.get(1), r.get(0), r.get(2)));
      assertEquals(Optional.of(TsigError.BADSIG), verify(r.get(0), r.get(2)));
      assertEquals(Optional.of(TsigError.BADSIG), verify(r.get(0), r.get(0)));
    }

    @Test
    void verify_rejectsResponseToAnotherRequest_withBadsig() {
      byte[] m = single(KEY, Fixtures.CLOCK);
      byte[] otherMac = QUERY.mac().clone();
      otherMac[0] ^= 1;
      assertEquals(Optional.of(TsigError.BADSIG),
          Tamper.runStream(KEY, otherMac, Fixtures.CLOCK, m));
    }

    private boolean isCaseChange(byte[] good, int index, int mask) {
      try {
        return Tamper.isCaseChangeInTsigNames(good, index, mask);
      } catch (TsigVerificationException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Nested
  final class Keys {
    @Test
    void verify_rejectsOtherKeyName_withBadkey() {
      TsigKey other = Fixtures.key(Name.fromConstantString("other.example."),
          TsigAlgorithm.HMAC_SHA256);
      assertEquals(Optional.of(TsigError.BADKEY), verify(response(other, Fixtures.CLOCK, 1)
          .get(0)));
    }

    @Test
    void verify_rejectsOtherAlgorithm_withBadkey() {
      TsigKey other = TsigKey.of(KEY.name(), TsigAlgorithm.HMAC_SHA512, KEY.secret());
      assertEquals(Optional.of(TsigError.BADKEY), verify(response(other, Fixtures.CLOCK, 1)
          .get(0)));
    }

    @Test
    void verify_rejectsOtherSecret_withBadsig() {
      byte[] s = KEY.secret();
      s[0] ^= 1;
      TsigKey other = TsigKey.of(KEY.name(), KEY.algorithm(), s);
      assertEquals(Optional.of(TsigError.BADSIG), verify(single(other, Fixtures.CLOCK)));
    }
  }

  @Nested
  final class Time {
    @ParameterizedTest
    @ValueSource(longs = {-300, -1, 0, 1, 300})
    void verify_acceptsTimeWithinFudge(long skew) {
      assertEquals(Optional.empty(), verify(single(KEY, Fixtures.at(skew))));
    }

    @ParameterizedTest
    @ValueSource(longs = {-301, 301, -86400, 86400})
    void verify_rejectsTimeOutsideFudge_withBadtime(long skew) {
      assertEquals(Optional.of(TsigError.BADTIME), verify(single(KEY, Fixtures.at(skew))));
    }

    @ParameterizedTest
    @ValueSource(longs = {-11, 11})
    void verify_usesSmallerLocalFudge(long skew) throws Exception {
      byte[] m = single(KEY, Fixtures.at(skew));
      TsigStreamVerifier v = new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK,
          Duration.ofSeconds(10));
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> v.verify(m, 0, m.length, Tsig.locate(m, 0, m.length)));
      assertEquals(TsigError.BADTIME, e.tsigError());
      assertTrue(e.isRetryable());
      byte[] ok = single(KEY, Fixtures.at(skew > 0 ? 10 : -10));
      new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK, Duration.ofSeconds(10))
          .verify(ok, 0, ok.length, Tsig.locate(ok, 0, ok.length));
    }

    @Test
    void verify_checksMacBeforeTime() throws Exception {
      byte[] late = single(KEY, Fixtures.at(1000));
      assertEquals(Optional.of(TsigError.BADTIME), verify(late));
      byte[] forged = Fixtures.flip(late, Tamper.rr(late).macOffset + 3, 0x01);
      assertEquals(Optional.of(TsigError.BADSIG), verify(forged));
    }
  }

  @Nested
  final class Truncation {
    @Test
    void verify_rejectsTruncatedMac_withBadtrunc_whenKeyWantsFullMacs() throws Exception {
      byte[] m = Tamper.resizeMac(single(KEY, Fixtures.CLOCK), 16);
      assertEquals(Optional.of(TsigError.BADTRUNC), verify(m));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 20, 31})
    void verify_acceptsTruncatedMac_whenKeyAllowsIt(int length) throws Exception {
      byte[] m = Tamper.resizeMac(single(KEY, Fixtures.CLOCK), length);
      assertEquals(Optional.empty(), Tamper.runStream(KEY.withMinimumMacLength(16), QUERY.mac(),
          Fixtures.CLOCK, m));
      assertEquals(Optional.of(TsigError.BADTRUNC), Tamper.runStream(
          KEY.withMinimumMacLength(length + 1), QUERY.mac(), Fixtures.CLOCK, m));
    }

    @Test
    void verify_rejectsWrongTruncatedMac_withBadsig() throws Exception {
      byte[] m = Tamper.resizeMac(single(KEY, Fixtures.CLOCK), 16);
      byte[] bad = Fixtures.flip(m, Tamper.rr(m).macOffset + 15, 0x01);
      assertEquals(Optional.of(TsigError.BADSIG), Tamper.runStream(KEY.withMinimumMacLength(16),
          QUERY.mac(), Fixtures.CLOCK, bad));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 15, 33, 64})
    void verify_rejectsMacOutsideRfcLimits_withFormerr(int length) throws Exception {
      byte[] m = Tamper.resizeMac(single(KEY, Fixtures.CLOCK), length);
      assertEquals(Optional.of(TsigError.FORMERR), Tamper.runStream(KEY.withMinimumMacLength(16),
          QUERY.mac(), Fixtures.CLOCK, m));
    }
  }

  @Nested
  final class Streams {
    private List<byte[]> signedThenUnsigned(int unsigned, boolean signLast) {
      boolean[] signed = new boolean[unsigned + (signLast ? 2 : 1)];
      signed[0] = true;
      signed[signed.length - 1] = signLast || unsigned == 0;
      return Fixtures.signStream(new TsigStreamSigner(KEY, QUERY.mac(), Fixtures.CLOCK),
          Fixtures.axfrResponse(4711, signed.length, 1), signed);
    }

    @Test
    void verify_accepts99UnsignedInARow() {
      assertEquals(Optional.empty(), Tamper.runStream(KEY, QUERY.mac(), Fixtures.CLOCK,
          signedThenUnsigned(99, true)));
    }

    @Test
    void verify_rejects100thUnsignedInARow_withUnsigned() throws Exception {
      List<byte[]> ms = new ArrayList<>(signedThenUnsigned(99, false));
      ms.add(Fixtures.axfrResponse(4711, 1, 1).get(0).toWire());
      TsigStreamVerifier v = new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK);
      for (int i = 0; i < 100; i++) {
        byte[] m = ms.get(i);
        v.verify(m, 0, m.length, Tsig.locate(m, 0, m.length));
      }
      byte[] last = ms.get(100);
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> v.verify(last, 0, last.length, -1));
      assertEquals(TsigError.UNSIGNED, e.tsigError());
      assertTrue(e.getMessage().startsWith("message 101: "), e.getMessage());
    }

    @Test
    void finish_rejectsUnsignedLastMessage_withUnsigned() throws Exception {
      List<byte[]> ms = signedThenUnsigned(2, false);
      TsigStreamVerifier v = new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK);
      for (byte[] m : ms) {
        v.verify(m, 0, m.length, Tsig.locate(m, 0, m.length));
      }
      assertEquals(TsigError.UNSIGNED,
          assertThrows(TsigVerificationException.class, v::finish).tsigError());
    }

    @Test
    void finish_rejectsEmptyStream_withUnsigned() {
      TsigStreamVerifier v = new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK);
      assertEquals(TsigError.UNSIGNED,
          assertThrows(TsigVerificationException.class, v::finish).tsigError());
    }

    @Test
    void verify_rejectsUnsignedFirstMessage_withUnsigned() {
      byte[] m = Fixtures.axfrResponse(4711, 1, 1).get(0).toWire();
      assertEquals(Optional.of(TsigError.UNSIGNED), verify(m));
    }

    @Test
    void verify_isSpentAfterFailure() {
      byte[] m = Fixtures.axfrResponse(4711, 1, 1).get(0).toWire();
      TsigStreamVerifier v = new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK);
      assertThrows(TsigVerificationException.class, () -> v.verify(m, 0, m.length, -1));
      assertThrows(IllegalStateException.class, () -> v.verify(m, 0, m.length, -1));
      assertThrows(IllegalStateException.class, v::finish);
    }

    @Test
    void verify_acceptsMessageAtNonZeroOffset() throws Exception {
      byte[] m = single(KEY, Fixtures.CLOCK);
      byte[] framed = new byte[m.length + 7];
      System.arraycopy(m, 0, framed, 5, m.length);
      TsigStreamVerifier v = new TsigStreamVerifier(KEY, QUERY.mac(), Fixtures.CLOCK);
      v.verify(framed, 5, m.length, Tsig.locate(framed, 5, m.length));
      assertDoesNotThrow(v::finish);
    }
  }

  @Nested
  final class ServerErrors {
    @ParameterizedTest
    @ValueSource(ints = {Rcode.BADSIG, Rcode.BADKEY, Rcode.BADTIME})
    void verify_reportsErrorFieldOfDnsjavaErrorResponse(int rcode) throws Exception {
      Message r = Fixtures.axfrResponse(4711, 1, 0).get(0);
      r.getHeader().setRcode(Rcode.NOTAUTH);
      Fixtures.dnsjava(KEY, Fixtures.CLOCK).apply(r, rcode, new Message(QUERY.message()).getTSIG());
      byte[] wire = r.toWire();
      TsigError expected = switch (rcode) {
        case Rcode.BADSIG -> TsigError.BADSIG;
        case Rcode.BADKEY -> TsigError.BADKEY;
        default -> TsigError.BADTIME;
      };
      assertEquals(Optional.of(expected), verify(wire));
    }

    @Test
    void verify_rejectsMessageIdOtherThanOriginalId_withFormerr() {
      byte[] m = single(KEY, Fixtures.CLOCK);
      m[1] ^= 1;
      assertEquals(Optional.of(TsigError.FORMERR), verify(m));
    }
  }
}
