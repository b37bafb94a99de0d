// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import static org.zonesync.core.internal.xfr.XfrFixtures.REMOTE;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;
import static org.zonesync.core.internal.xfr.XfrFixtures.name;
import static org.zonesync.core.internal.xfr.XfrFixtures.soa;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.xfr.IxfrFixtures.Step;
import org.zonesync.core.internal.xfr.IxfrStream.Result;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * The IXFR answers a primary may legitimately send (TESTPLAN B13, B16): incremental, condensed
 * or not, in one message or many; AXFR-style; up to date. Violations are in
 * {@link IxfrStreamViolationsTest}.
 */
final class IxfrStreamTest {

  static final int MAX_DELTAS = 100;

  static IxfrStream stream(CompactZone current, TransferLimits limits, int maxDeltas,
      boolean lenient, @Nullable TsigStreamVerifier tsig) {
    return new IxfrStream(ZONE, ID, current, limits, maxDeltas, lenient, tsig, REMOTE);
  }

  /** Feeds the messages until the stream says it is complete, then returns the result. */
  static Result run(CompactZone current, List<byte[]> messages, TransferLimits limits,
      int maxDeltas, boolean lenient, @Nullable TsigStreamVerifier tsig)
      throws TransferException {
    IxfrStream s = stream(current, limits, maxDeltas, lenient, tsig);
    for (byte[] m : messages) {
      if (s.accept(m, m.length)) {
        break;
      }
    }
    return s.result();
  }

  static Result run(List<Message> messages) throws TransferException {
    return run(compact(base(OURS)), XfrFixtures.wire(messages), TransferLimits.DEFAULTS,
        MAX_DELTAS, false, null);
  }

  static void assertIncremental(Result r, List<Record> expected, int deltas) {
    Result.Incremental inc = assertInstanceOf(Result.Incremental.class, r);
    assertTrue(compact(expected).contentEquals(inc.zone()), "zone differs from the expected");
    assertEquals(deltas, inc.deltas().size());
    SerialNumber at = SerialNumber.of(OURS);
    for (WireDelta d : inc.deltas()) {
      assertEquals(at, d.from());
      assertTrue(d.to().isNewerThan(d.from()));
      at = d.to();
    }
    assertEquals(inc.zone().serial(), at);
  }

  @Nested
  final class Incremental {
    @ParameterizedTest(name = "{0} records per message")
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void b13_nonCondensedChain_appliesEveryDelta(int perMessage) throws Exception {
      List<Step> steps = chain();
      Result r = run(messages(answers(steps), perMessage));
      assertIncremental(r, IxfrFixtures.apply(base(OURS), steps), 3);
      Result.Incremental inc = (Result.Incremental) r;
      assertEquals(1, inc.deltas().get(0).deletedCount());
      assertEquals(2, inc.deltas().get(0).addedCount());
      assertEquals(0, inc.deltas().get(1).deletedCount());
    }

    @ParameterizedTest(name = "{0} records per message")
    @ValueSource(ints = {1, 4, 1000})
    void b13_condensedDelta_givesTheSameZone(int perMessage) throws Exception {
      Step one = IxfrFixtures.condense(base(OURS), chain());
      Result r = run(messages(answers(List.of(one)), perMessage));
      assertIncremental(r, IxfrFixtures.apply(base(OURS), chain()), 1);
      assertEquals(one.deleted().size(), ((Result.Incremental) r).deltas().get(0).deletedCount());
      assertEquals(one.added().size(), ((Result.Incremental) r).deltas().get(0).addedCount());
    }

    @Test
    void aDeltaThatOnlyChangesTheSoa_isApplied() throws Exception {
      List<Step> steps = List.of(new Step(OURS, List.of(), 8, List.of()));
      assertIncremental(run(messages(answers(steps), 10)), IxfrFixtures.apply(base(OURS),
          steps), 1);
    }

