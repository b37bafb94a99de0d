// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

/** Differential checks against dnsjava 3.7.1's TSIG on the same bytes, both directions. */
final class TsigDnsjavaInteropTest {

  private static byte[] ourSignedQuery(TsigKey key, int id) {
    byte[] q = Fixtures.axfrQuery(id).toWire();
    return Tsig.signRequest(key, q, 0, q.length, Fixtures.CLOCK).message();
  }

  private static TSIGRecord tsigOf(byte[] wire) throws Exception {
    TSIGRecord r = new Message(wire).getTSIG();
    assertNotNull(r, "dnsjava finds no TSIG record");
    return r;
  }

  private static int locate(byte[] m) throws Exception {
    return Tsig.locate(m, 0, m.length);
  }

  @Nested
  final class Requests {
    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void signRequest_verifiesWithDnsjava(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      byte[] signed = ourSignedQuery(key, 4711);
      Message m = new Message(signed);
      assertEquals(Rcode.NOERROR, Fixtures.dnsjava(key, Fixtures.CLOCK).verify(m, signed, null));
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void signRequest_isByteIdenticalToDnsjava_whenOwnerIsNotCompressed(TsigAlgorithm a) {
      TsigKey key = Fixtures.key(Fixtures.PLAIN_KEY_NAME, a);
      Message q = Fixtures.axfrQuery(99);
      byte[] unsigned = q.toWire();
      Fixtures.dnsjava(key, Fixtures.CLOCK).apply(q, null);
      SignedMessage ours = Tsig.signRequest(key, unsigned, 0, unsigned.length, Fixtures.CLOCK);
      assertArrayEquals(q.toWire(), ours.message());
      assertArrayEquals(q.getTSIG().getSignature(), ours.mac());
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void dnsjavaSignedRequest_verifiesWithUs(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      Message q = Fixtures.axfrQuery(4711);
      Fixtures.dnsjava(key, Fixtures.CLOCK).apply(q, null);
      byte[] wire = q.toWire();
      VerifiedRequest v = TsigRequestVerifier.verify(TsigKeyring.of(key), wire, 0, wire.length,
          locate(wire), Fixtures.CLOCK);
      assertEquals(key, v.key());
      assertArrayEquals(q.getTSIG().getSignature(), v.mac());
    }
  }

  @Nested
  final class Responses {
    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void dnsjavaSingleResponse_verifiesWithUs(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      SignedMessage query = signedQuery(key);
      Message r = Fixtures.axfrResponse(4711, 1, 3).get(0);
      Fixtures.dnsjava(key, Fixtures.CLOCK).apply(r, tsigOf(query.message()));
      byte[] wire = r.toWire();
      TsigStreamVerifier v = new TsigStreamVerifier(key, query.mac(), Fixtures.CLOCK);
      v.verify(wire, 0, wire.length, locate(wire));
      assertDoesNotThrow(v::finish);
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void dnsjavaStream_verifiesWithUs(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      SignedMessage query = signedQuery(key);
      TSIG.StreamGenerator g = new TSIG.StreamGenerator(Fixtures.dnsjava(key, Fixtures.CLOCK),
          tsigOf(query.message()));
      TsigStreamVerifier v = new TsigStreamVerifier(key, query.mac(), Fixtures.CLOCK);
      for (Message m : Fixtures.axfrResponse(4711, 5, 20)) {
        g.generate(m);
        byte[] wire = m.toWire();
        v.verify(wire, 0, wire.length, locate(wire));
      }
      assertDoesNotThrow(v::finish);
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void dnsjavaStreamWithUnsignedMessages_verifiesWithUs(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      SignedMessage query = signedQuery(key);
      Object g = Fixtures.streamGenerator(Fixtures.dnsjava(key, Fixtures.CLOCK),
          tsigOf(query.message()), 4);
      TsigStreamVerifier v = new TsigStreamVerifier(key, query.mac(), Fixtures.CLOCK);
      List<Message> ms = Fixtures.axfrResponse(4711, 10, 7);
      int unsigned = 0;
      for (int i = 0; i < ms.size(); i++) {
        Fixtures.generate(g, ms.get(i), i == ms.size() - 1);
        byte[] wire = ms.get(i).toWire();
        int t = locate(wire);
        unsigned += t < 0 ? 1 : 0;
        v.verify(wire, 0, wire.length, t);
      }
      assertEquals(6, unsigned, "dnsjava signs messages 1, 5, 9 and the last");
      assertDoesNotThrow(v::finish);
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void ourStream_verifiesWithDnsjava(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      SignedMessage query = signedQuery(key);
      List<byte[]> wires = Fixtures.signStream(new TsigStreamSigner(key, query.mac(),
          Fixtures.CLOCK), Fixtures.axfrResponse(4711, 6, 15));
      assertDnsjavaVerifies(key, query, wires);
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void ourStreamWithUnsignedMessages_verifiesWithDnsjava(TsigAlgorithm a) throws Exception {
      TsigKey key = Fixtures.key(a);
      SignedMessage query = signedQuery(key);
      boolean[] signed = new boolean[103];
      signed[0] = true;
      signed[100] = true;
      signed[102] = true;
      List<byte[]> wires = Fixtures.signStream(new TsigStreamSigner(key, query.mac(),
          Fixtures.CLOCK), Fixtures.axfrResponse(4711, signed.length, 1), signed);
      assertDnsjavaVerifies(key, query, wires);
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void ourSignedStream_isByteIdenticalToDnsjava_whenOwnerIsNotCompressed(TsigAlgorithm a)
        throws Exception {
      TsigKey key = Fixtures.key(Fixtures.PLAIN_KEY_NAME, a);
      SignedMessage query = signedQuery(key, 7);
      TSIG.StreamGenerator g = new TSIG.StreamGenerator(Fixtures.dnsjava(key, Fixtures.CLOCK),
          tsigOf(query.message()));
      List<byte[]> theirs = new ArrayList<>();
      for (Message m : Fixtures.axfrResponse(7, 3, 4)) {
        g.generate(m);
        theirs.add(m.toWire());
      }
      List<byte[]> ours = Fixtures.signStream(new TsigStreamSigner(key, query.mac(),
          Fixtures.CLOCK), Fixtures.axfrResponse(7, 3, 4));
      for (int i = 0; i < ours.size(); i++) {
        assertArrayEquals(theirs.get(i), ours.get(i), "message " + (i + 1));
      }
    }

    private SignedMessage signedQuery(TsigKey key) {
      return signedQuery(key, 4711);
    }

    private SignedMessage signedQuery(TsigKey key, int id) {
      byte[] q = Fixtures.axfrQuery(id).toWire();
      return Tsig.signRequest(key, q, 0, q.length, Fixtures.CLOCK);
    }

    private void assertDnsjavaVerifies(TsigKey key, SignedMessage query, List<byte[]> wires)
        throws Exception {
      TSIG.StreamVerifier sv = new TSIG.StreamVerifier(Fixtures.dnsjava(key, Fixtures.CLOCK),
          tsigOf(query.message()));
      for (int i = 0; i < wires.size(); i++) {
        byte[] w = wires.get(i);
        int rc = sv.verify(new Message(w), w, i == wires.size() - 1);
        assertEquals(Rcode.NOERROR, rc, "message " + (i + 1) + ": " + sv.getErrorMessage());
      }
      // And our own verifier agrees on the same bytes.
      TsigStreamVerifier v = new TsigStreamVerifier(key, query.mac(), Fixtures.CLOCK);
      for (byte[] w : wires) {
        v.verify(w, 0, w.length, locate(w));
      }
      v.finish();
      assertEquals(wires.size(), v.messages());
      assertEquals(false, Arrays.equals(wires.get(0), wires.get(1)));
    }
  }
}
