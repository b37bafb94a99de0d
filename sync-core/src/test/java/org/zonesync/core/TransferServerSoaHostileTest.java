// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.Dig.ZONE;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;

/**
 * Hostile and unusual datagrams to TransferServer's UDP side: never more than one answer per
 * datagram, nothing for responses and unparsable bytes, and the server keeps answering afterwards;
 * EDNS errors (RFC 6891); TC when the answer does not fit 512 bytes without EDNS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TransferServerSoaHostileTest {

  private static final byte[] APEX = ZONE.toWire();

  private TransferServer server;

  @BeforeAll
  void start() throws Exception {
    server = TransferServer.builder().zone(Dig.zone(5)).zone(longNamesZone())
        .allowUnsigned(Dig.loopback()).start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** A zone whose SOA has two 255-byte names: its answer needs 571 bytes. */
  static ZoneSnapshot longNamesZone() {
    Name origin = Name.fromConstantString("long.example.");
    Name mname = Name.fromConstantString(label('a', 63) + "." + label('b', 63) + "."
        + label('c', 63) + "." + label('d', 61) + ".");
    Name rname = Name.fromConstantString(label('e', 63) + "." + label('f', 63) + "."
        + label('g', 63) + "." + label('h', 61) + ".");
    return Zones.of(origin, List.of(
        new SOARecord(origin, DClass.IN, 3600, mname, rname, 7, 3600, 900, 1209600, 300),
        new NSRecord(origin, DClass.IN, 3600, mname)));
  }

  private static String label(char c, int n) {
    char[] l = new char[n];
    Arrays.fill(l, c);
    return new String(l);
  }

  /** A raw query: header with the given counts, one question for the apex, then {@code rest}. */
  static byte[] raw(int id, int flags, int qd, int an, int ns, int ar, byte[] rest) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int v : new int[] {id, flags, qd, an, ns, ar}) {
      b.write(v >>> 8);
      b.write(v);
    }
    b.writeBytes(APEX);
    b.writeBytes(new byte[] {0, 6, 0, 1}); // SOA IN
    b.writeBytes(rest);
    return b.toByteArray();
  }

  static Stream<Arguments> malformed() {
    byte[] valid = Dig.query(ZONE, Type.SOA, false, false).toWire();
    byte[] response = valid.clone();
    response[2] |= (byte) 0x80;
    byte[] notifyResponse = raw(77, 0x8000 | (4 << 11) | 0x0400, 1, 0, 0, 0, new byte[0]);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
    byte[] loop = {0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 6, 0, 1};
    byte[] labelType = {0, 10, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 'x', 0, 0, 6, 0, 1};
    byte[] shortOpt = raw(11, 0, 1, 0, 0, 1, new byte[] {0, 0, 41, 4, (byte) 0xD0, 0, 0, 0, 0,
        0, 20, 0, 9});
    return Stream.of(
        Arguments.of("five bytes", "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
        Arguments.of("eleven bytes", Arrays.copyOf(valid, 11)),
        Arguments.of("a response (QR set)", response),
        Arguments.of("a NOTIFY response", notifyResponse),
        Arguments.of("counts beyond the message", raw(12, 0, 3, 0, 0, 0, new byte[0])),
        Arguments.of("trailing bytes", trailing),
        Arguments.of("a compression pointer loop", loop),
        Arguments.of("label type 0x40", labelType),
        Arguments.of("rdlength past the end", shortOpt));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedDatagram_getsNoAnswer_andTheNextQueryIsAnswered(String what, byte[] datagram)
      throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(Dig.loopback(), 0))) {
      s.setSoTimeout(Dig.WAIT_MILLIS);
      InetSocketAddress to = server.address();
      s.send(new DatagramPacket(datagram, datagram.length, to));
      s.send(new DatagramPacket(datagram, datagram.length, to));
      Message q = Dig.query(ZONE, Type.SOA, false, false);
      byte[] wire = q.toWire();
      s.send(new DatagramPacket(wire, wire.length, to));
      // One thread answers in arrival order: an answer to the bad datagrams would come first.
      Message a = new Message(Dig.receive(s));
      assertEquals(q.getHeader().getID(), a.getHeader().getID(), what);
      assertEquals(Rcode.NOERROR, a.getRcode(), what);
    }
  }

  @Test
  void twoOptRecords_formerr_withoutOpt() throws Exception {
    Message q = Dig.query(ZONE, Type.SOA, true, false);
    q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    Message a = new Message(Dig.udp(server.address(), q.toWire()));
    assertEquals(Rcode.FORMERR, a.getRcode());
    assertNull(a.getOPT(), "RFC 6891 section 7");
    assertEquals(q.getHeader().getID(), a.getHeader().getID());
  }

  @Test
  void optWithAnOptionRunningPastItsRdata_formerr() throws Exception {
    // OPT rdata of 4 bytes: EXPIRE with an option length of 10
    byte[] q = raw(21, 0, 1, 0, 0, 1, new byte[] {0, 0, 41, 4, (byte) 0xD0, 0, 0, 0, 0, 0, 4,
        0, 9, 0, 10});
    Message a = new Message(Dig.udp(server.address(), q));
    assertEquals(Rcode.FORMERR, a.getRcode());
    assertEquals(21, a.getHeader().getID());
  }

  @Test
  void ednsVersion1_badvers_withOpt() throws Exception {
    Message q = Dig.query(ZONE, Type.SOA, false, false);
    q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
    Message a = new Message(Dig.udp(server.address(), q.toWire()));
    assertNotNull(a.getOPT());
    assertEquals(Rcode.BADVERS, a.getRcode(), "RFC 6891 section 6.1.3");
    assertEquals(0, a.getOPT().getVersion());
    assertTrue(a.getSection(Section.ANSWER).isEmpty());
  }

  @Test
  void noQuestion_formerr_andUpdateOpcode_notimp() throws Exception {
    byte[] none = {0, 31, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Message a = new Message(Dig.udp(server.address(), none));
    assertEquals(Rcode.FORMERR, a.getRcode());
    assertEquals(31, a.getHeader().getID());
    assertNull(a.getQuestion());
    byte[] update = raw(32, 5 << 11, 1, 0, 0, 0, new byte[0]);
    Message u = new Message(Dig.udp(server.address(), update));
    assertEquals(Rcode.NOTIMP, u.getRcode());
    assertEquals(5, u.getHeader().getOpcode());
  }

  @Test
  void answerOver512BytesWithoutEdns_isTruncated_andFitsWithEdnsOrTcp() throws Exception {
    ZoneSnapshot zone = longNamesZone();
    Message plain = Dig.query(zone.origin(), Type.SOA, false, false);
    byte[] tc = Dig.udp(server.address(), plain.toWire());
    assertTrue(tc.length <= 512, "fits a plain datagram: " + tc.length);
    Message t = new Message(tc);
    assertTrue(t.getHeader().getFlag(Flags.TC), "RFC 1035 4.2.1");
    assertTrue(t.getSection(Section.ANSWER).isEmpty());
    assertEquals(plain.getQuestion(), t.getQuestion());

    Message edns = Dig.query(zone.origin(), Type.SOA, true, true);
    byte[] full = Dig.udp(server.address(), edns.toWire());
    assertTrue(full.length > 512, "needs EDNS: " + full.length);
    Message f = new Message(full);
    assertFalse(f.getHeader().getFlag(Flags.TC));
    assertEquals(List.of(zone.soa()), f.getSection(Section.ANSWER));

    Message overTcp = new Message(Dig.tcp(server.address(), plain.toWire()).get(0));
    assertFalse(overTcp.getHeader().getFlag(Flags.TC));
    assertEquals(List.of(zone.soa()), overTcp.getSection(Section.ANSWER));
  }

  @Test
  void tinyEdnsPayload_isTreatedAs512() throws Exception {
    Message q = Dig.query(ZONE, Type.SOA, false, false);
    q.addRecord(new OPTRecord(100, 0, 0), Section.ADDITIONAL);
    Message a = new Message(Dig.udp(server.address(), q.toWire()));
    assertEquals(Rcode.NOERROR, a.getRcode());
    assertFalse(a.getHeader().getFlag(Flags.TC));
    assertEquals(1, a.getSection(Section.ANSWER).size());
  }
}
