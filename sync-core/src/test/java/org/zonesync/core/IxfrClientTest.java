// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.zonesync.core.AxfrClientTest.KEY;
import static org.zonesync.core.AxfrClientTest.ZONE;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneDelta;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.internal.xfr.AxfrClient;
import org.zonesync.core.internal.xfr.IxfrClient;
import org.zonesync.core.internal.xfr.IxfrStream.Result;
import org.zonesync.core.internal.zone.CompactZone;

/** IXFR over loopback against a primary with a history, correct and misbehaving (TESTPLAN B, F). */
final class IxfrClientTest {

  static final long FIRST = 2026112401L;

  /** Version k: serial FIRST + k, 40 + k hosts, and every TXT names the serial (so it changes). */
  static CompactZone version(int k) {
    return (CompactZone) Zones.of(ZONE, TestZones.records(ZONE, FIRST + k, 40 + k));
  }

  static List<CompactZone> history(int versions) {
    List<CompactZone> h = new ArrayList<>();
    for (int k = 0; k < versions; k++) {
      h.add(version(k));
    }
    return h;
  }

  static IxfrClient client(FakePrimary p, CompactZone current, @Nullable TsigKey key,
      TransferLimits limits, boolean lenient) {
    Primary primary = key == null ? Primary.of(p.address()) : Primary.of(p.address(), key);
    return new IxfrClient(ZONE, primary, current, limits, 100, lenient, InstantSource.system(),
        System::nanoTime);
  }

  static Result ixfr(FakePrimary p, CompactZone current) throws TransferException {
    return client(p, current, KEY, TransferLimits.DEFAULTS, false)
        .run(AxfrClient.Progress.NONE).outcome();
  }

  static <T extends TransferException> T fails(Class<T> type, FaultPolicy policy,
      TransferLimits limits) throws Exception {
    try (FakePrimary p = FakePrimary.withHistory(history(4), KEY, policy).messageSize(1024)) {
      return assertThrows(type, () -> client(p, version(0), KEY, limits, false)
          .run(AxfrClient.Progress.NONE));
    }
  }

