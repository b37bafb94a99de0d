// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notify.NotifyFixtures.PRIMARY;
import static org.zonesync.core.internal.notify.NotifyFixtures.STRANGER;
import static org.zonesync.core.internal.notify.NotifyFixtures.ZONE;
import static org.zonesync.core.internal.notify.NotifyFixtures.notifyMsg;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.notify.Outcome.Reason;

/** The unsigned paths of {@link NotifyHandler} (TESTPLAN A12, B18, B19), one row per case. */
final class NotifyHandlerTest {
  private final List<String> log = new ArrayList<>();
  private final NotifyHandler handler =
      new NotifyHandler(NotifyFixtures.POLICY, NotifyFixtures.CLOCK, log::add);

  /** name, request, source, expected reason, expected rcode (-1: dropped). */
  static Stream<Arguments> cases() {
    Message qr = notifyMsg(11, ZONE, 5);
    qr.getHeader().setFlag(Flags.QR);
    Message query = notifyMsg(12, ZONE, 5);
    query.getHeader().setOpcode(Opcode.QUERY);
    Message update = notifyMsg(13, ZONE);
    update.getHeader().setOpcode(Opcode.UPDATE);
    Message noQuestion = new Message(14);
    noQuestion.getHeader().setOpcode(Opcode.NOTIFY);
    Message twoQuestions = notifyMsg(15, ZONE);
    twoQuestions.addRecord(Record.newRecord(NotifyFixtures.OTHER_ZONE, Type.SOA, DClass.IN),
        Section.QUESTION);
    byte[] badCounts = notifyMsg(16, ZONE).toWire();
    badCounts[7] = 100; // ANCOUNT 100, no records
    byte[] shortSoa = NotifyFixtures.raw(17, ZONE, ZONE, Type.SOA, DClass.IN,
        new byte[] {0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    byte[] emptySoa = NotifyFixtures.raw(18, ZONE, ZONE, Type.SOA, DClass.IN, new byte[0]);
    return Stream.of(
        row("unsigned from a primary, serial", notifyMsg(1, ZONE, 2026030401L).toWire(), PRIMARY,
            Reason.ACCEPTED, Rcode.NOERROR),
        row("unsigned from a primary, no serial", notifyMsg(2, ZONE).toWire(), PRIMARY,
            Reason.ACCEPTED, Rcode.NOERROR),
        row("primary address on another port", notifyMsg(3, ZONE).toWire(),
            new InetSocketAddress(PRIMARY.getAddress(), 40000), Reason.ACCEPTED, Rcode.NOERROR),
        row("unsigned from a non-primary", notifyMsg(4, ZONE, 7).toWire(), STRANGER,
            Reason.NOT_A_PRIMARY, Rcode.REFUSED),
        row("unknown zone", notifyMsg(5, NotifyFixtures.OTHER_ZONE).toWire(), PRIMARY,
            Reason.UNKNOWN_ZONE, Rcode.NOTAUTH),
        row("qtype A", withQuestion(6, ZONE, Type.A, DClass.IN), PRIMARY, Reason.NOT_SOA,
            Rcode.NOTIMP),
        row("qtype IXFR", withQuestion(7, ZONE, Type.IXFR, DClass.IN), PRIMARY, Reason.NOT_SOA,
            Rcode.NOTIMP),
        row("qclass CH", withQuestion(8, ZONE, Type.SOA, DClass.CH), PRIMARY, Reason.BAD_CLASS,
            Rcode.REFUSED),
        row("qclass ANY", withQuestion(9, ZONE, Type.SOA, DClass.ANY), PRIMARY, Reason.BAD_CLASS,
            Rcode.FORMERR),
        row("qclass NONE", withQuestion(10, ZONE, Type.SOA, DClass.NONE), PRIMARY,
            Reason.BAD_CLASS, Rcode.FORMERR),
        row("QDCOUNT 0", noQuestion.toWire(), PRIMARY, Reason.FORMERR, Rcode.FORMERR),
        row("QDCOUNT 2", twoQuestions.toWire(), PRIMARY, Reason.FORMERR, Rcode.FORMERR),
        row("short SOA rdata in the answer", shortSoa, PRIMARY, Reason.FORMERR, Rcode.FORMERR),
        row("empty SOA rdata in the answer", emptySoa, PRIMARY, Reason.FORMERR, Rcode.FORMERR),
        row("QR set", qr.toWire(), PRIMARY, Reason.DROPPED_RESPONSE, -1),
        row("opcode QUERY", query.toWire(), PRIMARY, Reason.NOT_NOTIFY, -1),
        row("opcode UPDATE", update.toWire(), PRIMARY, Reason.NOT_NOTIFY, -1),
        row("11 bytes", Arrays.copyOf(notifyMsg(19, ZONE).toWire(), 11), PRIMARY, Reason.MALFORMED,
            -1),
        row("empty", new byte[0], PRIMARY, Reason.MALFORMED, -1),
        row("counts larger than the message", badCounts, PRIMARY, Reason.MALFORMED, -1),
        row("question cut short", Arrays.copyOf(notifyMsg(20, ZONE).toWire(), 20), PRIMARY,
            Reason.MALFORMED, -1));
  }

  private static Arguments row(String name, byte[] wire, InetSocketAddress source, Reason reason,
      int rcode) {
    return Arguments.of(name, wire, source, reason, rcode);
  }

  private static byte[] withQuestion(int id, Name zone, int type, int dclass) {
    Message m = new Message(id);
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.addRecord(Record.newRecord(zone, type, dclass), Section.QUESTION);
    return m.toWire();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void handle_decidesAndAnswers_perRow(String name, byte[] wire, InetSocketAddress source,
      Reason reason, int rcode) throws Exception {
    Outcome o = handler.handle(wire, wire.length, source);
    assertEquals(reason, o.reason(), name);
    assertEquals(reason == Reason.ACCEPTED, o.accepted().isPresent());
    if (rcode < 0) {
      assertTrue(o.response().isEmpty(), "a dropped message gets no answer");
      return;
    }
    Message request = headerAndQuestion(wire);
    Message answer = new Message(o.response().orElseThrow());
    assertAnswerHeader(request, answer, rcode);
    assertNull(answer.getTSIG(), "unsigned request, unsigned answer");
    if (request.getHeader().getCount(Section.QUESTION) == 1) {
      assertEquals(request.getQuestion(), answer.getQuestion());
      assertEquals(request.getQuestion().getName().toString(),
          answer.getQuestion().getName().toString(), "question echoed in its original case");
    } else {
      assertEquals(0, answer.getHeader().getCount(Section.QUESTION));
    }
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      assertEquals(0, answer.getHeader().getCount(s));
    }
  }

  /**
   * Parses only the header and the questions with dnsjava, since some rows carry records dnsjava
   * rejects. The test names are uncompressed.
   */
  static Message headerAndQuestion(byte[] wire) throws java.io.IOException {
    int qd = ((wire[4] & 0xFF) << 8) | (wire[5] & 0xFF);
    int p = 12;
    for (int i = 0; i < qd; i++) {
      while (wire[p] != 0) {
        p += 1 + wire[p];
      }
      p += 5;
    }
    byte[] cut = Arrays.copyOf(wire, p);
    Arrays.fill(cut, 6, 12, (byte) 0);
    return new Message(cut);
  }

  /** Same ID, QR, opcode NOTIFY, AA, rcode (RFC 1996 section 4.7). */
  static void assertAnswerHeader(Message request, Message answer, int rcode) {
    assertEquals(request.getHeader().getID(), answer.getHeader().getID());
    assertTrue(answer.getHeader().getFlag(Flags.QR));
    assertTrue(answer.getHeader().getFlag(Flags.AA));
    assertEquals(Opcode.NOTIFY, answer.getHeader().getOpcode());
    assertEquals(rcode, answer.getHeader().getRcode(), () -> "rcode " + Rcode.string(
        answer.getHeader().getRcode()));
  }

  @Test
  void handle_takesSerialFromApexSoa_asUnsigned32Bits() {
    Outcome o = handle(notifyMsg(1, ZONE, 0xFFFF_FFFFL).toWire(), PRIMARY);
    Accepted a = o.accepted().orElseThrow();
    assertEquals(Optional.of(SerialNumber.of(0xFFFF_FFFFL)), a.serial());
    assertEquals(ZONE, a.zone());
    assertEquals(PRIMARY, a.source());
    assertEquals(Optional.empty(), a.keyName());
  }

  @Test
  void handle_reportsNoSerial_whenAnswerIsEmpty() {
    assertEquals(Optional.empty(), handle(notifyMsg(1, ZONE).toWire(), PRIMARY).accepted()
        .orElseThrow().serial());
  }

  @Test
  void handle_ignoresSoaBelowTheApex() {
    Message m = notifyMsg(1, ZONE);
    m.addRecord(NotifyFixtures.soa(Name.fromConstantString("sub.example."), 9), Section.ANSWER);
    assertEquals(Optional.empty(), handle(m.toWire(), PRIMARY).accepted().orElseThrow().serial());
  }

  @Test
  void handle_takesFirstApexSoa_afterOtherAnswers() throws Exception {
    Message m = notifyMsg(1, ZONE);
    m.addRecord(Record.fromString(ZONE, Type.TXT, DClass.IN, 60, "\"x\"", ZONE), Section.ANSWER);
    m.addRecord(NotifyFixtures.soa(ZONE, 42), Section.ANSWER);
    m.addRecord(NotifyFixtures.soa(ZONE, 43), Section.ANSWER);
    assertEquals(Optional.of(SerialNumber.of(42)),
        handle(m.toWire(), PRIMARY).accepted().orElseThrow().serial());
  }

  @Test
  void handle_matchesMixedCaseZone_andKeepsTheCaseInTheAnswer() throws Exception {
    Name mixed = Name.fromConstantString("ExAmPlE.");
    Message m = notifyMsg(77, mixed);
    m.addRecord(NotifyFixtures.soa(Name.fromConstantString("EXAMPLE."), 31), Section.ANSWER);
    Outcome o = handle(m.toWire(), PRIMARY);
    Accepted a = o.accepted().orElseThrow();
    assertEquals("example.", a.zone().toString(), "the accepted zone is lower-cased");
    assertEquals(Optional.of(SerialNumber.of(31)), a.serial(), "apex match ignores case");
    Message answer = new Message(o.response().orElseThrow());
    assertEquals("ExAmPlE.", answer.getQuestion().getName().toString());
  }

  @Test
  void handle_echoesRdAndId_andNeverEchoesAnswerRecords() throws Exception {
    Message m = notifyMsg(0xBEEF, ZONE, 5);
    m.getHeader().setFlag(Flags.RD);
    byte[] wire = m.toWire();
    Message answer = new Message(handle(wire, PRIMARY).response().orElseThrow());
    assertEquals(0xBEEF, answer.getHeader().getID());
    assertTrue(answer.getHeader().getFlag(Flags.RD));
    assertEquals(0, answer.getHeader().getCount(Section.ANSWER));
  }

  @Test
  void handle_readsOnlyLenBytes_ofALargerBuffer() {
    byte[] wire = notifyMsg(3, ZONE, 8).toWire();
    byte[] buf = Arrays.copyOf(wire, wire.length + 100);
    Arrays.fill(buf, wire.length, buf.length, (byte) 0x55);
    assertEquals(Reason.ACCEPTED, handler.handle(buf, wire.length, PRIMARY).reason());
    assertEquals(Reason.MALFORMED, handler.handle(buf, buf.length + 1, PRIMARY).reason());
    assertEquals(Reason.MALFORMED, handler.handle(buf, -1, PRIMARY).reason());
  }

  @Test
  void handle_logsRefusalFromNonPrimary_likeBind() {
    handle(notifyMsg(1, ZONE).toWire(), STRANGER);
    assertEquals(1, log.size());
    assertTrue(log.get(0).startsWith("refused notify from non-primary: 198.51.100.7:5353"),
        log.get(0));
    assertTrue(log.get(0).contains("'example.'"), log.get(0));
  }

  @Test
  void handle_turnsAFailingPolicyIntoInternalError_withoutThrowing() {
    NotifyHandler h = new NotifyHandler(zone -> {
      throw new IllegalStateException("policy broke");
    }, NotifyFixtures.CLOCK, log::add);
    byte[] wire = notifyMsg(1, ZONE).toWire();
    Outcome o = h.handle(wire, wire.length, PRIMARY);
    assertEquals(Reason.INTERNAL_ERROR, o.reason());
    assertFalse(o.response().isPresent());
  }

  @Test
  void handle_answersTheSame_forTheSameBytes() {
    byte[] wire = notifyMsg(9, ZONE, 10).toWire();
    assertArrayEquals(handle(wire, PRIMARY).response().orElseThrow(),
        handle(wire.clone(), PRIMARY).response().orElseThrow());
  }

  private Outcome handle(byte[] wire, InetSocketAddress source) {
    return handler.handle(wire, wire.length, source);
  }
}
