// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.refresh.SoaResponder.CLOCK;
import static org.zonesync.core.internal.refresh.SoaResponder.KEY;
import static org.zonesync.core.internal.refresh.SoaResponder.SERIAL;
import static org.zonesync.core.internal.refresh.SoaResponder.ZONE;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.internal.refresh.SoaResponder.Policy;

/** SoaQuery against a scripted primary on 127.0.0.1 (TESTPLAN A13, F7, F8). */
final class SoaQueryTest {

  /** Long enough never to pass while the primary answers; the query returns on the answer. */
  private static final Duration ANSWERED = Duration.ofSeconds(10);
  /** Short, for the cases that must wait out the timeout. */
  private static final Duration SILENCE = Duration.ofMillis(300);

  private static SoaQuery.Result query(SoaResponder r, @Nullable TsigKey key, Duration timeout,
      boolean expire) throws TransferException {
    Primary p = key == null ? Primary.of(r.address()) : Primary.of(r.address(), key);
    return SoaQuery.query(ZONE, p, timeout, CLOCK, System::nanoTime, expire);
  }

  private static void assertAnswer(SoaQuery.Result r, boolean overTcp, int ignored) {
    assertEquals(SERIAL, r.serial().value());
    assertEquals(SoaResponder.soa(SERIAL), r.soa()); // dnsjava's equality: name, type, class, rdata
    assertEquals(3600, r.soa().getTTL());
    assertEquals(overTcp, r.overTcp(), "over tcp");
    assertEquals(ignored, r.ignoredAnswers(), "ignored answers");
  }

