// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.IxfrFixtures.OURS;
import static org.zonesync.core.internal.xfr.IxfrFixtures.a;
import static org.zonesync.core.internal.xfr.IxfrFixtures.answers;
import static org.zonesync.core.internal.xfr.IxfrFixtures.base;
import static org.zonesync.core.internal.xfr.IxfrFixtures.chain;
import static org.zonesync.core.internal.xfr.IxfrFixtures.compact;
import static org.zonesync.core.internal.xfr.IxfrFixtures.messages;
import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.REMOTE;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;
import static org.zonesync.core.internal.xfr.XfrFixtures.name;
import static org.zonesync.core.internal.xfr.XfrFixtures.soa;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
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
import org.zonesync.core.internal.xfr.IxfrFixtures.Step;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * Every way an IXFR answer can be wrong (TESTPLAN A3, A9, A11, B1, B2, B6-B12, B14, B15, D2),
 * one row each. Every failure is a typed {@link TransferException}, which means "fall back to
 * AXFR"; the zone we started from is never modified (copy-on-write).
 */
final class IxfrStreamViolationsTest {

  /** A broken answer: the steps it is made of, a mutation, and the failure it must cause. */
  record Case(String name, List<Step> steps, Consumer<List<Record>> answers,
      Consumer<List<Message>> messages, Class<? extends TransferException> type,
      String fragment) {
    static Case steps(String name, List<Step> steps, String fragment) {
      return new Case(name, steps, a -> { }, m -> { }, MalformedTransferException.class,
          fragment);
    }

    static Case answers(String name, Consumer<List<Record>> mutate, String fragment) {
      return new Case(name, chain(), mutate, m -> { }, MalformedTransferException.class,
          fragment);
    }

    static Case messages(String name, Consumer<List<Message>> mutate,
        Class<? extends TransferException> type, String fragment) {
      return new Case(name, chain(), a -> { }, mutate, type, fragment);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static SOARecord soaRefresh(long serial, long refresh) {
    return IxfrStreamTest.soaWith(serial, refresh);
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        Case.steps("B10 first delta does not start at our serial", List.of(
            new Step(8, List.of(), 9, List.of(a("x", 1))),
            new Step(9, List.of(), 10, List.of())), "IXFR out of sync: expected serial 7, got 8"),
        Case.steps("B10 a delta does not start where the previous ended", List.of(
            new Step(7, List.of(), 8, List.of(a("x", 1))),
            new Step(9, List.of(), 10, List.of())), "IXFR out of sync: expected serial 8, got 9"),
        new Case("B10 delete-SOA rdata differs from the previous add-SOA", List.of(
            new Step(soa(7), List.of(), soa(8), List.of(a("x", 1))),
            new Step(soaRefresh(8, 1234), List.of(), soa(9), List.of())), a -> { }, m -> { },
            MalformedTransferException.class, "delta 2 (8 -> 9) does not apply: IXFR out of sync"),
        new Case("B12 first delete-SOA has our serial but other rdata", List.of(
            new Step(soaRefresh(7, 1234), List.of(), soa(8), List.of(a("x", 1)))), a -> { },
            m -> { }, MalformedTransferException.class, "does not apply: IXFR out of sync"),
        Case.steps("B11 serial 7 -> 7", List.of(new Step(7, List.of(), 7, List.of()),
            new Step(7, List.of(), 9, List.of())), "serial does not increase: 7 -> 7"),
        Case.steps("B11 serial 7 -> 5", List.of(new Step(7, List.of(), 5, List.of()),
            new Step(5, List.of(), 9, List.of())), "serial does not increase: 7 -> 5"),
        Case.steps("B11 serial step of exactly 2^31", List.of(
            new Step(7, List.of(), 7 + 0x8000_0000L, List.of()),
            new Step(7 + 0x8000_0000L, List.of(), 9, List.of())),
            "serial does not increase: 7 -> 2147483655"),
        Case.steps("B12 deletes a record we do not have", List.of(
            new Step(7, List.of(a("missing", 9)), 8, List.of())),
            "deletes a record the zone lacks"),
        Case.steps("B12 adds a record we already have", List.of(
            new Step(7, List.of(), 8, List.of(a("host1", 1)))), "adds a record the zone has"),
        Case.steps("B15 the deltas delete every apex NS", List.of(new Step(7, List.of(
            new NSRecord(ZONE, DClass.IN, 3600, name("ns1.example.com.")),
            new NSRecord(ZONE, DClass.IN, 3600, name("ns2.example.com."))), 8, List.of())),
            "no NS records"),
        Case.answers("B3 closing SOA differs from the opening SOA", a -> a.set(a.size() - 1,
            soaRefresh(10, 1234)), "closing SOA differs from opening SOA"),
        Case.answers("B3 opening SOA differs from the closing SOA", a -> a.set(0,
            soaRefresh(10, 1234)), "closing SOA differs from opening SOA"),
        Case.answers("B6 final SOA missing", a -> a.remove(a.size() - 1),
            "stream ended before the closing SOA"),
        Case.answers("B6 only a newer opening SOA", a -> a.subList(1, a.size()).clear(),
            "stream ended before the closing SOA"),
        Case.answers("B1 first record not an SOA", a -> a.add(0, a("first", 1)),
            "first record is first.example.com./A"),
        Case.answers("B2 an SOA below the apex among the deletes", a -> a.add(2,
            new SOARecord(name("sub.example.com."), DClass.IN, 3600, name("ns1.example.com."),
                name("h.example.com."), 7, 1, 1, 1, 1)), "SOA record not at the apex"),
        Case.answers("B2 the opening SOA below the apex", a -> a.set(0,
            new SOARecord(name("sub.example.com."), DClass.IN, 3600, name("ns1.example.com."),
                name("h.example.com."), 10, 1, 1, 1, 1)), "SOA record not at the apex"),
        Case.answers("B9 an added record of a sibling zone", a -> a.add(4, new ARecord(
            name("www.example.org."), DClass.IN, 60, XfrFixtures.addr(new byte[] {1, 2, 3, 4}))),
            "outside the zone"),
        Case.answers("B9 a deleted record of the parent", a -> a.add(2, new ARecord(
            name("com."), DClass.IN, 60, XfrFixtures.addr(new byte[] {1, 2, 3, 4}))),
            "outside the zone"),
        Case.answers("A9 OPT among the adds", a -> a.add(4, new OPTRecord(1232, 0, 0)),
            "meta type"),
        Case.answers("A9 type ANY among the deletes", a -> a.add(2,
            IxfrStreamTest.meta(Type.ANY)), "meta type"),
        Case.answers("A11 class CH", a -> a.add(4, new ARecord(name("x.example.com."),
            DClass.CH, 60, XfrFixtures.addr(new byte[] {1, 2, 3, 4}))), "has class CH"),
        Case.answers("a record after the closing SOA", a -> a.add(a("late", 1)),
            "record after the closing SOA"),
        Case.messages("B7 wrong ID in message 2", m -> m.get(1).getHeader().setID(ID + 1),
            MalformedTransferException.class, "does not match query ID"),
        Case.messages("B7 QR clear in message 2", m -> m.get(1).getHeader().unsetFlag(Flags.QR),
            MalformedTransferException.class, "QR bit"),
        Case.messages("B7 opcode UPDATE", m -> m.get(0).getHeader().setOpcode(Opcode.UPDATE),
            MalformedTransferException.class, "opcode"),
        Case.messages("B14 NOTIMP in message 1", m -> m.get(0).getHeader().setRcode(
            Rcode.NOTIMP), TransferRefusedException.class, "NOTIMP"),
        Case.messages("B14 FORMERR in message 1", m -> m.get(0).getHeader().setRcode(
            Rcode.FORMERR), TransferRefusedException.class, "FORMERR"),
        Case.messages("B7 SERVFAIL in message 3", m -> m.get(2).getHeader().setRcode(
            Rcode.SERVFAIL), TransferRefusedException.class, "SERVFAIL"),
        Case.messages("A3 TC set", m -> m.get(1).getHeader().setFlag(Flags.TC),
            MalformedTransferException.class, "TC bit"),
        Case.messages("B8 no question in message 1", m -> m.get(0).removeAllRecords(
            Section.QUESTION), MalformedTransferException.class, "0 questions"),
        Case.messages("B8 question type AXFR", m -> {
          m.get(0).removeAllRecords(Section.QUESTION);
          m.get(0).addRecord(Record.newRecord(ZONE, Type.AXFR, DClass.IN), Section.QUESTION);
        }, MalformedTransferException.class, "question does not match"),
        Case.messages("B8 question names another zone in message 2", m -> m.get(1).addRecord(
            Record.newRecord(name("example.org."), Type.IXFR, DClass.IN), Section.QUESTION),
            MalformedTransferException.class, "question does not match"),
        Case.messages("B14 empty answer section", m -> {
          m.subList(1, m.size()).clear();
          m.get(0).removeAllRecords(Section.ANSWER);
        }, MalformedTransferException.class, "empty answer section")).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void accept_rejectsBrokenAnswer_andLeavesOurZoneAlone(Case c) {
    List<Record> ans = new ArrayList<>(answers(c.steps()));
    c.answers().accept(ans);
    List<Message> ms = messages(ans, 3);
    c.messages().accept(ms);
    CompactZone current = compact(base(OURS));
    CompactZone copy = compact(base(OURS));
    TransferException e = assertThrows(c.type(), () -> IxfrStreamTest.run(current,
        XfrFixtures.wire(ms), TransferLimits.DEFAULTS, 100, false, null));
    assertTrue(e.getMessage().contains(c.fragment()),
        () -> "'" + e.getMessage() + "' lacks '" + c.fragment() + "'");
    assertEquals(ZONE, e.zone().orElseThrow());
    assertEquals(REMOTE, e.remote().orElseThrow());
    assertTrue(copy.contentEquals(current), "our zone was modified");
  }

  @Test
  void b10_chainStoppingShortOfTheNewSerial_isOutOfSync() {
    List<Step> steps = new ArrayList<>(chain());
    List<Record> ans = answers(steps.subList(0, 2)); // ends at 9
    ans.set(0, soa(10));
    ans.set(ans.size() - 1, soa(10));
    MalformedTransferException e = assertThrows(MalformedTransferException.class,
        () -> IxfrStreamTest.run(messages(ans, 4)));
    assertTrue(e.getMessage().contains("IXFR out of sync: expected serial 9, got 10"),
        e.getMessage());
  }

  @Test
  void lastDeltaEndsWithAnotherSoaThanTheOpeningOne_isRejected() {
    // same serial 8 everywhere, but the delta's add-SOA has another refresh value
    List<Step> steps = List.of(new Step(soa(7), List.of(), soaRefresh(8, 1234),
        List.of(a("x", 1))));
    List<Record> ans = answers(steps);
    ans.set(0, soa(8));
    ans.set(ans.size() - 1, soa(8));
    MalformedTransferException e = assertThrows(MalformedTransferException.class,
        () -> IxfrStreamTest.run(messages(ans, 4)));
    assertTrue(e.getMessage().contains("the last delta ends with an SOA"), e.getMessage());
  }

  @Test
  void errors_sayWhichMessageAndRecord() {
    List<Message> ms = messages(answers(chain()), 3);
    ms.get(2).getHeader().setID(1);
    MalformedTransferException e = assertThrows(MalformedTransferException.class,
        () -> IxfrStreamTest.run(ms));
    assertEquals(3, e.messageNumber());
    assertEquals(6, e.recordIndex());
    assertTrue(e.isRetryable());
  }

  @Nested
  final class Limits {
    @Test
    void d2_moreThanMaxDeltas_isATypedFailure() {
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> IxfrStreamTest.run(compact(base(OURS)), XfrFixtures.wire(messages(
              answers(chain()), 5)), TransferLimits.DEFAULTS, 2, false, null));
      assertTrue(e.getMessage().contains("IXFR has more than 2 deltas"), e.getMessage());
    }

    @Test
    void d2_moreThanMaxRecords_isATypedFailure() {
      int n = answers(chain()).size();
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> IxfrStreamTest.run(compact(base(OURS)), XfrFixtures.wire(messages(
              answers(chain()), 5)), TransferLimits.DEFAULTS.withMaxRecords(n - 1), 100,
              false, null));
      assertTrue(e.getMessage().contains("limit of " + (n - 1) + " records"), e.getMessage());
    }

    @Test
    void d2_maxBytes_isEnforced() {
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> IxfrStreamTest.run(compact(base(OURS)), XfrFixtures.wire(messages(
              answers(chain()), 5)), TransferLimits.DEFAULTS.withMaxBytes(300), 100, false,
              null));
      assertTrue(e.getMessage().contains("limit of 300 bytes"), e.getMessage());
    }

