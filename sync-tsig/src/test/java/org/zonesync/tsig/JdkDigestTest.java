// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

/**
 * The HMAC over the JDK's digest against the HMAC over BouncyCastle's own digest, on the same
 * keys and data: every algorithm, keys shorter and longer than the block, data fed whole, in
 * pieces and byte by byte, and contexts reused after doFinal (as a stream signer does).
 */
final class JdkDigestTest {

  @ParameterizedTest
  @EnumSource(TsigAlgorithm.class)
  void hmacOverJdkDigest_equalsHmacOverBouncyCastleDigest(TsigAlgorithm algorithm) {
    Random random = new Random(algorithm.ordinal() * 7919L + 1);
    for (int round = 0; round < 200; round++) {
      byte[] secret = new byte[1 + random.nextInt(200)]; // below and above the block length
      random.nextBytes(secret);
      TsigKey key = TsigKey.of(Name.fromConstantString("k."), algorithm, secret);
      HMac ours = TsigMac.create(key);
      HMac reference = new HMac(TsigMac.digest(algorithm));
      reference.init(new KeyParameter(secret));
      assertTrue(ours.getUnderlyingDigest() instanceof JdkDigest,
          "the JDK has " + algorithm + ": its digest is used");
      for (int message = 0; message < 3; message++) { // reuse after doFinal, as streams do
        byte[] data = new byte[random.nextInt(5000)];
        random.nextBytes(data);
        int cut = data.length == 0 ? 0 : random.nextInt(data.length);
        ours.update(data, 0, cut);
        for (int i = cut; i < Math.min(data.length, cut + 7); i++) {
          ours.update(data[i]);
        }
        if (cut + 7 < data.length) {
          ours.update(data, cut + 7, data.length - cut - 7);
        }
        reference.update(data, 0, data.length);
        byte[] a = new byte[ours.getMacSize()];
        byte[] b = new byte[reference.getMacSize()];
        assertEquals(a.length, ours.doFinal(a, 0));
        reference.doFinal(b, 0);
        assertArrayEquals(b, a, algorithm + " round " + round + " message " + message);
      }
    }
  }
}
