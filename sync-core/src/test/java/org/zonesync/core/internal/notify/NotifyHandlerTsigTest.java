// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notify.NotifyFixtures.CLOCK;
import static org.zonesync.core.internal.notify.NotifyFixtures.KEY;
import static org.zonesync.core.internal.notify.NotifyFixtures.PRIMARY;
import static org.zonesync.core.internal.notify.NotifyFixtures.STRANGER;
import static org.zonesync.core.internal.notify.NotifyFixtures.ZONE;
import static org.zonesync.core.internal.notify.NotifyFixtures.notifyMsg;
import static org.zonesync.core.internal.notify.NotifyFixtures.signed;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.notify.Outcome.Reason;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigStreamVerifier;

/** The TSIG paths of {@link NotifyHandler} (TESTPLAN B18, C14; RFC 8945 section 5.2). */
final class NotifyHandlerTsigTest {
  private final NotifyHandler handler = new NotifyHandler(NotifyFixtures.POLICY, CLOCK, l -> { });

  @Test
  void signedNotify_isAcceptedFromAnyAddress_andTheAnswerVerifiesWithDnsjava() throws Exception {
    Message request = notifyMsg(4242, ZONE, 2026030402L);
    byte[] wire = signed(request, KEY, CLOCK);
    Outcome o = handler.handle(wire, wire.length, STRANGER);

    Accepted a = o.accepted().orElseThrow();
    assertEquals(Optional.of(NotifyFixtures.KEY_NAME), a.keyName());
    assertEquals(Optional.of(SerialNumber.of(2026030402L)), a.serial());
    byte[] answerWire = o.response().orElseThrow();
    Message answer = new Message(answerWire);
    NotifyHandlerTest.assertAnswerHeader(request, answer, Rcode.NOERROR);
    assertNotNull(answer.getTSIG(), "a verified request gets a signed answer");
    assertEquals(Rcode.NOERROR, NotifyFixtures.dnsjava(KEY, CLOCK)
        .verify(answer, answerWire, request.getTSIG()), "dnsjava verifies our answer");
  }

  @Test
  void signedAnswer_verifiesWithOurStreamVerifier_andFailsWithAnotherRequestMac() throws Exception {
    Message request = notifyMsg(7, ZONE);
    byte[] wire = signed(request, KEY, CLOCK);
    byte[] answer = handler.handle(wire, wire.length, PRIMARY).response().orElseThrow();
    byte[] mac = request.getTSIG().getSignature();
    TsigStreamVerifier ok = new TsigStreamVerifier(KEY, mac, CLOCK);
    ok.verify(answer, 0, answer.length, Tsig.locate(answer, 0, answer.length));
    ok.finish();
    byte[] otherMac = mac.clone();
    otherMac[0] ^= 1;
    TsigStreamVerifier bad = new TsigStreamVerifier(KEY, otherMac, CLOCK);
    assertEquals(org.zonesync.api.TsigError.BADSIG, org.junit.jupiter.api.Assertions.assertThrows(
        org.zonesync.api.TsigVerificationException.class,
        () -> bad.verify(answer, 0, answer.length, Tsig.locate(answer, 0, answer.length)))
        .tsigError(), "the answer MAC covers the request MAC (RFC 8945 section 4.3.1)");
  }

  @Test
  void badMac_getsUnsignedBadsig_evenFromAPrimary() throws Exception {
    byte[] wire = signed(notifyMsg(5, ZONE), KEY, CLOCK);
    wire[wire.length - 7] ^= 0x01; // the MAC's last byte; original ID, error, other len follow
    assertTsigError(wire, PRIMARY, Rcode.BADSIG, false);
  }

  @Test
  void wrongSecret_getsUnsignedBadsig() throws Exception {
    byte[] wire = signed(notifyMsg(5, ZONE), NotifyFixtures.WRONG_SECRET, CLOCK);
    assertTsigError(wire, STRANGER, Rcode.BADSIG, false);
  }

  @Test
  void unknownKey_getsUnsignedBadkey() throws Exception {
    byte[] wire = signed(notifyMsg(6, ZONE), NotifyFixtures.UNKNOWN_KEY, CLOCK);
    assertTsigError(wire, PRIMARY, Rcode.BADKEY, false);
  }

  @Test
  void staleTime_getsBadtime_signedOnlyBecauseTheMacVerified() throws Exception {
    Clock past = Clock.fixed(NotifyFixtures.T0.minusSeconds(301), ZoneOffset.UTC);
    Message request = notifyMsg(8, ZONE);
    byte[] wire = signed(request, KEY, past);
    TSIGRecord t = assertTsigError(wire, PRIMARY, Rcode.BADTIME, true);
    assertEquals(6, t.getOther().length, "BADTIME carries our time (RFC 8945 section 5.2.3)");
  }