    @Test
    void recordsPerRRset_isEnforcedOnTheAppliedZone() {
      List<Record> adds = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        adds.add(a("big", 100 + i));
      }
      List<Step> steps = List.of(new Step(7, List.of(), 8, adds));
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> IxfrStreamTest.run(compact(base(OURS)), XfrFixtures.wire(messages(
              answers(steps), 5)), TransferLimits.DEFAULTS.withRRsetLimits(5, 100), 100, false,
              null));
      assertTrue(e.getMessage().contains("too many records in RRset"), e.getMessage());
    }
  }

  @Nested
  final class Tsig {
    SignedMessage query() {
      return IxfrFixtures.signedQuery(soa(OURS));
    }

    TsigStreamVerifier verifier(SignedMessage q) {
      return new TsigStreamVerifier(KEY, q.mac(), XfrFixtures.CLOCK);
    }

    TransferException run(List<byte[]> ms, SignedMessage q) {
      return assertThrows(TransferException.class, () -> IxfrStreamTest.run(compact(base(OURS)),
          ms, TransferLimits.DEFAULTS, 100, false, verifier(q)));
    }

    @Test
    void signedAnswer_everyOrSomeMessagesSigned_passes() throws Exception {
      SignedMessage q = query();
      List<byte[]> unsigned = XfrFixtures.wire(messages(answers(chain()), 3));
      for (boolean[] sign : new boolean[][] {{}, {true, false, false, true}}) {
        List<byte[]> ms = XfrFixtures.sign(unsigned, q.mac(), sign);
        IxfrStream.Result r = IxfrStreamTest.run(compact(base(OURS)), ms,
            TransferLimits.DEFAULTS, 100, false, verifier(q));
        assertEquals(10, ((IxfrStream.Result.Incremental) r).zone().serial().value());
      }
    }

    @Test
    void signedUpToDate_passes() throws Exception {
      SignedMessage q = query();
      List<byte[]> ms = XfrFixtures.sign(XfrFixtures.wire(messages(List.of(soa(OURS)), 1)),
          q.mac());
      IxfrStream.Result r = IxfrStreamTest.run(compact(base(OURS)), ms,
          TransferLimits.DEFAULTS, 100, false, verifier(q));
      assertTrue(r instanceof IxfrStream.Result.UpToDate);
    }

    @Test
    void b14_signedEmptyAnswer_isATypedMalformedFailure_notATsigError() {
      SignedMessage q = query();
      List<Message> m = messages(List.of(), 1);
      List<byte[]> ms = XfrFixtures.sign(XfrFixtures.wire(m), q.mac());
      TransferException e = run(ms, q);
      assertTrue(e instanceof MalformedTransferException, e.toString());
      assertTrue(e.getMessage().contains("empty answer section"), e.getMessage());
    }

    @Test
    void b14_unsignedNotimpToASignedQuery_isARefusal() {
      SignedMessage q = query();
      List<Message> m = messages(List.of(), 1);
      m.get(0).getHeader().setRcode(Rcode.NOTIMP);
      TransferException e = run(XfrFixtures.wire(m), q);
      assertEquals(Rcode.NOTIMP, ((TransferRefusedException) e).rcode());
    }

    @Test
    void c1_unsignedAnswer_isRejected() {
      TransferException e = run(XfrFixtures.wire(messages(answers(chain()), 3)), query());
      assertEquals(TsigError.UNSIGNED, ((TsigVerificationException) e).tsigError());
    }

    @Test
    void c4_lastMessageUnsigned_isRejected() {
      SignedMessage q = query();
      List<byte[]> unsigned = XfrFixtures.wire(messages(answers(chain()), 3));
      boolean[] sign = new boolean[unsigned.size()];
      java.util.Arrays.fill(sign, true);
      sign[sign.length - 1] = false;
      TransferException e = run(XfrFixtures.sign(unsigned, q.mac(), sign), q);
      assertEquals(TsigError.UNSIGNED, ((TsigVerificationException) e).tsigError());
    }

    @Test
    void c2_tamperedMessage_isBadsig() {
      SignedMessage q = query();
      List<byte[]> ms = XfrFixtures.sign(XfrFixtures.wire(messages(answers(chain()), 3)),
          q.mac());
      byte[] m = ms.get(1);
      m[m.length / 2] ^= 1;
      TransferException e = run(ms, q);
      assertEquals(TsigError.BADSIG, ((TsigVerificationException) e).tsigError());
      assertFalse(e.zone().isEmpty());
    }
  }
}
