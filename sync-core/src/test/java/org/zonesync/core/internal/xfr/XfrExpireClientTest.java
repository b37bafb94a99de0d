// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.XfrFixtures.CLOCK;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;
import static org.zonesync.core.internal.xfr.XfrFixtures.expireOpt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * AXFR and IXFR queries carry an OPT record with an empty EXPIRE option before the TSIG (RFC
 * 7314 section 2, RFC 8945 section 4.2), read back by dnsjava; the clients report the EXPIRE
 * value of the first answer message, over a real socket on 127.0.0.1.
 */
final class XfrExpireClientTest {

  /** dnsjava's view of {@link XfrFixtures#KEY}, on the fixtures' fixed clock. */
  private static final TSIG DNSJAVA_KEY = new TSIG(TSIG.HMAC_SHA256, KEY.name(),
      new SecretKeySpec(KEY.secret(), "HmacSHA256"), Clock.fixed(CLOCK.instant(),
      ZoneOffset.UTC));

  /** Our version for IXFR: serial 7, 30 hosts. */
  static CompactZone current() {
    return IxfrFixtures.compact(IxfrFixtures.base(IxfrFixtures.OURS));
  }

  static AxfrClient axfr(Primary p, boolean requestExpire) {
    return new AxfrClient(ZONE, p, TransferLimits.DEFAULTS, CLOCK, System::nanoTime,
        requestExpire);
  }

  static IxfrClient ixfr(Primary p, boolean requestExpire) {
    return new IxfrClient(ZONE, p, current(), TransferLimits.DEFAULTS, 10, false, CLOCK,
        System::nanoTime, requestExpire);
  }

  /** Checks the OPT record of a query: payload 1232, version 0, DO clear, one empty EXPIRE. */
  static void assertExpireRequest(Message q) {
    OPTRecord opt = q.getOPT();
    assertNotNull(opt, "no OPT record");
    assertEquals(1232, opt.getPayloadSize());
    assertEquals(0, opt.getVersion());
    assertEquals(0, opt.getExtendedRcode());
    assertEquals(0, opt.getFlags(), "DO or another flag set");
    List<EDNSOption> options = opt.getOptions();
    assertEquals(1, options.size(), options.toString());
    assertEquals(9, options.get(0).getCode());
    assertArrayEquals(new byte[] {0, 9, 0, 0}, options.get(0).toWire());
  }

  @Nested
  final class Queries {

    @Test
    void axfrQuery_carriesAnEmptyExpireOption() throws Exception {
      Message q = new Message(axfr(Primary.of(XfrFixtures.REMOTE), true).query(4711));
      assertEquals(4711, q.getHeader().getID());
      assertEquals(Record.newRecord(ZONE, Type.AXFR, org.xbill.DNS.DClass.IN), q.getQuestion());
      assertExpireRequest(q);
      assertEquals(List.of(q.getOPT()), q.getSection(Section.ADDITIONAL));
    }

    @Test
    void ixfrQuery_carriesAnEmptyExpireOption_afterOurSoa() throws Exception {
      Message q = new Message(ixfr(Primary.of(XfrFixtures.REMOTE), true).query(4711));
      assertEquals(List.of(current().soa()), q.getSection(Section.AUTHORITY));
      assertExpireRequest(q);
      assertEquals(List.of(q.getOPT()), q.getSection(Section.ADDITIONAL));
    }

    @Test
    void queries_carryNoOpt_whenExpireIsNotRequested() throws Exception {
      Message a = new Message(axfr(Primary.of(XfrFixtures.REMOTE), false).query(1));
      Message i = new Message(ixfr(Primary.of(XfrFixtures.REMOTE), false).query(1));
      assertNull(a.getOPT());
      assertNull(i.getOPT());
      assertTrue(a.getSection(Section.ADDITIONAL).isEmpty());
      assertEquals(List.of(current().soa()), i.getSection(Section.AUTHORITY));
    }

