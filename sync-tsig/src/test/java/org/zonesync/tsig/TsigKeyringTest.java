// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

final class TsigKeyringTest {
  private static final TsigKey A = Fixtures.key(Name.fromConstantString("a.keys."),
      TsigAlgorithm.HMAC_SHA256);
  private static final TsigKey B = Fixtures.key(Name.fromConstantString("b.keys."),
      TsigAlgorithm.HMAC_MD5);

  @Test
  void find_isCaseInsensitive() {
    TsigKeyring ring = TsigKeyring.of(A, B);
    assertEquals(Optional.of(A), ring.find(Name.fromConstantString("A.KEYS.")));
    assertEquals(Optional.empty(), ring.find(Name.fromConstantString("c.keys.")));
  }

  @Test
  void of_rejectsTwoKeysWithOneName() {
    TsigKey a2 = TsigKey.of(Name.fromConstantString("A.Keys."), TsigAlgorithm.HMAC_SHA1,
        new byte[] {1});
    assertThrows(IllegalArgumentException.class, () -> TsigKeyring.of(List.of(A, a2)));
  }

  @Test
  void keys_keepsOrder_andToStringHidesSecrets() {
    TsigKeyring ring = TsigKeyring.of(List.of(B, A));
    assertEquals(List.of(B, A), ring.keys());
    assertFalse(ring.toString().contains(A.secretBase64()));
    assertThrows(UnsupportedOperationException.class, () -> ring.keys().add(A));
  }
}
