// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.Dig.DNSJAVA_KEY;
import static org.zonesync.core.Dig.KEY;
import static org.zonesync.core.Dig.ZONE;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;

/**
 * TransferServer answers SOA queries over UDP and TCP the way a primary must for a refresh: AA,
 * the apex SOA, EDNS and EXPIRE (RFC 7314), TSIG, and the deny-by-default rule of AXFR. Every
 * answer is parsed, and every signature verified, by dnsjava.
 */
final class TransferServerSoaTest {

  private static final ZoneSnapshot V1 = Dig.zone(2026112401L);

  /** Sends over UDP ("udp") or TCP ("tcp") and parses the answer. */
  static byte[] exchange(String transport, InetSocketAddress server, byte[] query)
      throws IOException {
    return transport.equals("udp") ? Dig.udp(server, query) : Dig.tcp(server, query).get(0);
  }

  /** The checks every successful SOA answer must pass. */
  static void assertSoaAnswer(Message query, Message answer, ZoneSnapshot zone) {
    assertEquals(query.getHeader().getID(), answer.getHeader().getID());
    assertTrue(answer.getHeader().getFlag(Flags.QR));
    assertTrue(answer.getHeader().getFlag(Flags.AA), "authoritative");
    assertFalse(answer.getHeader().getFlag(Flags.TC));
    assertEquals(query.getHeader().getFlag(Flags.RD), answer.getHeader().getFlag(Flags.RD));
    assertEquals(Opcode.QUERY, answer.getHeader().getOpcode());
    assertEquals(Rcode.NOERROR, answer.getRcode());
    assertEquals(query.getQuestion(), answer.getQuestion());
    List<Record> records = answer.getSection(Section.ANSWER);
    assertEquals(1, records.size(), records::toString);
    SOARecord soa = (SOARecord) records.get(0);
    assertEquals(zone.soa(), soa);
    assertEquals(zone.soa().getTTL(), soa.getTTL());
    assertEquals(zone.soa().getSerial(), soa.getSerial());
  }

  @Nested
  final class Unsigned {

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void soa_isAnsweredAuthoritatively_withTheApexSoa(String transport) throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        Message q = Dig.query(ZONE, Type.SOA, false, false);
        Message a = new Message(exchange(transport, server.address(), q.toWire()));
        assertSoaAnswer(q, a, V1);
        assertNull(a.getOPT(), "no OPT without EDNS in the query");
        assertNull(a.getTSIG());
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void edns_getsAnOpt_andTheExpireOptionOnlyWhenAsked(String transport) throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        Message plain = Dig.query(ZONE, Type.SOA, true, false);
        Message a = new Message(exchange(transport, server.address(), plain.toWire()));
        assertSoaAnswer(plain, a, V1);
        assertNotNull(a.getOPT());
        assertEquals(1232, a.getOPT().getPayloadSize());
        assertEquals(0, a.getOPT().getVersion());
        assertNull(Dig.expireOption(a), "EXPIRE not asked for");

