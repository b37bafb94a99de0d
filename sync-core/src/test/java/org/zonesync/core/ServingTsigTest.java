// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.DJ_A;
import static org.zonesync.core.ServingFixtures.DJ_A_WRONG;
import static org.zonesync.core.ServingFixtures.DJ_B;
import static org.zonesync.core.ServingFixtures.DJ_UNKNOWN;
import static org.zonesync.core.ServingFixtures.KEY_A;
import static org.zonesync.core.ServingFixtures.KEY_B;
import static org.zonesync.core.ServingFixtures.OTHER;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.ixfr;
import static org.zonesync.core.ServingFixtures.parse;
import static org.zonesync.core.ServingFixtures.query;
import static org.zonesync.core.ServingFixtures.wire;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;

/**
 * TESTPLAN C8: a request whose TSIG does not verify (bad MAC, unknown key, bad time) gets NOTAUTH
 * with the TSIG error, and never a MAC over the unverified request (CVE-2017-3142/3143): for SOA,
 * AXFR and IXFR over the listener, and for NOTIFY through {@link ZoneSync#handleNotify}. And
 * C13's first half: a key valid for one zone does not open another.
 */
final class ServingTsigTest {

  /** A zone ZONE for key-a, OTHER for key-b, both keys known. */
  private static ZoneSync serving() throws Exception {
    ZoneSync sync = ZoneSync.builder().listen(ANY).transferKeys(KEY_A, KEY_B).build();
    sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 20)),
        ZoneServing.builder().allowTransfer("key:key-a.").build());
    sync.addPrimary(OTHER, ZoneSource.of(ServingFixtures.zone(OTHER, 100, 20)),
        ZoneServing.builder().allowTransfer("key:key-b.").build());
    return sync;
  }

  private static List<Message> requests(org.xbill.DNS.Name zone) {
    return List.of(query(zone, Type.SOA), query(zone, Type.AXFR), ixfr(zone, 99));
  }

  /** Checks an answer to a request whose MAC did not verify: unsigned, with {@code error}. */
  private static void assertUnsignedError(byte[] answer, byte[] request, int error,
      String what) {
    Message req = parse(request);
    Message a = parse(answer);
    assertEquals(Rcode.string(Rcode.NOTAUTH), Rcode.string(a.getHeader().getRcode()), what);
    assertEquals(req.getHeader().getID(), a.getHeader().getID(), what);
    assertEquals(0, a.getSection(Section.ANSWER).size(), what);
    TSIGRecord t = a.getTSIG();
    assertNotNull(t, what + ": the TSIG error travels in a TSIG record");
    assertEquals(Rcode.TSIGstring(error), Rcode.TSIGstring(t.getError()), what);
    assertEquals(0, t.getSignature().length, what + ": no MAC over an unverified request");
    assertEquals(req.getTSIG().getName(), t.getName(), what);
  }

  @Test
  void badMacAndUnknownKey_getUnsignedNotauth_overTcpAndUdp_forSoaAxfrIxfr() throws Exception {
    try (ZoneSync sync = serving()) {
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(server)) {
        for (Message m : requests(ZONE)) {
          for (Object[] k : new Object[][] {{DJ_A_WRONG, Rcode.BADSIG},
              {DJ_UNKNOWN, Rcode.BADKEY}, {ServingFixtures.dnsjavaKeyA(-3600, true), Rcode.BADSIG}}) {
            Message q = m.clone();
            byte[] w = wire(q, (TSIG) k[0]);
            String what = Type.string(m.getQuestion().getType()) + " " + Rcode.TSIGstring(
                (int) k[1]);
            c.send(w);
            assertUnsignedError(c.read(), w, (int) k[1], what + " over TCP");
            byte[] u = wire(m.clone(), (TSIG) k[0]);
            assertUnsignedError(Dig.udp(server, u), u, (int) k[1], what + " over UDP");
          }
        }
        // the connection still serves a good request, signed
        Message ok = query(ZONE, Type.SOA);
        byte[] okw = wire(ok, DJ_A);
        c.send(okw);
        byte[] a = c.read();
        Message am = parse(a);
        assertEquals(Rcode.NOERROR, am.getRcode());
        assertEquals(Rcode.NOERROR, DJ_A.verify(am, a, parse(okw).getTSIG()));
      }
      ServingStats s = sync.servingStats();
      assertEquals(0, s.axfrOut() + s.ixfrOut() + s.quotaFull(), s.toString());
      assertEquals(18, s.refused(), "NOTAUTH answers are counted refused: " + s);
    }
  }

  @Test
  void badTime_withAGoodMac_isSignedBadtime_butWithABadMac_isUnsignedBadsig() throws Exception {
    try (ZoneSync sync = serving()) {
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(server)) {
        for (Message m : requests(ZONE)) {
          String what = Type.string(m.getQuestion().getType());
          Message q = m.clone();
          TSIG late = ServingFixtures.dnsjavaKeyA(-3600, false);
          byte[] qw = wire(q, late);
          c.send(qw);
          byte[] a = c.read();
          Message am = parse(a);
          assertEquals(Rcode.NOTAUTH, am.getHeader().getRcode(), what);
          assertEquals(0, am.getSection(Section.ANSWER).size(), what);
          TSIGRecord t = am.getTSIG();
          assertEquals(Rcode.BADTIME, t.getError(), what);
          // RFC 8945 section 5.2.3: signed, since the MAC verified; the MAC must check out
          assertTrue(t.getSignature().length > 0, what);
          int v = late.verify(am, a, parse(qw).getTSIG());
          assertTrue(v == Rcode.NOERROR || v == Rcode.BADTIME, what + ": dnsjava says "
              + Rcode.TSIGstring(v));
          assertTrue(am.isSigned(), what);
          byte[] bad = wire(m.clone(), ServingFixtures.dnsjavaKeyA(-3600, true));
          c.send(bad);
          assertUnsignedError(c.read(), bad, Rcode.BADSIG, what + " late and forged");
        }
      }
    }
  }

  @Test
  void keyOfAnotherZone_isRefused_whileItsOwnZoneTransfers() throws Exception {
    try (ZoneSync sync = serving()) {
      InetSocketAddress server = sync.notifyAddress().orElseThrow();
      try (ServingFixtures.Conn c = new ServingFixtures.Conn(server)) {
        List<String> wrong = new ArrayList<>();
        for (Object[] z : new Object[][] {{OTHER, DJ_A}, {ZONE, DJ_B}, {ZONE, null}}) {
          for (Message m : requests((org.xbill.DNS.Name) z[0])) {
            TSIG key = (TSIG) z[1];
            byte[] mw = wire(m, key);
            c.send(mw);
            byte[] a = c.read();
            Message am = parse(a);
            if (am.getRcode() != Rcode.REFUSED) {
              wrong.add(z[0] + " " + m.getQuestion() + ": " + Rcode.string(am.getRcode()));
            }
            if (key != null) {
              assertEquals(Rcode.NOERROR, key.verify(am, a, parse(mw).getTSIG()),
                  "a refusal to a verified request is signed with its key");
            }
          }
        }
        assertEquals(List.of(), wrong);
        Message axfr = query(OTHER, Type.AXFR);
        byte[] aw = wire(axfr, DJ_B);
        c.send(aw);
        List<byte[]> msgs = c.readTransfer(false);
        TSIG.StreamVerifier sv = new TSIG.StreamVerifier(DJ_B, parse(aw).getTSIG());
        for (byte[] b : msgs) {
          assertEquals(Rcode.NOERROR, sv.verify(parse(b), b), "every message signed");
        }
        assertEquals(ServingFixtures.set(ServingFixtures.zone(OTHER, 100, 20)),
            ServingFixtures.Xfr.of(ServingFixtures.answers(msgs)).applyTo(java.util.Set.of()));
      }
      ServingStats s = sync.servingStats();
      assertEquals(9, s.refused(), s.toString());
      assertEquals(1, s.axfrOut(), s.toString());
      assertEquals(0, s.quotaFull(), s.toString());
    }
  }

  @Test
  void notifyWithBadMacOrUnknownKey_getsAnUnsignedNotauth() throws Exception {
    try (TransferServer primary = TransferServer.builder()
            .zone(ServingFixtures.zone(ZONE, 100, 20)).keys(KEY_A).start();
        ZoneSync sync = ZoneSync.builder().build()) {
      sync.addSecondary(SecondaryZone.builder(ZONE)
          .primary(Primary.of(primary.address(), KEY_A)).build())
          .awaitCurrent(java.time.Duration.ofSeconds(15));
      for (Object[] k : new Object[][] {{DJ_A_WRONG, Rcode.BADSIG}, {DJ_UNKNOWN, Rcode.BADKEY},
          {ServingFixtures.dnsjavaKeyA(-3600, true), Rcode.BADSIG}}) {
        Message n = query(ZONE, Type.SOA);
        n.getHeader().setOpcode(Opcode.NOTIFY);
        n.getHeader().unsetFlag(Flags.RD);
        n.getHeader().setFlag(Flags.AA);
        n.addRecord(ServingFixtures.soa(ZONE, 101), Section.ANSWER);
        byte[] nw = wire(n, (TSIG) k[0]);
        byte[] answer = sync.handleNotify(nw, primary.address()).orElseThrow();
        assertEquals(Opcode.NOTIFY, parse(answer).getHeader().getOpcode());
        assertUnsignedError(answer, nw, (int) k[1], "notify " + Rcode.TSIGstring((int) k[1]));
      }
    }
  }
}