  @Nested
  final class Answers {
    @Test
    void query_returnsSerialAndSoa_fromCorrectUdpAnswer() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.CORRECT, null)) {
        SoaQuery.Result res = query(r, null, ANSWERED, false);
        assertAnswer(res, false, 0);
        assertEquals(Optional.empty(), res.expire());
        assertEquals(1, r.queries().size());
      }
    }

    @Test
    void query_acceptsQuestionInOtherCase() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.UPPERCASE_QUESTION, null)) {
        assertAnswer(query(r, null, ANSWERED, false), false, 0);
      }
    }

    @Test
    void query_sendsNonRecursiveSoaQueryWithEdns1232_withoutExpireUnlessAsked() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.CORRECT, null)) {
        query(r, null, ANSWERED, false);
        Message q = r.nextQuery().message();
        assertEquals(Opcode.QUERY, q.getHeader().getOpcode());
        assertFalse(q.getHeader().getFlag(Flags.RD), "rd set");
        assertFalse(q.getHeader().getFlag(Flags.QR), "qr set");
        Record question = q.getQuestion();
        assertEquals(ZONE, question.getName());
        assertEquals(Type.SOA, question.getType());
        assertEquals(DClass.IN, question.getDClass());
        OPTRecord opt = q.getOPT();
        assertNotNull(opt, "no opt record");
        assertEquals(1232, opt.getPayloadSize());
        assertEquals(List.of(), opt.getOptions());
        assertNull(q.getTSIG());
      }
    }

    @Test
    void query_asksForExpireAndReturnsIt_whenPrimarySends600() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.EXPIRE_600, null)) {
        SoaQuery.Result res = query(r, null, ANSWERED, true);
        assertEquals(Optional.of(Duration.ofSeconds(600)), res.expire());
        List<EDNSOption> options = r.nextQuery().message().getOPT().getOptions();
        assertEquals(1, options.size());
        assertEquals(SoaResponse.EXPIRE_OPTION, options.get(0).getCode());
        assertEquals(4, options.get(0).toWire().length, "expire option in a query is empty");
      }
    }

    @Test
    void query_disregardsExpire_whenNotAsked() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.EXPIRE_600, null)) {
        assertEquals(Optional.empty(), query(r, null, ANSWERED, false).expire());
      }
    }

    @Test
    void queries_useFreshIds() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.CORRECT, null)) {
        for (int i = 0; i < 4; i++) {
          query(r, null, ANSWERED, false);
        }
        long distinct = r.queries().stream().mapToInt(q -> q.message().getHeader().getID())
            .distinct().count();
        assertTrue(distinct >= 3, "ids of 4 queries: only " + distinct + " distinct");
      }
    }
  }

  @Nested
  final class Spoofing {
    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"SPOOFED_ID_FIRST", "WRONG_QUESTION_FIRST",
        "OTHER_PORT_FIRST", "SHORT_FIRST", "GARBAGE_FIRST"})
    void query_ignoresAndCountsBogusDatagram_thenTakesTheAnswer(Policy policy) throws Exception {
      try (SoaResponder r = new SoaResponder(policy, null)) {
        assertAnswer(query(r, null, ANSWERED, false), false, 1);
      }
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"SPOOFED_ID_FIRST", "OTHER_PORT_FIRST"})
    void query_ignoresBogusDatagram_whenKeyed(Policy policy) throws Exception {
      try (SoaResponder r = new SoaResponder(policy, KEY)) {
        assertAnswer(query(r, KEY, ANSWERED, false), false, 1);
      }
    }
  }

  @Nested
  final class Failures {
    @Test
    void query_throwsMalformed_whenAaClear() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.AA_CLEAR, null)) {
        MalformedTransferException e = assertThrows(MalformedTransferException.class,
            () -> query(r, null, ANSWERED, false));
        assertTrue(e.getMessage().contains("non-authoritative"), e.getMessage());
      }
    }

    @Test
    void query_throwsRefusedWithRcode_whenPrimaryRefuses() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.REFUSED, null)) {
        TransferRefusedException e = assertThrows(TransferRefusedException.class,
            () -> query(r, null, ANSWERED, false));
        assertEquals(Rcode.REFUSED, e.rcode());
        assertEquals(r.address(), e.remote().orElseThrow());
      }
    }

    @Test
    void query_throwsMalformed_whenAnswerHasNoSoa() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.NON_SOA, null)) {
        MalformedTransferException e = assertThrows(MalformedTransferException.class,
            () -> query(r, null, ANSWERED, false));
        assertTrue(e.getMessage().contains("non-SOA response to SOA query"), e.getMessage());
      }
    }

    @Test
    void query_throwsTimeout_afterUdpAndTcpSilence() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.SILENT, null)) {
        TransferTimeoutException e = assertThrows(TransferTimeoutException.class,
            () -> query(r, null, SILENCE, false));
        assertEquals(SILENCE, e.limit());
        assertEquals(List.of(false, true), r.queries().stream().map(SoaResponder.Query::overTcp)
            .toList(), "one udp query, then one tcp attempt");
      }
    }

    @Test
    void query_throwsTimeoutWithTcpFailureSuppressed_whenUdpSilentAndTcpClosed()
        throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.SILENT_UDP_NO_TCP, null)) {
        TransferTimeoutException e = assertThrows(TransferTimeoutException.class,
            () -> query(r, null, SILENCE, false));
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(TransferConnectionException.class, e.getSuppressed()[0]);
      }
    }

    @Test
    void cancel_failsRunningQuery_withConnectionException() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.SILENT, null)) {
        SoaQuery q = new SoaQuery(ZONE, Primary.of(r.address()), Duration.ofSeconds(30), CLOCK,
            System::nanoTime, false);
        CompletableFuture<SoaQuery.Result> f = CompletableFuture.supplyAsync(() -> {
          try {
            return q.run();
          } catch (TransferException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
        r.nextQuery(); // the query is on the wire: the socket is open and waiting
        q.cancel();
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> f.get(20, TimeUnit.SECONDS));
        assertInstanceOf(TransferConnectionException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("cancelled"), e.getCause().getMessage());
      }
    }
  }

  @Nested
  final class Tcp {
    @Test
    void query_retriesOverTcp_whenUdpAnswerTruncated() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.TC_THEN_TCP, null)) {
        assertAnswer(query(r, null, ANSWERED, false), true, 0);
        SoaResponder.Query udp = r.nextQuery();
        SoaResponder.Query tcp = r.nextQuery();
        assertFalse(udp.overTcp());
        assertTrue(tcp.overTcp());
        assertEquals(udp.message().getQuestion(), tcp.message().getQuestion());
      }
    }

    @Test
    void query_retriesOverTcp_whenTruncatedAndKeyed() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.TC_THEN_TCP, KEY)) {
        assertAnswer(query(r, KEY, ANSWERED, true), true, 0);
      }
    }

    @Test
    void query_fallsBackToTcp_whenUdpSilent() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.SILENT_UDP, null)) {
        assertAnswer(query(r, null, SILENCE, false), true, 0);
      }
    }
  }

  @Nested
  final class Tsig {
    @Test
    void query_signsAndVerifies_whenPrimaryHasKey() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.CORRECT, KEY)) {
        assertAnswer(query(r, KEY, ANSWERED, false), false, 0);
        Message q = r.nextQuery().message();
        assertNotNull(q.getTSIG(), "query not signed");
        assertEquals(KEY.name(), q.getTSIG().getName());
      }
    }

    @Test
    void query_throwsUnsigned_whenKeyedAndAnswerUnsigned() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.UNSIGNED, KEY)) {
        TsigVerificationException e = assertThrows(TsigVerificationException.class,
            () -> query(r, KEY, ANSWERED, false));
        assertEquals(TsigError.UNSIGNED, e.tsigError());
        assertEquals(ZONE, e.zone().orElseThrow());
      }
    }

    @Test
    void query_throwsBadsig_whenMacTampered() throws Exception {
      try (SoaResponder r = new SoaResponder(Policy.BAD_MAC, KEY)) {
        TsigVerificationException e = assertThrows(TsigVerificationException.class,
            () -> query(r, KEY, ANSWERED, false));
        assertEquals(TsigError.BADSIG, e.tsigError());
      }
    }
  }
}
