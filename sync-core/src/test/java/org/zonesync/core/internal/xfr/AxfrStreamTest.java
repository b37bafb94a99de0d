// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.REMOTE;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;
import static org.zonesync.core.internal.xfr.XfrFixtures.name;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.TsigStreamVerifier;

/** The AXFR stream rules, one row per way a primary can get them wrong (TESTPLAN A, B, C, D). */
final class AxfrStreamTest {

  static CompactZone run(List<byte[]> messages, TransferLimits limits,
      @Nullable TsigStreamVerifier tsig) throws TransferException {
    AxfrStream s = new AxfrStream(ZONE, ID, limits, tsig, REMOTE);
    for (byte[] m : messages) {
      if (s.accept(m, m.length)) {
        break;
      }
    }
    return s.result();
  }

  static List<Message> good() {
    return XfrFixtures.messages(XfrFixtures.axfrAnswers(XfrFixtures.zone(7, 30)), 10);
  }

  @Test
  void accept_buildsTheZone_fromAValidMultiMessageStream() throws Exception {
    List<Record> zone = XfrFixtures.zone(7, 30);
    CompactZone z = run(XfrFixtures.wire(good()), TransferLimits.DEFAULTS, null);
    assertEquals(zone.size(), z.recordCount());
    assertEquals(7, z.serial().value());
    for (Record r : zone) {
      assertTrue(z.lookup(r.getName(), r.getType()).contains(r), "missing " + r);
    }
  }

  @Test
  void accept_buildsAnEmptyZone_fromSoaSoa() throws Exception {
    List<Record> zone = new ArrayList<>(XfrFixtures.zone(3, 0));
    CompactZone z = run(XfrFixtures.wire(XfrFixtures.messages(XfrFixtures.axfrAnswers(zone),
        1)), TransferLimits.DEFAULTS, null);
    assertEquals(zone.size(), z.recordCount());
  }

  @Test
  void accept_acceptsOneRecordPerMessage_andOmittedLaterQuestions() throws Exception {
    List<Message> ms = XfrFixtures.messages(XfrFixtures.axfrAnswers(XfrFixtures.zone(9, 5)), 1);
    CompactZone z = run(XfrFixtures.wire(ms), TransferLimits.DEFAULTS, null);
    assertEquals(9, z.serial().value());
  }

