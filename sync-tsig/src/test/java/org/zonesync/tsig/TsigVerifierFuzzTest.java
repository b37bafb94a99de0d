// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

/**
 * Fuzz targets for the verifiers on arbitrary bytes, with the golden-vector key, request MAC and
 * clock (see vectors/tsig/HOW.txt). Invariants: only {@link TsigVerificationException} escapes,
 * and a success means the signed content equals the seeded valid message (a different success
 * would be a MAC forgery). In a normal build the seeds under
 * {@code TsigVerifierFuzzTestInputs/} run as regression tests; set JAZZER_FUZZ=1 to fuzz.
 */
final class TsigVerifierFuzzTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"),
      ZoneOffset.UTC);
  private static final TsigKey KEY;
  private static final byte[] REQUEST;
  private static final byte[] REQUEST_MAC;
  private static final byte[] RESPONSE_1;
  private static final byte[] RESPONSE_2;

  static {
    try {
      KEY = TsigKeyFiles.parse(new String(GoldenVectorsTest.vector("key.conf"),
          java.nio.charset.StandardCharsets.UTF_8)).get(0);
      REQUEST = GoldenVectorsTest.vector("request.bin");
      RESPONSE_1 = GoldenVectorsTest.vector("response-1.bin");
      RESPONSE_2 = GoldenVectorsTest.vector("response-2.bin");
      REQUEST_MAC = TsigRequestVerifier.verify(TsigKeyring.of(KEY), REQUEST, 0, REQUEST.length,
          Tsig.locate(REQUEST, 0, REQUEST.length), CLOCK).mac();
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest
  void firstMessage(byte[] data) throws Exception {
    TsigStreamVerifier v = new TsigStreamVerifier(KEY, REQUEST_MAC, CLOCK);
    try {
      v.verify(data, 0, data.length, Tsig.locate(data, 0, data.length));
    } catch (TsigVerificationException expected) {
      return;
    }
    assertSameSignedContent(RESPONSE_1, data, true);
  }

  @FuzzTest
  void secondMessage(byte[] data) throws Exception {
    TsigStreamVerifier v = new TsigStreamVerifier(KEY, REQUEST_MAC, CLOCK);
    v.verify(RESPONSE_1, 0, RESPONSE_1.length, Tsig.locate(RESPONSE_1, 0, RESPONSE_1.length));
    int tsig;
    try {
      tsig = Tsig.locate(data, 0, data.length);
      v.verify(data, 0, data.length, tsig);
    } catch (TsigVerificationException expected) {
      return;
    }
    if (tsig >= 0) {
      assertSameSignedContent(RESPONSE_2, data, true);
    }
    // An unsigned second message is legal; the stream then needs a signed one to finish.
  }

  @FuzzTest
  void request(byte[] data) throws Exception {
    try {
      TsigRequestVerifier.verify(TsigKeyring.of(KEY), data, 0, data.length,
          Tsig.locate(data, 0, data.length), CLOCK);
    } catch (TsigVerificationException expected) {
      return;
    }
    // Requests digest the original ID, so the header ID may differ (RFC 8945 4.3.2).
    assertSameSignedContent(REQUEST, data, false);
  }

  /**
   * Asserts that {@code data} carries what the MAC covers in {@code golden}: the bytes before the
   * TSIG RR and the TSIG fields (names compared canonically, as digested).
   */
  private static void assertSameSignedContent(byte[] golden, byte[] data, boolean withId)
      throws TsigVerificationException {
    int gt = Tsig.locate(golden, 0, golden.length);
    int dt = Tsig.locate(data, 0, data.length);
    byte[] gPrefix = Arrays.copyOf(golden, gt);
    byte[] dPrefix = Arrays.copyOf(data, dt);
    if (!withId) {
      gPrefix[0] = dPrefix[0];
      gPrefix[1] = dPrefix[1];
    }
    assertArrayEquals(gPrefix, dPrefix, "message before the TSIG RR");
    TsigRr g = TsigRr.parse(golden, 0, golden.length, gt);
    TsigRr d = TsigRr.parse(data, 0, data.length, dt);
    assertArrayEquals(g.owner, d.owner);
    assertArrayEquals(g.algorithm, d.algorithm);
    assertEquals(g.timeSigned, d.timeSigned);
    assertEquals(g.fudge, d.fudge);
    assertEquals(g.originalId, d.originalId);
    assertEquals(g.error, d.error);
    assertArrayEquals(Arrays.copyOfRange(golden, g.macOffset, g.macOffset + g.macLength),
        Arrays.copyOfRange(data, d.macOffset, d.macOffset + d.macLength));
    assertArrayEquals(Arrays.copyOfRange(golden, g.otherOffset, g.otherOffset + g.otherLength),
        Arrays.copyOfRange(data, d.otherOffset, d.otherOffset + d.otherLength));
  }
}
