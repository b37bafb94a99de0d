// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;

/** Replays the dnsjava-made vectors of src/test/resources/vectors/tsig (see HOW.txt there). */
final class GoldenVectorsTest {
  private static final Clock SIGNED_AT = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"),
      ZoneOffset.UTC);

  static byte[] vector(String name) throws IOException {
    try (InputStream in = GoldenVectorsTest.class.getResourceAsStream("/vectors/tsig/" + name)) {
      return in.readAllBytes();
    }
  }

  private static TsigKey key() throws Exception {
    return TsigKeyFiles.parse(new String(vector("key.conf"), StandardCharsets.UTF_8)).get(0);
  }

  private static List<byte[]> responses() throws IOException {
    return List.of(vector("response-1.bin"), vector("response-2.bin"), vector("response-3.bin"));
  }

  private static VerifiedRequest request(TsigKey key) throws Exception {
    byte[] q = vector("request.bin");
    return TsigRequestVerifier.verify(TsigKeyring.of(key), q, 0, q.length,
        Tsig.locate(q, 0, q.length), SIGNED_AT);
  }

  @Test
  void vectors_useTheDocumentedKey() throws Exception {
    TsigKey k = key();
    assertEquals("xfr-key.example.", k.name().toString());
    assertEquals(TsigAlgorithm.HMAC_SHA256, k.algorithm());
    byte[] expected = new byte[32];
    for (int i = 0; i < 32; i++) {
      expected[i] = (byte) (0xa0 + i);
    }
    assertArrayEquals(expected, k.secret());
  }

  @Test
  void request_verifies_andResponseStreamVerifies() throws Exception {
    TsigKey key = key();
    VerifiedRequest req = request(key);
    assertEquals(key, req.key());
    assertEquals(Optional.empty(), Tamper.runStream(key, req.mac(), SIGNED_AT, responses()));
  }

  @Test
  void vectors_stillVerifyWithDnsjava() throws Exception {
    TsigKey key = key();
    TSIG tsig = Fixtures.dnsjava(key, SIGNED_AT);
    byte[] q = vector("request.bin");
    Message query = new Message(q);
    assertEquals(Rcode.NOERROR, tsig.verify(query, q, null));
    TSIG.StreamVerifier sv = new TSIG.StreamVerifier(tsig, query.getTSIG());
    List<byte[]> rs = responses();
    for (int i = 0; i < rs.size(); i++) {
      assertEquals(Rcode.NOERROR, sv.verify(new Message(rs.get(i)), rs.get(i), i == 2));
    }
  }

  @Test
  void response_failsOutsideFudge_andInWrongOrder() throws Exception {
    TsigKey key = key();
    byte[] mac = request(key).mac();
    Clock late = Clock.offset(SIGNED_AT, java.time.Duration.ofSeconds(301));
    assertEquals(Optional.of(TsigError.BADTIME), Tamper.runStream(key, mac, late, responses()));
    List<byte[]> rs = responses();
    assertEquals(Optional.of(TsigError.BADSIG),
        Tamper.runStream(key, mac, SIGNED_AT, rs.get(0), rs.get(2), rs.get(1)));
  }

  @Test
  void ourSigners_reproduceTheVectorMacs() throws Exception {
    TsigKey key = key();
    byte[] q = vector("request.bin");
    byte[] unsignedQuery = stripTsig(q);
    SignedMessage ours = Tsig.signRequest(key, unsignedQuery, 0, unsignedQuery.length, SIGNED_AT);
    assertArrayEquals(mac(q), ours.mac());

    TsigStreamSigner signer = new TsigStreamSigner(key, ours.mac(), SIGNED_AT);
    for (byte[] r : responses()) {
      byte[] bare = stripTsig(r);
      byte[] buf = Arrays.copyOf(bare, bare.length + Tsig.maxRecordLength(key));
      int len = signer.sign(buf, 0, bare.length);
      assertArrayEquals(mac(r), mac(Arrays.copyOf(buf, len)));
    }
  }

  /** The message without its TSIG RR and with ARCOUNT decremented, as it was before signing. */
  private static byte[] stripTsig(byte[] m) throws Exception {
    byte[] out = Arrays.copyOf(m, Tsig.locate(m, 0, m.length));
    Wire.put16(out, 10, Wire.u16(out, 10) - 1);
    return out;
  }

  private static byte[] mac(byte[] m) throws Exception {
    TsigRr rr = Tamper.rr(m);
    return Arrays.copyOfRange(m, rr.macOffset, rr.macOffset + rr.macLength);
  }
}