  /** A mutation of a good stream and the failure it must cause. */
  record Case(String name, Consumer<List<Message>> mutate, Class<? extends TransferException> type,
      String fragment) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        new Case("B1 first record not SOA", ms -> {
          Message m = ms.get(0);
          Record soa = m.getSection(Section.ANSWER).get(0);
          m.removeRecord(soa, Section.ANSWER);
        }, MalformedTransferException.class, "first record is"),
        new Case("B2 opening SOA below the apex", ms -> replaceFirst(ms.get(0),
            new SOARecord(name("sub.example.com."), DClass.IN, 3600, name("ns1.example.com."),
                name("h.example.com."), 7, 1, 1, 1, 1)),
            MalformedTransferException.class, "first record is"),
        new Case("B2 SOA below the apex in the middle", ms -> ms.get(1).addRecord(
            new SOARecord(name("sub.example.com."), DClass.IN, 3600, name("ns1.example.com."),
                name("h.example.com."), 7, 1, 1, 1, 1), Section.ANSWER),
            MalformedTransferException.class, "SOA record not at the apex"),
        new Case("B3 closing SOA has another serial", ms -> replaceLast(ms, XfrFixtures.soa(8)),
            MalformedTransferException.class, "closing SOA differs"),
        new Case("B6 no closing SOA", ms -> removeLast(ms),
            MalformedTransferException.class, "before the closing SOA"),
        new Case("B6 only the opening SOA", ms -> {
          while (ms.size() > 1) {
            ms.remove(ms.size() - 1);
          }
          Message m = ms.get(0);
          List<Record> answers = new ArrayList<>(m.getSection(Section.ANSWER));
          for (int i = 1; i < answers.size(); i++) {
            m.removeRecord(answers.get(i), Section.ANSWER);
          }
        }, MalformedTransferException.class, "before the closing SOA"),
        new Case("B7 wrong ID in message 2", ms -> ms.get(1).getHeader().setID(ID + 1),
            MalformedTransferException.class, "does not match query ID"),
        new Case("B7 QR clear in message 2", ms -> ms.get(1).getHeader().unsetFlag(Flags.QR),
            MalformedTransferException.class, "QR bit"),
        new Case("B7 opcode NOTIFY", ms -> ms.get(0).getHeader().setOpcode(Opcode.NOTIFY),
            MalformedTransferException.class, "opcode"),
        new Case("B7 REFUSED in message 1", ms -> ms.get(0).getHeader().setRcode(Rcode.REFUSED),
            TransferRefusedException.class, "REFUSED"),
        new Case("B7 SERVFAIL in message 3", ms -> ms.get(2).getHeader().setRcode(
            Rcode.SERVFAIL), TransferRefusedException.class, "SERVFAIL"),
        new Case("A3 TC set", ms -> ms.get(1).getHeader().setFlag(Flags.TC),
            MalformedTransferException.class, "TC bit"),
        new Case("B8 no question in message 1", ms -> ms.get(0).removeAllRecords(
            Section.QUESTION), MalformedTransferException.class, "0 questions"),
        new Case("B8 two questions", ms -> ms.get(0).addRecord(Record.newRecord(ZONE, Type.AXFR,
            DClass.IN), Section.QUESTION), MalformedTransferException.class, "2 questions"),
        new Case("B8 question names another zone", ms -> {
          ms.get(0).removeAllRecords(Section.QUESTION);
          ms.get(0).addRecord(Record.newRecord(name("example.org."), Type.AXFR, DClass.IN),
              Section.QUESTION);
        }, MalformedTransferException.class, "question does not match"),
        new Case("B8 question type IXFR in message 2", ms -> ms.get(1).addRecord(
            Record.newRecord(ZONE, Type.IXFR, DClass.IN), Section.QUESTION),
            MalformedTransferException.class, "question does not match"),
        new Case("B9 record of a sibling zone", ms -> ms.get(1).addRecord(new ARecord(
            name("www.example.org."), DClass.IN, 60, XfrFixtures.addr(new byte[] {1, 2, 3, 4})),
            Section.ANSWER), MalformedTransferException.class, "outside the zone"),
        new Case("B9 record of the parent", ms -> ms.get(1).addRecord(new ARecord(
            name("com."), DClass.IN, 60, XfrFixtures.addr(new byte[] {1, 2, 3, 4})),
            Section.ANSWER), MalformedTransferException.class, "outside the zone"),
        new Case("A9 OPT in the answer", ms -> ms.get(1).addRecord(new OPTRecord(1232, 0, 0),
            Section.ANSWER), MalformedTransferException.class, "meta type"),
        new Case("A9 type ANY in the answer", ms -> ms.get(1).addRecord(new UNKRecordLike(
            Type.ANY).record(), Section.ANSWER), MalformedTransferException.class, "meta type"),
        new Case("A9 type 0 in the answer", ms -> ms.get(1).addRecord(new UNKRecordLike(0)
            .record(), Section.ANSWER), MalformedTransferException.class, "meta type"),
        new Case("A11 class CH", ms -> ms.get(1).addRecord(new ARecord(name("x.example.com."),
            DClass.CH, 60, XfrFixtures.addr(new byte[] {1, 2, 3, 4})), Section.ANSWER),
            MalformedTransferException.class, "class CH"),
        new Case("B15 a second SOA at the apex with the same serial closes early", ms -> {
          ms.get(1).addRecord(XfrFixtures.soa(7), Section.ANSWER);
          ms.get(1).addRecord(new ARecord(name("late.example.com."), DClass.IN, 60,
              XfrFixtures.addr(new byte[] {1, 2, 3, 4})), Section.ANSWER);
        }, MalformedTransferException.class, "after the closing SOA"),
        new Case("B3 an apex SOA with another serial mid-stream", ms -> {
          ms.get(1).addRecord(new CNAMERecord(name("host1.example.com."), DClass.IN, 60,
              name("x.example.com.")), Section.ANSWER);
          ms.get(1).addRecord(XfrFixtures.soa(6), Section.ANSWER);
        }, MalformedTransferException.class, "closing SOA differs")).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void accept_rejectsBrokenStream(Case c) {
    List<Message> ms = good();
    c.mutate().accept(ms);
    TransferException e = assertThrows(c.type(),
        () -> run(XfrFixtures.wire(ms), TransferLimits.DEFAULTS, null));
    assertTrue(e.getMessage().contains(c.fragment()),
        () -> "'" + e.getMessage() + "' lacks '" + c.fragment() + "'");
    assertEquals(ZONE, e.zone().orElseThrow());
    assertEquals(REMOTE, e.remote().orElseThrow());
  }

  @Test
  void accept_reportsWhereInTheStream() {
    List<Message> ms = good();
    ms.get(2).getHeader().setID(1);
    MalformedTransferException e = assertThrows(MalformedTransferException.class,
        () -> run(XfrFixtures.wire(ms), TransferLimits.DEFAULTS, null));
    assertEquals(3, e.messageNumber());
    assertTrue(e.getMessage().endsWith("(message 3)"), e.getMessage());
  }

  @Test
  void accept_rejectsTrailingBytesAfterTheRecords() {
    List<byte[]> ms = XfrFixtures.wire(good());
    byte[] m = ms.get(1);
    ms.set(1, java.util.Arrays.copyOf(m, m.length + 3));
    assertThrows(MalformedTransferException.class,
        () -> run(ms, TransferLimits.DEFAULTS, null));
  }

  @Test
  void accept_rejectsAZoneWithoutApexNs() {
    List<Record> zone = new ArrayList<>(XfrFixtures.zone(7, 3));
    zone.removeIf(r -> r.getType() == Type.NS);
    List<byte[]> ms = XfrFixtures.wire(XfrFixtures.messages(XfrFixtures.axfrAnswers(zone), 5));
    MalformedTransferException e = assertThrows(MalformedTransferException.class,
        () -> run(ms, TransferLimits.DEFAULTS, null));
    assertTrue(e.getMessage().contains("no NS records"), e.getMessage());
  }

  @Nested
  final class Limits {
    @Test
    void maxRecords_atTheCap_passes_andOneMore_fails() throws Exception {
      List<Record> zone = XfrFixtures.zone(7, 30);
      int n = zone.size() + 1; // the closing SOA counts
      assertEquals(zone.size(), run(XfrFixtures.wire(good()),
          TransferLimits.DEFAULTS.withMaxRecords(n), null).recordCount());
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> run(XfrFixtures.wire(good()), TransferLimits.DEFAULTS.withMaxRecords(n - 1),
              null));
      assertTrue(e.getMessage().contains("limit of " + (n - 1) + " records"), e.getMessage());
    }

    @Test
    void maxBytes_isEnforced() {
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> run(XfrFixtures.wire(good()), TransferLimits.DEFAULTS.withMaxBytes(600), null));
      assertTrue(e.getMessage().contains("600 bytes"), e.getMessage());
    }

    @Test
    void recordsPerRRset_andTypesPerName_areEnforced() {
      List<Record> zone = new ArrayList<>(XfrFixtures.zone(7, 0));
      for (int i = 0; i < 6; i++) {
        zone.add(new ARecord(name("big.example.com."), DClass.IN, 60,
            XfrFixtures.addr(new byte[] {10, 1, 1, (byte) i})));
      }
      List<byte[]> ms = XfrFixtures.wire(XfrFixtures.messages(XfrFixtures.axfrAnswers(zone),
          4));
      assertThrows(MalformedTransferException.class,
          () -> run(ms, TransferLimits.DEFAULTS.withRRsetLimits(5, 100), null));
      List<Record> types = new ArrayList<>(XfrFixtures.zone(7, 0));
      for (int t = 65280; t < 65286; t++) {
        types.add(new UNKRecordLike(t, name("many.example.com.")).record());
      }
      List<byte[]> ms2 = XfrFixtures.wire(XfrFixtures.messages(XfrFixtures.axfrAnswers(types),
          4));
      assertThrows(MalformedTransferException.class,
          () -> run(ms2, TransferLimits.DEFAULTS.withRRsetLimits(100, 5), null));
    }
  }

  @Nested
  final class Tsig {
    TsigStreamVerifier verifier(SignedMessage q) {
      return new TsigStreamVerifier(KEY, q.mac(), XfrFixtures.CLOCK);
    }

    @Test
    void signedStream_everyMessageSigned_passes() throws Exception {
      SignedMessage q = XfrFixtures.signedQuery();
      List<byte[]> ms = XfrFixtures.sign(XfrFixtures.wire(good()), q.mac());
      assertEquals(7, run(ms, TransferLimits.DEFAULTS, verifier(q)).serial().value());
    }

    @Test
    void signedStream_middleUnsigned_passes() throws Exception {
      SignedMessage q = XfrFixtures.signedQuery();
      List<byte[]> ms = XfrFixtures.sign(XfrFixtures.wire(good()), q.mac(), true, false, true);
      assertEquals(7, run(ms, TransferLimits.DEFAULTS, verifier(q)).serial().value());
    }

    @Test
    void c1_unsignedFirstMessage_isRejected() {
      SignedMessage q = XfrFixtures.signedQuery();
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> run(XfrFixtures.wire(good()), TransferLimits.DEFAULTS, verifier(q)));
      assertEquals(TsigError.UNSIGNED, e.tsigError());
      assertEquals(ZONE, e.zone().orElseThrow());
    }

    @Test
    void c4_lastMessageUnsigned_isRejected() {
      SignedMessage q = XfrFixtures.signedQuery();
      List<byte[]> unsigned = XfrFixtures.wire(good());
      boolean[] sign = new boolean[unsigned.size()];
      java.util.Arrays.fill(sign, true);
      sign[sign.length - 1] = false;
      List<byte[]> ms = XfrFixtures.sign(unsigned, q.mac(), sign);
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> run(ms, TransferLimits.DEFAULTS, verifier(q)));
      assertEquals(TsigError.UNSIGNED, e.tsigError());
    }

    @Test
    void c2_tamperedMessage_isBadsig() {
      SignedMessage q = XfrFixtures.signedQuery();
      List<byte[]> ms = XfrFixtures.sign(XfrFixtures.wire(good()), q.mac());
      byte[] m = ms.get(1);
      m[m.length / 2] ^= 1;
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> run(ms, TransferLimits.DEFAULTS, verifier(q)));
      assertEquals(TsigError.BADSIG, e.tsigError());
    }

    @Test
    void c15_unsignedRefusal_toSignedQuery_isARefusal_notASuccess() {
      SignedMessage q = XfrFixtures.signedQuery();
      List<Message> ms = good();
      ms.get(0).getHeader().setRcode(Rcode.REFUSED);
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> run(XfrFixtures.wire(ms), TransferLimits.DEFAULTS, verifier(q)));
      assertEquals(Rcode.REFUSED, e.rcode());
      assertFalse(e.isRetryable());
    }
  }

  private static void replaceFirst(Message m, Record soa) {
    Record first = m.getSection(Section.ANSWER).get(0);
    List<Record> rest = new ArrayList<>(m.getSection(Section.ANSWER));
    rest.remove(0);
    m.removeAllRecords(Section.ANSWER);
    m.addRecord(soa, Section.ANSWER);
    for (Record r : rest) {
      m.addRecord(r, Section.ANSWER);
    }
    assertEquals(Type.SOA, first.getType());
  }

  private static void replaceLast(List<Message> ms, Record soa) {
    Message m = ms.get(ms.size() - 1);
    List<Record> answers = m.getSection(Section.ANSWER);
    m.removeRecord(answers.get(answers.size() - 1), Section.ANSWER);
    m.addRecord(soa, Section.ANSWER);
  }

  private static void removeLast(List<Message> ms) {
    Message m = ms.get(ms.size() - 1);
    List<Record> answers = m.getSection(Section.ANSWER);
    m.removeRecord(answers.get(answers.size() - 1), Section.ANSWER);
  }

  /** Records of arbitrary type numbers, built from wire form. */
  record UNKRecordLike(int type, org.xbill.DNS.Name owner) {
    UNKRecordLike(int type) {
      this(type, name("meta.example.com."));
    }

    Record record() {
      return Record.newRecord(owner, type, DClass.IN, 60, new byte[] {1, 2, 3});
    }
  }
}
