// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;

/** Error responses (RFC 8945 5.3.2) checked with dnsjava as the client. */
final class TsigErrorResponseTest {
  private static final TsigKey KEY = Fixtures.key(TsigAlgorithm.HMAC_SHA256);
  private static final TsigKeyring RING = TsigKeyring.of(KEY);
  private static final int ID = 0x4242;

  /** A request signed by dnsjava with {@code key} at T0. */
  private static Message request(TsigKey key) {
    Message q = Fixtures.axfrQuery(ID);
    Fixtures.dnsjava(key, Fixtures.CLOCK).apply(q, null);
    return q;
  }

  /** Our error response to {@code q}, as the server at T0 + skew would send it. */
  private static byte[] respond(byte[] q, TsigError error, long skew) throws Exception {
    Message r = new Message(ID);
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setRcode(Rcode.NOTAUTH);
    byte[] wire = r.toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + 606);
    int len = TsigErrorResponse.append(buf, 0, wire.length, error, q, 0, q.length,
        Tsig.locate(q, 0, q.length), RING, Fixtures.at(skew));
    return Arrays.copyOf(buf, len);
  }

  /** What our request verifier says about {@code q} at T0 + skew. */
  private static TsigError rejection(byte[] q, long skew) {
    return Tamper.runRequest(RING, Fixtures.at(skew), q).orElseThrow();
  }

  @Test
  void badtime_isSigned_withRequestTimeAndServerTime_andDnsjavaVerifiesIt() throws Exception {
    Message q = request(KEY);
    byte[] qw = q.toWire();
    assertEquals(TsigError.BADTIME, rejection(qw, 1000));
    byte[] r = respond(qw, TsigError.BADTIME, 1000);
    Message m = new Message(r);
    assertEquals(Rcode.NOERROR, Fixtures.dnsjava(KEY, Fixtures.CLOCK).verify(m, r, q.getTSIG()));
    TSIGRecord t = m.getTSIG();
    assertEquals(Rcode.BADTIME, t.getError());
    assertEquals(Fixtures.T0, t.getTimeSigned());
    byte[] other = new byte[6];
    Wire.put48(other, 0, Fixtures.T0.getEpochSecond() + 1000);
    assertArrayEquals(other, t.getOther());
    assertEquals(Optional.of(TsigError.BADTIME),
        Tamper.runStream(KEY, q.getTSIG().getSignature(), Fixtures.CLOCK, r));
  }

  @Test
  void badtrunc_isSignedWithTheTruncatedRequestMac_andDnsjavaVerifiesIt() throws Exception {
    byte[] qw = Tamper.resizeMac(request(KEY).toWire(), 16);
    assertEquals(TsigError.BADTRUNC, rejection(qw, 0));
    byte[] r = respond(qw, TsigError.BADTRUNC, 0);
    Message m = new Message(r);
    TSIGRecord truncatedQueryTsig = new Message(qw).getTSIG();
    assertEquals(Rcode.NOERROR,
        Fixtures.dnsjava(KEY, Fixtures.CLOCK).verify(m, r, truncatedQueryTsig));
    assertEquals(Rcode.BADTRUNC, m.getTSIG().getError());
  }

  @Test
  void badsig_isUnsigned() throws Exception {
    byte[] secret = KEY.secret();
    secret[0] ^= 1;
    byte[] qw = request(TsigKey.of(KEY.name(), KEY.algorithm(), secret)).toWire();
    assertEquals(TsigError.BADSIG, rejection(qw, 0));
    TSIGRecord t = new Message(respond(qw, TsigError.BADSIG, 0)).getTSIG();
    assertEquals(Rcode.BADSIG, t.getError());
    assertEquals(0, t.getSignature().length);
    assertEquals(KEY.name(), t.getName());
  }

  @Test
  void badkey_isUnsigned_andEchoesTheUnknownKeyName() throws Exception {
    TsigKey stranger = Fixtures.key(Name.fromConstantString("stranger."),
        TsigAlgorithm.HMAC_SHA1);
    byte[] qw = request(stranger).toWire();
    assertEquals(TsigError.BADKEY, rejection(qw, 0));
    byte[] r = respond(qw, TsigError.BADKEY, 0);
    TSIGRecord t = new Message(r).getTSIG();
    assertEquals(Rcode.BADKEY, t.getError());
    assertEquals(stranger.name(), t.getName());
    assertEquals(TsigAlgorithm.HMAC_SHA1.algorithmName(), t.getAlgorithm());
    assertEquals(0, t.getSignature().length);
    assertEquals(Optional.of(TsigError.BADKEY),
        Tamper.runStream(stranger, new byte[20], Fixtures.CLOCK, r));
  }

  @Test
  void forgedRequest_neverGetsASignature_evenWhenCallerSaysBadtime() throws Exception {
    byte[] qw = request(KEY).toWire();
    qw[qw.length - 10] ^= 1; // inside the MAC
    TSIGRecord t = new Message(respond(qw, TsigError.BADTIME, 1000)).getTSIG();
    assertEquals(Rcode.BADSIG, t.getError());
    assertEquals(0, t.getSignature().length);
  }

  @ParameterizedTest
  @EnumSource(value = TsigError.class, names = {"FORMERR", "UNSIGNED"})
  void formerrAndUnsigned_appendNothing(TsigError error) throws Exception {
    byte[] qw = request(KEY).toWire();
    Message r = new Message(ID);
    byte[] wire = r.toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + 600);
    assertEquals(wire.length, TsigErrorResponse.append(buf, 0, wire.length, error, qw, 0,
        qw.length, Tsig.locate(qw, 0, qw.length), RING, Fixtures.CLOCK));
  }
}