        Message asked = Dig.query(ZONE, Type.SOA, true, true);
        Message b = new Message(exchange(transport, server.address(), asked.toWire()));
        assertSoaAnswer(asked, b, V1);
        byte[] expire = Dig.expireOption(b);
        assertNotNull(expire, "EXPIRE asked for");
        assertEquals(4, expire.length);
        assertEquals(V1.soa().getExpire(), Dig.u32(expire), "the SOA EXPIRE field, RFC 7314 3");
      }
    }

    @Test
    void tcp_answersEveryQueryOfOneConnection_inOrder() throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        Message q1 = Dig.query(ZONE, Type.SOA, false, false);
        Message q2 = Dig.query(ZONE, Type.SOA, true, true);
        Message q3 = Dig.query(Name.fromConstantString("EXAMPLE.com."), Type.SOA, false, false);
        List<byte[]> answers = Dig.tcp(server.address(), q1.toWire(), q2.toWire(), q3.toWire());
        assertSoaAnswer(q1, new Message(answers.get(0)), V1);
        assertSoaAnswer(q2, new Message(answers.get(1)), V1);
        assertSoaAnswer(q3, new Message(answers.get(2)), V1); // names compare case-insensitively
      }
    }

    @Test
    void publish_changesTheSerialAnswered() throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        ZoneSnapshot v2 = Dig.zone(2026112402L);
        server.publish(v2);
        Message q = Dig.query(ZONE, Type.SOA, false, false);
        assertSoaAnswer(q, new Message(Dig.udp(server.address(), q.toWire())), v2);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void fromAnAddressNotAllowed_isRefused(String transport) throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1).keys(KEY).start()) {
        Message q = Dig.query(ZONE, Type.SOA, true, true);
        Message a = new Message(exchange(transport, server.address(), q.toWire()));
        assertEquals(Rcode.REFUSED, a.getRcode());
        assertFalse(a.getHeader().getFlag(Flags.AA));
        assertEquals(q.getQuestion(), a.getQuestion());
        assertTrue(a.getSection(Section.ANSWER).isEmpty());
        assertNotNull(a.getOPT(), "an EDNS query gets an OPT even when refused");
        assertNull(Dig.expireOption(a));
      }
    }
  }

  @Nested
  final class Signed {

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void signedQuery_isAnsweredSigned_andDnsjavaVerifiesIt(String transport) throws Exception {
      // no allowUnsigned: only the key admits the query
      try (TransferServer server = TransferServer.builder().zone(V1).keys(KEY).start()) {
        Message q = Dig.query(ZONE, Type.SOA, true, true);
        byte[] wire = Dig.signed(q, DNSJAVA_KEY);
        TSIGRecord requestTsig = Dig.tsigOf(wire);
        byte[] answer = exchange(transport, server.address(), wire);
        Message a = new Message(answer);
        assertSoaAnswer(q, a, V1);
        assertNotNull(a.getTSIG(), "signed answer");
        assertEquals(Rcode.NOERROR, DNSJAVA_KEY.verify(a, answer, requestTsig));
        assertEquals(V1.soa().getExpire(), Dig.u32(Dig.expireOption(a)));
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void wrongSecret_isNotauth_withAnUnsignedBadsig(String transport) throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1).keys(KEY)
          .allowUnsigned(Dig.loopback()).start()) {
        Message q = Dig.query(ZONE, Type.SOA, false, false);
        Message a = new Message(exchange(transport, server.address(),
            Dig.signed(q, Dig.WRONG_SECRET)));
        assertEquals(Rcode.NOTAUTH, a.getRcode());
        assertTrue(a.getSection(Section.ANSWER).isEmpty(), "no data for a forged query");
        TSIGRecord t = a.getTSIG();
        assertNotNull(t, "RFC 8945 5.3.2: the error travels in a TSIG record");
        assertEquals(Rcode.BADSIG, t.getError());
        assertEquals(0, t.getSignature().length, "never signed: no signing oracle");
      }
    }

    @Test
    void unknownKey_isNotauth_withBadkey() throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1).keys(KEY)
          .allowUnsigned(Dig.loopback()).start()) {
        Message q = Dig.query(ZONE, Type.SOA, false, false);
        Message a = new Message(Dig.udp(server.address(), Dig.signed(q, Dig.UNKNOWN_KEY)));
        assertEquals(Rcode.NOTAUTH, a.getRcode());
        assertEquals(Rcode.BADKEY, a.getTSIG().getError());
        assertEquals(0, a.getTSIG().getSignature().length);
      }
    }

    @Test
    void signedRefusal_forAZoneNotHeld_isSignedToo() throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1).keys(KEY).start()) {
        Message q = Dig.query(Name.fromConstantString("example.org."), Type.SOA, false, false);
        byte[] wire = Dig.signed(q, DNSJAVA_KEY);
        byte[] answer = Dig.udp(server.address(), wire);
        Message a = new Message(answer);
        assertEquals(Rcode.REFUSED, a.getRcode());
        assertEquals(Rcode.NOERROR, DNSJAVA_KEY.verify(a, answer, Dig.tsigOf(wire)));
      }
    }
  }

  @Nested
  final class OtherQuestions {

    @ParameterizedTest
    @ValueSource(strings = {"example.org.", "www.example.com.", "com."})
    void aNameThatIsNotTheApexOfAZoneHeld_isRefusedWithoutAa(String name) throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        Message q = Dig.query(Name.fromConstantString(name), Type.SOA, false, false);
        for (String transport : List.of("udp", "tcp")) {
          Message a = new Message(exchange(transport, server.address(), q.toWire()));
          assertEquals(Rcode.REFUSED, a.getRcode(), transport);
          assertFalse(a.getHeader().getFlag(Flags.AA), transport);
          assertEquals(q.getQuestion(), a.getQuestion(), transport);
          assertEquals(q.getHeader().getID(), a.getHeader().getID(), transport);
        }
      }
    }

    @Test
    void udp_ixfrGetsTheSingleSoa_axfrFormerr_otherTypesNotimp_otherClassesRefused()
        throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        Message ixfr = Message.newQuery(Record.newRecord(ZONE, Type.IXFR, DClass.IN));
        ixfr.addRecord(new SOARecord(ZONE, DClass.IN, 0, ZONE, ZONE, 1, 0, 0, 0, 0),
            Section.AUTHORITY);
        Message a = new Message(Dig.udp(server.address(), ixfr.toWire()));
        assertEquals(Rcode.NOERROR, a.getRcode());
        assertTrue(a.getHeader().getFlag(Flags.AA));
        assertEquals(List.of(V1.soa()), a.getSection(Section.ANSWER), "RFC 1995 section 2");

        Message axfr = Dig.query(ZONE, Type.AXFR, false, false);
        assertEquals(Rcode.FORMERR,
            new Message(Dig.udp(server.address(), axfr.toWire())).getRcode());
        Message aQuery = Dig.query(ZONE, Type.A, false, false);
        assertEquals(Rcode.NOTIMP,
            new Message(Dig.udp(server.address(), aQuery.toWire())).getRcode());
        Message chaos = Message.newQuery(Record.newRecord(ZONE, Type.SOA, DClass.CH));
        Message c = new Message(Dig.udp(server.address(), chaos.toWire()));
        assertEquals(Rcode.REFUSED, c.getRcode());
        assertEquals(chaos.getQuestion(), c.getQuestion());
      }
    }

    @Test
    void tcp_soaQueryThenAxfr_onOneConnection_bothServed() throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        Message soa = Dig.query(ZONE, Type.SOA, false, false);
        Message axfr = Dig.query(ZONE, Type.AXFR, false, false);
        // the zone is small: its AXFR fits one message
        List<byte[]> answers = Dig.tcp(server.address(), soa.toWire(), axfr.toWire());
        assertSoaAnswer(soa, new Message(answers.get(0)), V1);
        Message x = new Message(answers.get(1));
        List<Record> records = x.getSection(Section.ANSWER);
        assertEquals(V1.recordCount() + 1, records.size());
        assertEquals(V1.soa(), records.get(0));
        assertEquals(V1.soa(), records.get(records.size() - 1));
        assertEquals(1, server.transfersServed());
      }
    }

    @Test
    void soaAnswer_bytesIdenticalOverUdpAndTcp() throws Exception {
      try (TransferServer server = TransferServer.builder().zone(V1)
          .allowUnsigned(Dig.loopback()).start()) {
        byte[] q = Dig.query(ZONE, Type.SOA, true, true).toWire();
        assertArrayEquals(Dig.udp(server.address(), q), Dig.tcp(server.address(), q).get(0));
      }
    }
  }
}