    @Test
    void signedQueries_keepTheTsigLast_andVerifyInDnsjava() throws Exception {
      Primary p = Primary.of(XfrFixtures.REMOTE, KEY);
      for (byte[] unsigned : List.of(axfr(p, true).query(77), ixfr(p, true).query(78))) {
        byte[] wire = SignedQuery.of(unsigned, p, CLOCK).wire();
        Message q = new Message(wire);
        List<Record> add = q.getSection(Section.ADDITIONAL);
        assertEquals(List.of(Type.OPT, Type.TSIG), add.stream().map(Record::getType).toList());
        assertExpireRequest(q);
        assertNotNull(q.getTSIG());
        assertEquals(Rcode.NOERROR, DNSJAVA_KEY.verify(q, wire, null));
      }
    }
  }

  /**
   * A primary for one connection on 127.0.0.1: it keeps the query it receives and sends the
   * answer that {@code answer} makes of it, framed, then closes.
   */
  static final class ScriptedPrimary implements AutoCloseable {
    final ServerSocket server;
    final CompletableFuture<byte[]> query = new CompletableFuture<>();

    ScriptedPrimary(Function<byte[], List<byte[]>> answer) throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> serve(answer), "scripted-primary");
      t.setDaemon(true);
      t.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void serve(Function<byte[], List<byte[]>> answer) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65535];
        int n = new TcpMessageInput(in, 65535).next(buf);
        byte[] q = java.util.Arrays.copyOf(buf, n);
        query.complete(q);
        OutputStream out = s.getOutputStream();
        out.write(XfrFixtures.framed(answer.apply(q)));
        out.flush();
        while (in.read() >= 0) {
          // wait for the client to close: it has read everything it wanted
        }
      } catch (Exception e) {
        query.completeExceptionally(e);
      }
    }

    byte[] receivedQuery() throws Exception {
      return query.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /**
   * The answer to {@code query}: {@code messages} with its ID, an OPT record added to the ones
   * {@code opts} names (null for none), signed with {@link XfrFixtures#KEY} when the query was.
   */
  static List<byte[]> answer(byte[] query, List<Message> messages, @Nullable Record... opts) {
    try {
      int id = ((query[0] & 0xFF) << 8) | (query[1] & 0xFF);
      for (int i = 0; i < messages.size(); i++) {
        messages.get(i).getHeader().setID(id);
        if (i < opts.length && opts[i] != null) {
          messages.get(i).addRecord(opts[i], Section.ADDITIONAL);
        }
      }
      List<byte[]> wire = XfrFixtures.wire(messages);
      int at = Tsig.locate(query, 0, query.length);
      if (at < 0) {
        return wire;
      }
      VerifiedRequest v = TsigRequestVerifier.verify(TsigKeyring.of(KEY), query, 0,
          query.length, at, CLOCK);
      TsigStreamSigner signer = new TsigStreamSigner(v.key(), v.mac(), CLOCK);
      List<byte[]> out = new ArrayList<>();
      for (byte[] m : wire) {
        byte[] buf = java.util.Arrays.copyOf(m, m.length + Tsig.maxRecordLength(KEY));
        out.add(java.util.Arrays.copyOf(buf, signer.sign(buf, 0, m.length)));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Message> axfrMessages() {
    return XfrFixtures.messages(XfrFixtures.axfrAnswers(XfrFixtures.zone(9, 12)), 8);
  }

  @Nested
  final class Exchanges {

    @Test
    void axfr_reportsTheFirstMessagesExpire_overTsig() throws Exception {
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, axfrMessages(),
          expireOpt(1234), expireOpt(99)))) {
        AxfrClient.Result r = axfr(Primary.of(p.address(), KEY), true)
            .run(AxfrClient.Progress.NONE);
        assertEquals(Optional.of(Duration.ofSeconds(1234)), r.expire());
        assertEquals(9, r.zone().serial().value());
        byte[] sent = p.receivedQuery();
        Message q = new Message(sent);
        assertExpireRequest(q);
        assertEquals(Type.TSIG, q.getSection(Section.ADDITIONAL).get(1).getType());
        assertEquals(Rcode.NOERROR, DNSJAVA_KEY.verify(q, sent, null));
      }
    }

    @Test
    void axfr_reportsNoExpire_whenTheAnswerHasNone() throws Exception {
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, axfrMessages()))) {
        AxfrClient.Result r = axfr(Primary.of(p.address()), true).run(AxfrClient.Progress.NONE);
        assertEquals(Optional.empty(), r.expire());
        assertExpireRequest(new Message(p.receivedQuery()));
      }
    }

    @Test
    void axfr_ignoresAnExpireItDidNotAskFor() throws Exception {
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, axfrMessages(),
          expireOpt(1234)))) {
        AxfrClient.Result r = axfr(Primary.of(p.address()), false)
            .run(AxfrClient.Progress.NONE);
        assertEquals(Optional.empty(), r.expire());
        assertNull(new Message(p.receivedQuery()).getOPT());
      }
    }

    @Test
    void axfr_refusedWithBadvers_isATransferRefusedException() throws Exception {
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, axfrMessages(),
          new OPTRecord(1232, 1, 0)))) {
        TransferRefusedException e = assertThrows(TransferRefusedException.class,
            () -> axfr(Primary.of(p.address()), true).run(AxfrClient.Progress.NONE));
        assertEquals(16, e.rcode());
      }
    }

    @Test
    void ixfr_reportsExpireZero_forAnUpToDateAnswer_overTsig() throws Exception {
      List<Message> upToDate = IxfrFixtures.messages(List.of(XfrFixtures.soa(
          IxfrFixtures.OURS)), 1);
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, upToDate, expireOpt(0)))) {
        IxfrClient.Result r = ixfr(Primary.of(p.address(), KEY), true)
            .run(AxfrClient.Progress.NONE);
        assertInstanceOf(IxfrStream.Result.UpToDate.class, r.outcome());
        assertEquals(Optional.of(Duration.ZERO), r.expire());
        byte[] sent = p.receivedQuery();
        Message q = new Message(sent);
        assertExpireRequest(q);
        assertEquals(List.of(current().soa()), q.getSection(Section.AUTHORITY));
        assertEquals(Rcode.NOERROR, DNSJAVA_KEY.verify(q, sent, null));
      }
    }

    @Test
    void ixfr_ignoresAnExpireInTheSecondMessageOnly() throws Exception {
      List<Message> ms = IxfrFixtures.messages(IxfrFixtures.answers(IxfrFixtures.chain()), 4);
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, ms, null, expireOpt(50)))) {
        IxfrClient.Result r = ixfr(Primary.of(p.address()), true).run(AxfrClient.Progress.NONE);
        assertInstanceOf(IxfrStream.Result.Incremental.class, r.outcome());
        assertEquals(Optional.empty(), r.expire());
      }
    }

    @Test
    void ixfr_reportsTheFirstMessagesExpire_forAnIncrementalAnswer() throws Exception {
      List<Message> ms = IxfrFixtures.messages(IxfrFixtures.answers(IxfrFixtures.chain()), 4);
      try (ScriptedPrimary p = new ScriptedPrimary(q -> answer(q, ms, expireOpt(604800)))) {
        IxfrClient.Result r = ixfr(Primary.of(p.address()), true).run(AxfrClient.Progress.NONE);
        assertEquals(Optional.of(Duration.ofSeconds(604800)), r.expire());
        assertFalse(((IxfrStream.Result.Incremental) r.outcome()).deltas().isEmpty());
      }
    }
  }

  @Test
  void framedAnswers_parseBack_asTheMessagesTheyCameFrom() throws Exception {
    // the helper the exchanges rely on: ID rewritten, OPT added where named, nothing else
    byte[] query = axfr(Primary.of(XfrFixtures.REMOTE), true).query(0xBEEF);
    List<byte[]> wire = answer(query, axfrMessages(), null, expireOpt(3));
    TcpMessageInput in = new TcpMessageInput(new ByteArrayInputStream(XfrFixtures.framed(
        wire)), 65535);
    byte[] buf = new byte[65535];
    int n = in.next(buf);
    Message first = new Message(java.util.Arrays.copyOf(buf, n));
    assertEquals(0xBEEF, first.getHeader().getID());
    assertNull(first.getOPT());
    n = in.next(buf);
    assertEquals(Optional.of(Duration.ofSeconds(3)), XfrExpireStreamTest.dnsjavaExpire(
        java.util.Arrays.copyOf(buf, n)));
  }
}