  @Test
  void keyAllowedForAnotherZoneOnly_isBadkey() throws Exception {
    TsigKey zoneKey = TsigKey.of(org.xbill.DNS.Name.fromConstantString("zone-key."),
        KEY.algorithm(), NotifyFixtures.secret(9));
    ZoneAcl acl = new ZoneAcl(Set.of(), TsigKeyring.of(zoneKey));
    NotifyHandler h = new NotifyHandler(z -> Optional.of(acl), CLOCK, l -> { });
    byte[] wire = signed(notifyMsg(6, ZONE), KEY, CLOCK);
    Outcome o = h.handle(wire, wire.length, PRIMARY);
    assertEquals(Reason.BAD_TSIG, o.reason());
    assertEquals(Rcode.BADKEY, new Message(o.response().orElseThrow()).getTSIG().getError());
  }

  @Test
  void tsigOnlyZone_refusesUnsigned_andAcceptsSigned() throws Exception {
    ZoneAcl acl = new ZoneAcl(Set.of(), TsigKeyring.of(KEY));
    NotifyHandler h = new NotifyHandler(z -> Optional.of(acl), CLOCK, l -> { });
    byte[] plain = notifyMsg(1, ZONE).toWire();
    assertEquals(Reason.NOT_A_PRIMARY, h.handle(plain, plain.length, PRIMARY).reason());
    byte[] wire = signed(notifyMsg(2, ZONE), KEY, CLOCK);
    assertEquals(Reason.ACCEPTED, h.handle(wire, wire.length, PRIMARY).reason());
  }

  @Test
  void verifiedButMalformedBody_getsSignedFormerr() throws Exception {
    byte[] shortSoa = NotifyFixtures.raw(3, ZONE, ZONE, org.xbill.DNS.Type.SOA,
        org.xbill.DNS.DClass.IN, new byte[] {0, 0, 1, 2, 3});
    org.zonesync.tsig.SignedMessage s = Tsig.signRequest(KEY, shortSoa, 0, shortSoa.length, CLOCK);
    byte[] wire = s.message();
    Outcome o = handler.handle(wire, wire.length, STRANGER);
    assertEquals(Reason.FORMERR, o.reason());
    byte[] answer = o.response().orElseThrow();
    assertEquals(Rcode.FORMERR, new Message(answer).getHeader().getRcode());
    TsigStreamVerifier v = new TsigStreamVerifier(KEY, s.mac(), CLOCK);
    v.verify(answer, 0, answer.length, Tsig.locate(answer, 0, answer.length));
    v.finish();
  }

  @Test
  void misplacedTsig_getsFormerrWithoutTsig() throws Exception {
    byte[] wire = signed(notifyMsg(9, ZONE), KEY, CLOCK);
    // Append a root-owned A record after the TSIG RR, so TSIG is no longer last.
    byte[] extra = {0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
    byte[] bad = Arrays.copyOf(wire, wire.length + extra.length);
    System.arraycopy(extra, 0, bad, wire.length, extra.length);
    bad[11]++;
    Outcome o = handler.handle(bad, bad.length, PRIMARY);
    assertEquals(Reason.FORMERR, o.reason());
    Message answer = new Message(o.response().orElseThrow());
    assertEquals(Rcode.FORMERR, answer.getHeader().getRcode());
    assertNull(answer.getTSIG());
  }

  @Test
  void signedNotifyForUnknownZone_getsUnsignedNotauth() throws Exception {
    byte[] wire = signed(notifyMsg(10, NotifyFixtures.OTHER_ZONE), KEY, CLOCK);
    Outcome o = handler.handle(wire, wire.length, PRIMARY);
    assertEquals(Reason.UNKNOWN_ZONE, o.reason());
    Message answer = new Message(o.response().orElseThrow());
    assertEquals(Rcode.NOTAUTH, answer.getHeader().getRcode());
    assertNull(answer.getTSIG());
  }

  /** NOTAUTH with the TSIG error; a MAC only if {@code signedAnswer}. */
  private TSIGRecord assertTsigError(byte[] wire, InetSocketAddress source, int error,
      boolean signedAnswer) throws Exception {
    Outcome o = handler.handle(wire, wire.length, source);
    assertEquals(Reason.BAD_TSIG, o.reason());
    assertTrue(o.accepted().isEmpty());
    Message answer = new Message(o.response().orElseThrow());
    assertEquals(Rcode.NOTAUTH, answer.getHeader().getRcode(), "RFC 8945 section 5.2");
    TSIGRecord t = answer.getTSIG();
    assertNotNull(t, "the error travels in a TSIG record");
    assertEquals(error, t.getError(), () -> "TSIG error " + Rcode.TSIGstring(t.getError()));
    assertEquals(signedAnswer, t.getSignature().length > 0,
        "no signature over unverified data (CVE-2017-3142)");
    return t;
  }
}
