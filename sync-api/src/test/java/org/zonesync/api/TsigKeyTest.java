// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

final class TsigKeyTest {

  static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void parse_readsAlgorithmNameAndSecret() {
    TsigKey k = TsigKey.parse("hmac-sha512:Transfer-Key:" + SECRET);
    assertEquals(TsigAlgorithm.HMAC_SHA512, k.algorithm());
    assertEquals(Name.fromConstantString("transfer-key."), k.name());
    assertArrayEquals(new byte[32], k.secret());
    assertEquals(64, k.minimumMacLength());
    assertEquals(TsigAlgorithm.HMAC_SHA256, TsigKey.parse("k:" + SECRET).algorithm());
  }

  @Test
  void secret_isCopiedInAndOut_andNeverPrinted() {
    byte[] raw = {1, 2, 3, 4};
    TsigKey k = TsigKey.of(Name.fromConstantString("k."), TsigAlgorithm.HMAC_SHA256, raw);
    raw[0] = 9;
    k.secret()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3, 4}, k.secret());
    assertEquals("TsigKey[hmac-sha256:k.]", k.toString());
    assertFalse(k.toString().contains(k.secretBase64()));
  }

  @Test
  void parse_errors_nameTheProblem_butNotTheSecret() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TsigKey.parse("hmac-sha256:k:not*base64!"));
    assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
    assertFalse(e.getMessage().contains("not*base64!"));
    assertThrows(IllegalArgumentException.class, () -> TsigKey.parse("hmac-foo:k:" + SECRET));
    assertThrows(IllegalArgumentException.class, () -> TsigKey.parse("onlyone"));
    assertThrows(IllegalArgumentException.class, () -> TsigKey.parse("hmac-sha256:k:"));
  }

  @Test
  void truncationPolicy_isBoundedByRfc8945() {
    TsigKey k = TsigKey.parse("hmac-sha256:k:" + SECRET);
    assertEquals(16, k.withMinimumMacLength(16).minimumMacLength());
    assertThrows(IllegalArgumentException.class, () -> k.withMinimumMacLength(15));
    assertThrows(IllegalArgumentException.class, () -> k.withMinimumMacLength(33));
    TsigKey md5 = TsigKey.parse("hmac-md5:k:" + SECRET);
    assertEquals(10, md5.withMinimumMacLength(10).minimumMacLength());
  }

  @Test
  void equality_comparesAllFields() {
    TsigKey a = TsigKey.parse("hmac-sha256:k:" + SECRET);
    assertEquals(a, TsigKey.parse("hmac-sha256:K.:" + SECRET));
    assertNotEquals(a, TsigKey.parse("hmac-sha384:k:" + SECRET));
    assertNotEquals(a, TsigKey.parse("hmac-sha256:k:AAAA"));
    assertNotEquals(a, a.withMinimumMacLength(16));
  }

  @Test
  void algorithms_resolveByKeywordAndWireName() {
    for (TsigAlgorithm alg : TsigAlgorithm.values()) {
      assertEquals(alg, TsigAlgorithm.fromKeyword(alg.keyword()).orElseThrow());
      assertEquals(alg, TsigAlgorithm.fromKeyword(alg.keyword().toUpperCase(
          java.util.Locale.ROOT)).orElseThrow());
      assertEquals(alg, TsigAlgorithm.fromName(alg.algorithmName()).orElseThrow());
    }
    assertEquals(TsigAlgorithm.HMAC_MD5,
        TsigAlgorithm.fromKeyword("HMAC-MD5.SIG-ALG.REG.INT").orElseThrow());
  }
}
