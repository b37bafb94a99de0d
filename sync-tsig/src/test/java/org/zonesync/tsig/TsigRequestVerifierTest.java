// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

final class TsigRequestVerifierTest {
  private static final TsigKey KEY = Fixtures.key(TsigAlgorithm.HMAC_SHA256);
  private static final TsigKey OTHER = Fixtures.key(Name.fromConstantString("other."),
      TsigAlgorithm.HMAC_SHA1);
  private static final TsigKeyring RING = TsigKeyring.of(OTHER, KEY);

  private static SignedMessage request(TsigKey key, long skew) {
    byte[] q = Fixtures.axfrQuery(4711).toWire();
    return Tsig.signRequest(key, q, 0, q.length, Fixtures.at(skew));
  }

  @ParameterizedTest
  @EnumSource(TsigAlgorithm.class)
  void verify_returnsKeyAndMac_forEachAlgorithm(TsigAlgorithm a) throws Exception {
    TsigKey key = Fixtures.key(Name.fromConstantString(a.keyword() + ".keys."), a);
    SignedMessage s = request(key, 0);
    byte[] m = s.message();
    VerifiedRequest v = TsigRequestVerifier.verify(TsigKeyring.of(KEY, key), m, 0, m.length,
        Tsig.locate(m, 0, m.length), Fixtures.CLOCK);
    assertEquals(key, v.key());
    assertArrayEquals(s.mac(), v.mac());
  }

  @Test
  void verify_rejectsUnknownKey_withBadkey() {
    assertEquals(Optional.of(TsigError.BADKEY),
        Tamper.runRequest(TsigKeyring.of(OTHER), Fixtures.CLOCK, request(KEY, 0).message()));
  }

  @Test
  void verify_rejectsKnownNameWithOtherAlgorithm_withBadkey() {
    TsigKey sameNameSha512 = TsigKey.of(KEY.name(), TsigAlgorithm.HMAC_SHA512, KEY.secret());
    assertEquals(Optional.of(TsigError.BADKEY), Tamper.runRequest(RING, Fixtures.CLOCK,
        request(sameNameSha512, 0).message()));
  }

  @Test
  void verify_rejectsUnsignedRequest_withUnsigned() {
    assertEquals(Optional.of(TsigError.UNSIGNED),
        Tamper.runRequest(RING, Fixtures.CLOCK, Fixtures.axfrQuery(1).toWire()));
  }

  @ParameterizedTest
  @ValueSource(longs = {-301, 301})
  void verify_rejectsStaleRequest_withBadtime(long skew) {
    assertEquals(Optional.of(TsigError.BADTIME),
        Tamper.runRequest(RING, Fixtures.CLOCK, request(KEY, skew).message()));
  }

  @ParameterizedTest
  @ValueSource(longs = {-300, 300})
  void verify_acceptsRequestAtFudgeBoundary(long skew) {
    assertEquals(Optional.empty(),
        Tamper.runRequest(RING, Fixtures.CLOCK, request(KEY, skew).message()));
  }

  @Test
  void verify_honoursLocalFudge() {
    byte[] m = request(KEY, 61).message();
    TsigVerificationException e = assertThrows(TsigVerificationException.class,
        () -> TsigRequestVerifier.verify(RING, m, 0, m.length, Tsig.locate(m, 0, m.length),
            Fixtures.CLOCK, Duration.ofSeconds(60)));
    assertEquals(TsigError.BADTIME, e.tsigError());
  }

  @Test
  void verify_rejectsRequestWithErrorField_withFormerr() {
    Message q = Fixtures.axfrQuery(4711);
    Fixtures.dnsjava(KEY, Fixtures.CLOCK).apply(q, Rcode.BADTRUNC, null);
    assertEquals(Optional.of(TsigError.FORMERR),
        Tamper.runRequest(RING, Fixtures.CLOCK, q.toWire()));
  }

  @Test
  void verify_acceptsRewrittenMessageId_becauseTheMacUsesTheOriginalId() {
    byte[] m = request(KEY, 0).message();
    m[0] ^= 0x55;
    assertEquals(Optional.empty(), Tamper.runRequest(RING, Fixtures.CLOCK, m));
  }

  @ParameterizedTest
  @ValueSource(ints = {0x01, 0x80, 0xff})
  void verify_rejectsEveryOtherChangedByte(int mask) {
    byte[] good = request(KEY, 0).message();
    Set<TsigError> allowed = EnumSet.of(TsigError.BADSIG, TsigError.BADKEY, TsigError.FORMERR,
        TsigError.UNSIGNED);
    List<Integer> accepted = new ArrayList<>();
    for (int i = 2; i < good.length; i++) {
      Optional<TsigError> r = Tamper.runRequest(RING, Fixtures.CLOCK, Fixtures.flip(good, i, mask));
      if (r.isEmpty()) {
        accepted.add(i);
      } else {
        assertTrue(allowed.contains(r.get()), "byte " + i + ": " + r.get());
      }
    }
    assertEquals(List.of(), accepted);
  }
}
