// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.REMOTE;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;
import static org.zonesync.core.internal.xfr.XfrFixtures.expireOpt;
import static org.zonesync.core.internal.xfr.XfrFixtures.withLastRdata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.core.TransferLimits;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * EDNS EXPIRE in AXFR and IXFR answers (RFC 7314 section 4): the value comes from the first
 * message only, and a malformed OPT record fails the transfer in any message (RFC 6891 section
 * 6.1.1, BIND's FORMERR).
 */
final class XfrExpireStreamTest {

  /** An AXFR stream of six messages (zone serial 7, 30 hosts), unsigned. */
  static List<Message> axfr() {
    return AxfrStreamTest.good();
  }

  static AxfrStream runAxfr(List<byte[]> wire) throws TransferException {
    AxfrStream s = new AxfrStream(ZONE, ID, TransferLimits.DEFAULTS, null, REMOTE);
    for (byte[] m : wire) {
      if (s.accept(m, m.length)) {
        break;
      }
    }
    s.result();
    return s;
  }

  /** An incremental IXFR answer 7 -> 10 in messages of four records. */
  static List<Message> ixfr() {
    return IxfrFixtures.messages(IxfrFixtures.answers(IxfrFixtures.chain()), 4);
  }

  /** The outcome of an IXFR answer and the EXPIRE value its stream read. */
  record IxfrRun(IxfrStream.Result result, Optional<Duration> expire) {
  }

  static IxfrRun runIxfr(List<byte[]> wire) throws TransferException {
    IxfrStream s = new IxfrStream(ZONE, ID, IxfrFixtures.compact(IxfrFixtures.base(
        IxfrFixtures.OURS)), TransferLimits.DEFAULTS, 10, false, null, REMOTE);
    for (byte[] m : wire) {
      if (s.accept(m, m.length)) {
        break;
      }
    }
    return new IxfrRun(s.result(), s.expire());
  }

  static List<byte[]> withOpt(List<Message> ms, int index, Record opt) {
    ms.get(index).addRecord(opt, Section.ADDITIONAL);
    return XfrFixtures.wire(ms);
  }

  /**
   * The EXPIRE value dnsjava reads from a message, or null when dnsjava cannot parse it: for
   * the fuzz targets, where a second parser that gives up has no say.
   */
  static @Nullable Optional<Duration> dnsjavaExpireOrNull(byte[] message) {
    try {
      return dnsjavaExpire(message);
    } catch (Exception e) {
      return null;
    }
  }

  /** The EXPIRE value that dnsjava reads from the first message (the differential check). */
  static Optional<Duration> dnsjavaExpire(byte[] first) throws Exception {
    OPTRecord opt = new Message(first).getOPT();
    if (opt == null) {
      return Optional.empty();
    }
    for (var o : opt.getOptions(9)) {
      byte[] d = o.toWire();
      if (d.length == 8) { // code, length, four octets of value
        long v = ((d[4] & 0xFFL) << 24) | ((d[5] & 0xFF) << 16) | ((d[6] & 0xFF) << 8)
            | (d[7] & 0xFF);
        return Optional.of(Duration.ofSeconds(v));
      }
    }
    return Optional.empty();
  }

  @Nested
  final class Axfr {

    @Test
    void expire_isReadFromTheFirstMessage() throws Exception {
      List<byte[]> wire = withOpt(axfr(), 0, expireOpt(1234));
      AxfrStream s = runAxfr(wire);
      assertEquals(Optional.of(Duration.ofSeconds(1234)), s.expire());
      assertEquals(dnsjavaExpire(wire.get(0)), s.expire());
    }

    @Test
    void expire_ofZero_comesThroughAsZero() throws Exception {
      assertEquals(Optional.of(Duration.ZERO), runAxfr(withOpt(axfr(), 0, expireOpt(0)))
          .expire());
    }

    @Test
    void expire_isUnsigned_upTo2Pow32Minus1() throws Exception {
      List<byte[]> wire = withOpt(axfr(), 0, expireOpt(0xFFFF_FFFFL));
      assertEquals(Optional.of(Duration.ofSeconds(0xFFFF_FFFFL)), runAxfr(wire).expire());
      assertEquals(dnsjavaExpire(wire.get(0)), runAxfr(wire).expire());
    }

    @Test
    void expire_onlyInTheSecondMessage_isIgnored() throws Exception {
      assertEquals(Optional.empty(), runAxfr(withOpt(axfr(), 1, expireOpt(1234))).expire());
    }

    @Test
    void expire_inLaterMessages_doesNotReplaceTheFirst() throws Exception {
      List<Message> ms = axfr();
      ms.get(0).addRecord(expireOpt(1234), Section.ADDITIONAL);
      ms.get(2).addRecord(expireOpt(5), Section.ADDITIONAL);
      ms.get(ms.size() - 1).addRecord(expireOpt(0), Section.ADDITIONAL);
      assertEquals(Optional.of(Duration.ofSeconds(1234)), runAxfr(XfrFixtures.wire(ms))
          .expire());
    }

    @Test
    void expire_isEmpty_withoutOpt() throws Exception {
      assertEquals(Optional.empty(), runAxfr(XfrFixtures.wire(axfr())).expire());
    }

    @Test
    void expire_isEmpty_forAnOptWithOtherOptionsOnly() throws Exception {
      OPTRecord opt = new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(3, new byte[] {1, 2}),
          new GenericEDNSOption(65001, new byte[9]));
      assertEquals(Optional.empty(), runAxfr(withOpt(axfr(), 0, opt)).expire());
    }

    @Test
    void expire_takesTheFirstFourOctetOption_amongOthers() throws Exception {
      OPTRecord opt = new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(3, new byte[] {1}),
          new GenericEDNSOption(9, new byte[] {0, 0, 0, 77}),
          new GenericEDNSOption(9, new byte[] {0, 0, 0, 88}));
      List<byte[]> wire = withOpt(axfr(), 0, opt);
      assertEquals(Optional.of(Duration.ofSeconds(77)), runAxfr(wire).expire());
      assertEquals(dnsjavaExpire(wire.get(0)), runAxfr(wire).expire());
    }

    @Test
    void expire_ofLengthZero_inAnAnswer_isNoValue() throws Exception {
      // as in a query; BIND's parser accepts 0 or 4, and its xfrin reads only 4
      OPTRecord opt = new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(9, new byte[0]));
      assertEquals(Optional.empty(), runAxfr(withOpt(axfr(), 0, opt)).expire());
    }

    @Test
    void expire_isRead_fromASignedStream_withTheOptBeforeTheTsig() throws Exception {
      List<Message> ms = axfr();
      for (Message m : ms) {
        m.addRecord(expireOpt(m == ms.get(0) ? 1234 : 99), Section.ADDITIONAL);
      }
      SignedMessage q = XfrFixtures.signedQuery();
      List<byte[]> signed = XfrFixtures.sign(XfrFixtures.wire(ms), q.mac());
      AxfrStream s = new AxfrStream(ZONE, ID, TransferLimits.DEFAULTS,
          new TsigStreamVerifier(KEY, q.mac(), XfrFixtures.CLOCK), REMOTE);
      for (byte[] m : signed) {
        s.accept(m, m.length);
      }
      s.result();
      assertEquals(Optional.of(Duration.ofSeconds(1234)), s.expire());
      Message last = new Message(signed.get(signed.size() - 1));
      assertEquals(Type.TSIG, last.getSection(Section.ADDITIONAL).get(1).getType());
    }

    @Test
    void accept_refuses_anExtendedRcode() {
      // RFC 6891 section 6.1.3: the OPT TTL's top octet extends the rcode; 1 -> 16 (BADVERS)
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> runAxfr(withOpt(axfr(), 2, new OPTRecord(1232, 1, 0))));
      assertEquals(16, e.rcode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.zonesync.core.internal.xfr.XfrExpireStreamTest#malformed")
    void accept_rejects_aMalformedOpt(String name, int message,
        UnaryOperator<List<Message>> mutate, UnaryOperator<byte[]> patch, String fragment) {
      List<Message> ms = mutate.apply(axfr());
      List<byte[]> wire = new ArrayList<>(XfrFixtures.wire(ms));
      wire.set(message, patch.apply(wire.get(message)));
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> runAxfr(wire));
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
      assertEquals(message + 1, e.messageNumber(), e.getMessage());
    }
  }

  @Nested
  final class Ixfr {

    @Test
    void expire_isReadFromTheFirstMessage_ofAnIncrementalAnswer() throws Exception {
      List<byte[]> wire = withOpt(ixfr(), 0, expireOpt(1234));
      IxfrRun s = runIxfr(wire);
      assertInstanceOf(IxfrStream.Result.Incremental.class, s.result());
      assertEquals(Optional.of(Duration.ofSeconds(1234)), s.expire());
      assertEquals(dnsjavaExpire(wire.get(0)), s.expire());
    }

    @Test
    void expire_ofZero_comesThrough_inAnUpToDateAnswer() throws Exception {
      List<Message> ms = IxfrFixtures.messages(List.of(XfrFixtures.soa(IxfrFixtures.OURS)), 1);
      IxfrRun s = runIxfr(withOpt(ms, 0, expireOpt(0)));
      assertInstanceOf(IxfrStream.Result.UpToDate.class, s.result());
      assertEquals(Optional.of(Duration.ZERO), s.expire());
    }

    @Test
    void expire_isReadFromTheFirstMessage_ofAnAxfrStyleAnswer() throws Exception {
      List<Message> ms = IxfrFixtures.messages(XfrFixtures.axfrAnswers(XfrFixtures.zone(12, 3)),
          5);
      IxfrRun s = runIxfr(withOpt(ms, 0, expireOpt(86400)));
      assertInstanceOf(IxfrStream.Result.Full.class, s.result());
      assertEquals(Optional.of(Duration.ofSeconds(86400)), s.expire());
    }

    @Test
    void expire_onlyInTheSecondMessage_isIgnored() throws Exception {
      assertEquals(Optional.empty(), runIxfr(withOpt(ixfr(), 1, expireOpt(1234))).expire());
    }

    @Test
    void expire_isEmpty_withoutOpt() throws Exception {
      assertEquals(Optional.empty(), runIxfr(XfrFixtures.wire(ixfr())).expire());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.zonesync.core.internal.xfr.XfrExpireStreamTest#malformed")
    void accept_rejects_aMalformedOpt(String name, int message,
        UnaryOperator<List<Message>> mutate, UnaryOperator<byte[]> patch, String fragment) {
      List<Message> ms = mutate.apply(ixfr());
      List<byte[]> wire = new ArrayList<>(XfrFixtures.wire(ms));
      wire.set(message, patch.apply(wire.get(message)));
      MalformedTransferException e = assertThrows(MalformedTransferException.class,
          () -> runIxfr(wire));
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
      assertEquals(message + 1, e.messageNumber(), e.getMessage());
    }

    @Test
    void accept_rejects_twoOptRecords_inAnUpToDateAnswer() {
      List<Message> ms = IxfrFixtures.messages(List.of(XfrFixtures.soa(IxfrFixtures.OURS)), 1);
      byte[] twice = withSecondOpt(withOpt(ms, 0, expireOpt(5)).get(0));
      assertThrows(MalformedTransferException.class, () -> runIxfr(List.of(twice)));
    }
  }

  /** The last record of the message is an EXPIRE option of four octets: 8 bytes of RDATA. */
  private static UnaryOperator<List<Message>> expireIn(int message) {
    return ms -> {
      ms.get(message).addRecord(expireOpt(1234), Section.ADDITIONAL);
      return ms;
    };
  }

  /**
   * Appends a second, empty OPT record (payload 4096) to a message and counts it: dnsjava's
   * {@code toWire(int)} writes one OPT record only.
   */
  static byte[] withSecondOpt(byte[] wire) {
    byte[] opt = {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};
    byte[] out = java.util.Arrays.copyOf(wire, wire.length + opt.length);
    System.arraycopy(opt, 0, out, wire.length, opt.length);
    int arcount = ((out[10] & 0xFF) << 8 | (out[11] & 0xFF)) + 1;
    out[10] = (byte) (arcount >>> 8);
    out[11] = (byte) arcount;
    return out;
  }

  private static Arguments row(String name, int message, UnaryOperator<List<Message>> mutate,
      UnaryOperator<byte[]> patch, String fragment) {
    return Arguments.of(name, message, mutate, patch, fragment);
  }

  /** Malformed OPT records, as dnsjava builds them or as patched on the wire. */
  static Stream<Arguments> malformed() {
    UnaryOperator<byte[]> asBuilt = UnaryOperator.identity();
    return Stream.of(
        row("EXPIRE of 3 octets in message 1", 0, ms -> {
          ms.get(0).addRecord(new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(9,
              new byte[3])), Section.ADDITIONAL);
          return ms;
        }, asBuilt, "edns expire option of 3 bytes"),
        row("EXPIRE of 8 octets in message 2 (checked in every message)", 1, ms -> {
          ms.get(1).addRecord(new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(9,
              new byte[8])), Section.ADDITIONAL);
          return ms;
        }, asBuilt, "edns expire option of 8 bytes"),
        row("option length overruns the OPT RDATA", 0, expireIn(0),
            w -> withLastRdata(w, 8, new byte[] {0, 9, 0, 5, 0, 0, 4, (byte) 0xD2}),
            "overruns the opt rdata"),
        row("option length overruns the OPT RDATA in message 3", 2, expireIn(2),
            w -> withLastRdata(w, 8, new byte[] {0, 3, 0, 40, 0, 0, 4, (byte) 0xD2}),
            "overruns the opt rdata"),
        row("OPT RDATA ends inside an option header", 0, expireIn(0),
            w -> withLastRdata(w, 8, new byte[] {0, 9, 0, 4, 0, 0, 4, (byte) 0xD2, 0, 3}),
            "ends inside an option header"),
        row("two OPT records in message 1", 0, expireIn(0), XfrExpireStreamTest::withSecondOpt,
            "two opt records"),
        row("two OPT records in message 2", 1, expireIn(1), XfrExpireStreamTest::withSecondOpt,
            "two opt records"),
        row("OPT in the authority section", 0, ms -> {
          ms.get(0).addRecord(expireOpt(1234), Section.AUTHORITY);
          return ms;
        }, asBuilt, "opt record in the authority section"),
        row("OPT owned by the zone, not the root", 0, ms -> {
          ms.get(0).addRecord(Record.newRecord(ZONE, Type.OPT, 1232, 0, new byte[0]),
              Section.ADDITIONAL);
          return ms;
        }, asBuilt, "not owned by the root"));
  }

  @Test
  void rows_areWhatTheyClaim_toDnsjava() throws Exception {
    // the owner row really carries an OPT outside the root
    Message m = new Message(withOpt(axfr(), 0, Record.newRecord(ZONE, Type.OPT, 1232, 0,
        new byte[0])).get(0));
    Record opt = m.getSection(Section.ADDITIONAL).get(0);
    assertEquals(Type.OPT, opt.getType());
    assertEquals(ZONE, opt.getName());
    // the second-OPT patch really adds a second OPT record after the first
    List<Record> add = new Message(withSecondOpt(withOpt(axfr(), 0, expireOpt(7)).get(0)))
        .getSection(Section.ADDITIONAL);
    assertEquals(List.of(Type.OPT, Type.OPT), add.stream().map(Record::getType).toList());
    assertEquals(Optional.of(Duration.ofSeconds(7)), dnsjavaExpire(withOpt(axfr(), 0,
        expireOpt(7)).get(0)));
  }
}
