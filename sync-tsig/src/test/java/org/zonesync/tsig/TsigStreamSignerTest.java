// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

final class TsigStreamSignerTest {
  private static final TsigKey KEY = Fixtures.key(TsigAlgorithm.HMAC_SHA384);
  private static final byte[] REQUEST_MAC = new byte[48];

  @ParameterizedTest
  @EnumSource(TsigAlgorithm.class)
  void sign_writesRecordWithinMaxRecordLength_thatDnsjavaParses(TsigAlgorithm a)
      throws Exception {
    TsigKey key = Fixtures.key(Name.fromConstantString("a-rather-long-key-name.for.tests."), a);
    byte[] wire = Fixtures.axfrResponse(9, 1, 2).get(0).toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + Tsig.maxRecordLength(key));
    int len = new TsigStreamSigner(key, REQUEST_MAC, Fixtures.CLOCK).sign(buf, 0, wire.length);
    assertEquals(Tsig.maxRecordLength(key) - 6, len - wire.length, "max has 6 bytes of other data");
    Message m = new Message(Arrays.copyOf(buf, len));
    TSIGRecord t = m.getTSIG();
    assertEquals(key.name(), t.getName());
    assertEquals(a.algorithmName(), t.getAlgorithm());
    assertEquals(Fixtures.T0, t.getTimeSigned());
    assertEquals(Tsig.DEFAULT_FUDGE, t.getFudge());
    assertEquals(a.macLength(), t.getSignature().length);
    assertEquals(9, t.getOriginalID());
    assertEquals(1, m.getHeader().getCount(Section.ADDITIONAL));
  }

  @Test
  void sign_usesGivenFudge() throws Exception {
    byte[] wire = Fixtures.axfrResponse(9, 1, 2).get(0).toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + Tsig.maxRecordLength(KEY));
    int len = new TsigStreamSigner(KEY, REQUEST_MAC, Fixtures.CLOCK, Duration.ofSeconds(17))
        .sign(buf, 0, wire.length);
    assertEquals(Duration.ofSeconds(17),
        new Message(Arrays.copyOf(buf, len)).getTSIG().getFudge());
  }

  @Test
  void sign_rejectsBufferWithoutRoom() {
    byte[] wire = Fixtures.axfrResponse(9, 1, 2).get(0).toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + Tsig.maxRecordLength(KEY) - 7);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TsigStreamSigner(KEY, REQUEST_MAC, Fixtures.CLOCK).sign(buf, 0, wire.length));
    assertTrue(e.getMessage().contains("spare bytes"), e.getMessage());
  }

  @Test
  void addUnsigned_rejectsUnsignedFirstMessage() {
    byte[] wire = Fixtures.axfrResponse(9, 1, 2).get(0).toWire();
    assertThrows(IllegalStateException.class,
        () -> new TsigStreamSigner(KEY, REQUEST_MAC, Fixtures.CLOCK)
            .addUnsigned(wire, 0, wire.length));
  }

  @Test
  void addUnsigned_rejects100thUnsignedInARow() {
    TsigStreamSigner s = new TsigStreamSigner(KEY, REQUEST_MAC, Fixtures.CLOCK);
    byte[] wire = Fixtures.axfrResponse(9, 1, 2).get(0).toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + Tsig.maxRecordLength(KEY));
    s.sign(buf, 0, wire.length);
    for (int i = 0; i < 99; i++) {
      s.addUnsigned(wire, 0, wire.length);
    }
    assertEquals(99, s.unsignedSinceLastSigned());
    assertThrows(IllegalStateException.class, () -> s.addUnsigned(wire, 0, wire.length));
  }

  @Test
  void signRequest_rejectsHeaderlessMessage() {
    assertThrows(IllegalArgumentException.class,
        () -> Tsig.signRequest(KEY, new byte[11], 0, 11, Fixtures.CLOCK));
  }

  @Test
  void signRequest_copiesAndLeavesInputUntouched() throws Exception {
    byte[] q = Fixtures.axfrQuery(3).toWire();
    byte[] before = q.clone();
    SignedMessage s = Tsig.signRequest(KEY, q, 0, q.length, Fixtures.CLOCK);
    assertTrue(Arrays.equals(before, q));
    assertEquals(q.length, Tsig.locate(s.message(), 0, s.message().length));
    assertEquals(KEY.algorithm().macLength(), s.mac().length);
  }
}