    @Test
    void b11_serialsWrapAroundZero() throws Exception {
      long start = 0xFFFF_FFFEL;
      CompactZone current = compact(base(start));
      List<Step> steps = List.of(
          new Step(start, List.of(a("host1", 1)), 0xFFFF_FFFFL, List.of(a("w1", 1))),
          new Step(0xFFFF_FFFFL, List.of(), 0, List.of(a("w2", 2))),
          new Step(0, List.of(a("w1", 1)), 5, List.of()));
      Result r = run(current, XfrFixtures.wire(messages(answers(steps), 3)),
          TransferLimits.DEFAULTS, MAX_DELTAS, false, null);
      Result.Incremental inc = assertInstanceOf(Result.Incremental.class, r);
      assertTrue(compact(IxfrFixtures.apply(base(start), steps)).contentEquals(inc.zone()));
      assertEquals(5, inc.zone().serial().value());
    }

    @Test
    void b11_theLargestSerialStep_2pow31minus1_isAccepted() throws Exception {
      long to = OURS + 0x7FFF_FFFFL;
      List<Step> steps = List.of(new Step(OURS, List.of(), to, List.of(a("far", 9))));
      Result r = run(messages(answers(steps), 10));
      assertEquals(to, assertInstanceOf(Result.Incremental.class, r).zone().serial().value());
    }

    @Test
    void b12_lenient_appliesADeltaThatIsNotExact() throws Exception {
      List<Step> steps = List.of(new Step(OURS, List.of(a("missing", 99)), 8,
          List.of(a("host3", 3), a("new", 4))));
      Result r = run(compact(base(OURS)), XfrFixtures.wire(messages(answers(steps), 10)),
          TransferLimits.DEFAULTS, MAX_DELTAS, true, null);
      List<Record> expected = new ArrayList<>(base(8));
      expected.add(a("new", 4));
      assertTrue(compact(expected).contentEquals(
          assertInstanceOf(Result.Incremental.class, r).zone()));
    }

    @Test
    void d2_exactlyMaxDeltas_passes() throws Exception {
      Result r = run(compact(base(OURS)), XfrFixtures.wire(messages(answers(chain()), 5)),
          TransferLimits.DEFAULTS, 3, false, null);
      assertEquals(3, assertInstanceOf(Result.Incremental.class, r).deltas().size());
    }

    @Test
    void d2_exactlyMaxRecords_passes() throws Exception {
      int n = answers(chain()).size();
      Result r = run(compact(base(OURS)), XfrFixtures.wire(messages(answers(chain()), 5)),
          TransferLimits.DEFAULTS.withMaxRecords(n), MAX_DELTAS, false, null);
      assertInstanceOf(Result.Incremental.class, r);
    }

    @Test
    void figures_countEveryAnswerRecordAndMessage() throws Exception {
      List<byte[]> ms = XfrFixtures.wire(messages(answers(chain()), 4));
      IxfrStream s = stream(compact(base(OURS)), TransferLimits.DEFAULTS, 10, false, null);
      long bytes = 0;
      for (byte[] m : ms) {
        s.accept(m, m.length);
        bytes += m.length + 2;
      }
      s.result();
      assertEquals(ms.size(), s.messages());
      assertEquals(answers(chain()).size(), s.records());
      assertEquals(bytes, s.bytes());
      assertEquals(3, s.deltaCount());
    }
  }

  @Nested
  final class AxfrStyle {
    @ParameterizedTest(name = "{0} records per message")
    @ValueSource(ints = {1, 2, 10, 1000})
    void b13_axfrStyleAnswer_replacesTheZone(int perMessage) throws Exception {
      List<Record> v10 = IxfrFixtures.apply(base(OURS), chain());
      Result r = run(messages(XfrFixtures.axfrAnswers(v10), perMessage));
      assertTrue(compact(v10).contentEquals(assertInstanceOf(Result.Full.class, r).zone()));
    }