  @Nested
  final class Answers {
    @Test
    void b13_nonCondensed_signed_appliesEveryVersionStep() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), KEY, FaultPolicy.NONE)
          .messageSize(1024)) {
        IxfrClient.Result r = client(p, version(0), KEY, TransferLimits.DEFAULTS, false)
            .run(AxfrClient.Progress.NONE);
        Result.Incremental inc = assertInstanceOf(Result.Incremental.class, r.outcome());
        assertTrue(version(3).contentEquals(inc.zone()));
        assertEquals(3, inc.deltas().size());
        assertTrue(r.messages() > 1, "expected several messages, got " + r.messages());
        assertEquals(1, p.ixfrQueries());
        assertEquals(0, p.axfrQueries());
      }
    }

    @Test
    void b13_condensed_isOneDelta_withTheSameZone() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), KEY, FaultPolicy.NONE)
          .condensed(true)) {
        Result.Incremental inc = assertInstanceOf(Result.Incremental.class,
            ixfr(p, version(0)));
        assertTrue(version(3).contentEquals(inc.zone()));
        assertEquals(1, inc.deltas().size());
      }
    }

    @Test
    void fromTheMiddleOfTheHistory_unsigned() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), null, FaultPolicy.NONE)) {
        Result r = client(p, version(2), null, TransferLimits.DEFAULTS, false)
            .run(AxfrClient.Progress.NONE).outcome();
        Result.Incremental inc = assertInstanceOf(Result.Incremental.class, r);
        assertEquals(1, inc.deltas().size());
        assertTrue(version(3).contentEquals(inc.zone()));
      }
    }

    @Test
    void b13_atTheNewestSerial_isUpToDate() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), KEY, FaultPolicy.NONE)) {
        Result.UpToDate u = assertInstanceOf(Result.UpToDate.class, ixfr(p, version(3)));
        assertEquals(FIRST + 3, u.serial().value());
      }
    }

    @Test
    void b16_primaryOlderThanUs_isUpToDate_neverARollback() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(3), KEY, FaultPolicy.NONE)) {
        Result.UpToDate u = assertInstanceOf(Result.UpToDate.class, ixfr(p, version(5)));
        assertEquals(FIRST + 2, u.serial().value());
      }
    }

    @Test
    void b21_serialNotInTheHistory_getsTheWholeZone() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4).subList(2, 4), KEY,
          FaultPolicy.NONE)) {
        Result.Full f = assertInstanceOf(Result.Full.class, ixfr(p, version(0)));
        assertTrue(version(3).contentEquals(f.zone()));
      }
    }

    @Test
    void b13_axfrStyleAnswer_replacesTheZone() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), KEY,
          FaultPolicy.IXFR_AXFR_STYLE).messageSize(512)) {
        Result.Full f = assertInstanceOf(Result.Full.class, ixfr(p, version(1)));
        assertTrue(version(3).contentEquals(f.zone()));
      }
    }

    @Test
    void b12_lenient_ignoresTheRecordThatIsNotThere() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(3), KEY, FaultPolicy.NOT_EXACT)) {
        Result r = client(p, version(0), KEY, TransferLimits.DEFAULTS, true)
            .run(AxfrClient.Progress.NONE).outcome();
        Result.Incremental inc = assertInstanceOf(Result.Incremental.class, r);
        assertTrue(version(2).contentEquals(inc.zone()));
        assertEquals(2, inc.deltas().size());
      }
    }

    /** dnsjava's own IXFR client reads the same deltas from the same primary. */
    @Test
    void dnsjava_seesTheSameDeltas() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), null, FaultPolicy.NONE)) {
        ZoneTransferIn xfr = ZoneTransferIn.newIXFR(ZONE, FIRST, false,
            p.address().getHostString(), p.address().getPort(), null);
        xfr.run();
        assertTrue(xfr.isIXFR());
        List<ZoneTransferIn.Delta> theirs = xfr.getIXFR();
        Result.Incremental ours = assertInstanceOf(Result.Incremental.class,
            client(p, version(0), null, TransferLimits.DEFAULTS, false)
                .run(AxfrClient.Progress.NONE).outcome());
        assertEquals(theirs.size(), ours.deltas().size());
        for (int i = 0; i < theirs.size(); i++) {
          ZoneTransferIn.Delta t = theirs.get(i);
          ZoneDelta o = ours.deltas().get(i).toZoneDelta();
          assertEquals(t.start, o.from().value());
          assertEquals(t.end, o.to().value());
          assertEquals(withoutSoa(t.deletes), new HashSet<>(o.deleted()));
          assertEquals(withoutSoa(t.adds), new HashSet<>(o.added()));
        }
      }
    }
  }

  static Set<Record> withoutSoa(List<Record> records) {
    Set<Record> s = new HashSet<>(records);
    s.removeIf(r -> r.getType() == Type.SOA);
    return s;
  }

  @Nested
  final class Fallback {
    @Test
    void b14_notimp_thenAxfrFromTheSamePrimary_givesTheNewest() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(3), KEY, FaultPolicy.IXFR_NOTIMP)) {
        TransferRefusedException e = assertThrows(TransferRefusedException.class,
            () -> ixfr(p, version(0)));
        assertEquals(Rcode.NOTIMP, e.rcode());
        CompactZone z = new AxfrClient(ZONE, Primary.of(p.address(), KEY),
            TransferLimits.DEFAULTS, InstantSource.system(), System::nanoTime)
            .run(AxfrClient.Progress.NONE).zone();
        assertTrue(version(2).contentEquals(z));
        assertEquals(1, p.ixfrQueries());
        assertEquals(1, p.axfrQueries());
      }
    }

    @Test
    void b14_signedEmptyAnswer_isMalformed_notATsigFailure() throws Exception {
      MalformedTransferException e = fails(MalformedTransferException.class,
          FaultPolicy.IXFR_EMPTY, TransferLimits.DEFAULTS);
      assertTrue(e.getMessage().contains("empty answer section"), e.getMessage());
    }

    @Test
    void b10_serialGap_isOutOfSync() throws Exception {
      MalformedTransferException e = fails(MalformedTransferException.class,
          FaultPolicy.SERIAL_GAP, TransferLimits.DEFAULTS);
      assertTrue(e.getMessage().contains("IXFR out of sync: expected serial " + FIRST
          + ", got " + (FIRST + 1)), e.getMessage());
    }

    @Test
    void b12_notExact_isRejectedByDefault() throws Exception {
      MalformedTransferException e = fails(MalformedTransferException.class,
          FaultPolicy.NOT_EXACT, TransferLimits.DEFAULTS);
      assertTrue(e.getMessage().contains("deletes a record the zone lacks: "
          + FakePrimary.NOT_EXACT_OWNER), e.getMessage());
    }

    @Test
    void d2_tooManyRecords_isATypedFailure() throws Exception {
      MalformedTransferException e = fails(MalformedTransferException.class, FaultPolicy.NONE,
          TransferLimits.DEFAULTS.withMaxRecords(20));
      assertTrue(e.getMessage().contains("limit of 20 records"), e.getMessage());
    }

    @Test
    void d2_tooManyDeltas_isATypedFailure() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), KEY, FaultPolicy.NONE)) {
        IxfrClient c = new IxfrClient(ZONE, Primary.of(p.address(), KEY), version(0),
            TransferLimits.DEFAULTS, 2, false, InstantSource.system(), System::nanoTime);
        MalformedTransferException e = assertThrows(MalformedTransferException.class,
            () -> c.run(AxfrClient.Progress.NONE));
        assertTrue(e.getMessage().contains("more than 2 deltas"), e.getMessage());
      }
    }
  }

  @Nested
  final class Faults {
    @Test
    void b7_wrongIdInMessage2() throws Exception {
      assertEquals(2, fails(MalformedTransferException.class, FaultPolicy.WRONG_ID,
          TransferLimits.DEFAULTS).messageNumber());
    }

    @Test
    void c2_badMacInMessage2() throws Exception {
      assertEquals(TsigError.BADSIG, fails(TsigVerificationException.class,
          FaultPolicy.BAD_MAC, TransferLimits.DEFAULTS).tsigError());
    }

    @Test
    void c1_unsignedAnswer() throws Exception {
      assertEquals(TsigError.UNSIGNED, fails(TsigVerificationException.class,
          FaultPolicy.UNSIGNED, TransferLimits.DEFAULTS).tsigError());
    }

    @Test
    void refused() throws Exception {
      assertEquals(Rcode.REFUSED, fails(TransferRefusedException.class, FaultPolicy.REFUSED,
          TransferLimits.DEFAULTS).rcode());
    }

    @Test
    void b6_missingFinalSoa() throws Exception {
      TransferConnectionException e = fails(TransferConnectionException.class,
          FaultPolicy.MISSING_FINAL_SOA, TransferLimits.DEFAULTS);
      assertTrue(e.getMessage().contains("before the closing SOA"), e.getMessage());
    }

    @Test
    void f2_stalledPrimary_hitsTheIdleTimeout() throws Exception {
      TransferTimeoutException e = fails(TransferTimeoutException.class, FaultPolicy.STALL,
          TransferLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300),
              Duration.ofSeconds(30)));
      assertEquals(TransferTimeoutException.Kind.IDLE, e.kind());
    }

    @Test
    void d6_drippingPrimary_hitsTheTransferDeadline() throws Exception {
      TransferLimits limits = TransferLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(5),
          Duration.ofSeconds(5), Duration.ofMillis(400));
      try (FakePrimary p = FakePrimary.withHistory(history(2), KEY, FaultPolicy.DRIP)
          .dripMillis(10)) {
        TransferTimeoutException e = assertThrows(TransferTimeoutException.class,
            () -> client(p, version(0), KEY, limits, false).run(AxfrClient.Progress.NONE));
        assertEquals(TransferTimeoutException.Kind.TRANSFER, e.kind());
      }
    }

    @Test
    void cancel_endsAStalledTransfer() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(4), KEY, FaultPolicy.STALL)
          .messageSize(1024)) {
        IxfrClient c = client(p, version(0), KEY, TransferLimits.DEFAULTS, false);
        CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
          try {
            c.run(AxfrClient.Progress.NONE);
            return new AssertionError("transfer succeeded");
          } catch (TransferException e) {
            return e;
          }
        });
        while (p.connections() == 0) {
          Thread.onSpinWait();
        }
        c.cancel();
        Throwable t = failure.get(10, TimeUnit.SECONDS);
        assertInstanceOf(TransferConnectionException.class, t);
        assertEquals("transfer cancelled", t.getMessage());
      }
    }

    /** F1: a signed multi-message IXFR cut at every byte never yields a zone. */
    @Test
    void f1_cutAtEveryByte_neverSucceeds_andAlwaysFailsTyped() throws Exception {
      try (FakePrimary p = FakePrimary.withHistory(history(3), KEY,
          FaultPolicy.DISCONNECT_MID_STREAM).messageSize(512)) {
        for (int cut = 0; ; cut++) {
          p.cutAt(cut);
          IxfrClient.Result r;
          try {
            r = client(p, version(0), KEY, TransferLimits.DEFAULTS, false)
                .run(AxfrClient.Progress.NONE);
          } catch (TransferConnectionException | MalformedTransferException expected) {
            assertTrue(expected.isRetryable());
            continue;
          } catch (TsigVerificationException e) {
            fail("cut at " + cut + " reported as TSIG failure: " + e.getMessage());
            return;
          }
          assertEquals(cut, r.bytes(), "a stream cut at byte " + cut + " was accepted");
          assertTrue(cut > 1500, "stream of " + cut + " bytes is too short to mean much");
          assertTrue(r.messages() > 2);
          assertTrue(version(2).contentEquals(((Result.Incremental) r.outcome()).zone()));
          return;
        }
      }
    }
  }

  @Test
  void constructor_rejectsBadArguments() {
    Primary primary = Primary.of(new java.net.InetSocketAddress(
        java.net.InetAddress.getLoopbackAddress(), 53));
    assertThrows(IllegalArgumentException.class, () -> new IxfrClient(ZONE, primary,
        version(0), TransferLimits.DEFAULTS, 0, false, InstantSource.system(),
        System::nanoTime));
    CompactZone other = (CompactZone) Zones.of(org.xbill.DNS.Name.fromConstantString(
        "example.org."), TestZones.records(org.xbill.DNS.Name.fromConstantString(
            "example.org."), 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new IxfrClient(ZONE, primary, other,
        TransferLimits.DEFAULTS, 1, false, InstantSource.system(), System::nanoTime));
  }
}