    @Test
    void b13_axfrStyleAnswer_isDecodedLikeAxfrStream_differential() throws Exception {
      List<Record> zone = XfrFixtures.zone(12, 80);
      List<Record> ans = XfrFixtures.axfrAnswers(zone);
      CompactZone viaAxfr = AxfrStreamTest.run(XfrFixtures.wire(XfrFixtures.messages(ans, 9)),
          TransferLimits.DEFAULTS, null);
      Result r = run(messages(ans, 9));
      assertTrue(viaAxfr.contentEquals(assertInstanceOf(Result.Full.class, r).zone()));
    }

    @Test
    void b13_emptyZoneAxfrStyle_soaSoa_isRejectedAsAxfrStreamRejectsIt() {
      List<Record> ans = List.of(soa(9), soa(9));
      MalformedTransferException viaAxfr = assertThrows(MalformedTransferException.class,
          () -> AxfrStreamTest.run(XfrFixtures.wire(XfrFixtures.messages(ans, 1)),
              TransferLimits.DEFAULTS, null));
      MalformedTransferException viaIxfr = assertThrows(MalformedTransferException.class,
          () -> run(messages(ans, 1)));
      assertEquals(viaAxfr.getMessage(), viaIxfr.getMessage());
      assertTrue(viaIxfr.getMessage().contains("no NS records"), viaIxfr.getMessage());
    }
  }

  @Nested
  final class UpToDate {
    @Test
    void b13_singleSoaWithOurSerial_isUpToDate() throws Exception {
      Result r = run(messages(List.of(soa(OURS)), 1));
      assertEquals(SerialNumber.of(OURS), assertInstanceOf(Result.UpToDate.class, r).serial());
    }

    @ParameterizedTest(name = "primary serial {0}")
    @ValueSource(longs = {6, 0, 7 + 0x8000_0000L, 7 + 0x8000_0001L})
    void b16_singleSoaOlderOrUndefined_isUpToDate_neverARollback(long theirs) throws Exception {
      Result r = run(messages(List.of(soa(theirs)), 1));
      assertEquals(theirs, assertInstanceOf(Result.UpToDate.class, r).serial().value());
    }

    @Test
    void b13_zeroDeltas_oursTwice_isUpToDate() throws Exception {
      Result r = run(messages(List.of(soa(OURS), soa(OURS)), 5));
      assertInstanceOf(Result.UpToDate.class, r);
    }

    @Test
    void b17_axfrStyleAnswerWithAnOlderSerial_isUpToDate_notApplied() throws Exception {
      Result r = run(messages(XfrFixtures.axfrAnswers(XfrFixtures.zone(5, 3)), 4));
      assertEquals(5, assertInstanceOf(Result.UpToDate.class, r).serial().value());
    }

    @Test
    void upToDate_completesWithTheFirstMessage() throws Exception {
      List<byte[]> ms = XfrFixtures.wire(messages(List.of(soa(OURS)), 1));
      IxfrStream s = stream(compact(base(OURS)), TransferLimits.DEFAULTS, 1, false, null);
      assertTrue(s.accept(ms.get(0), ms.get(0).length));
      assertTrue(s.isDone());
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> s.accept(ms.get(0), ms.get(0).length));
      assertTrue(e.getMessage().contains("after the end"), e.getMessage());
    }
  }

  @Test
  void constructor_rejectsAZoneOfAnotherName_andZeroDeltas() {
    CompactZone current = compact(base(OURS));
    assertThrows(IllegalArgumentException.class, () -> new IxfrStream(name("example.org."),
        ID, current, TransferLimits.DEFAULTS, 1, false, null, REMOTE));
    assertThrows(IllegalArgumentException.class, () -> stream(current, TransferLimits.DEFAULTS,
        0, false, null));
  }

  static SOARecord soaWith(long serial, long refresh) {
    return new SOARecord(ZONE, DClass.IN, 3600, name("ns1.example.com."),
        name("hostmaster.example.com."), serial, refresh, 900, 1209600, 300);
  }

  static Record meta(int type) {
    return Record.newRecord(name("meta.example.com."), type, DClass.IN, 60, new byte[] {1});
  }

  static boolean isSoa(Record r) {
    return r.getType() == Type.SOA;
  }
}
