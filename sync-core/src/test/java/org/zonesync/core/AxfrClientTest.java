// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.internal.xfr.AxfrClient;

/** AXFR over loopback against a primary that misbehaves in each of the ways of TESTPLAN A-F. */
final class AxfrClientTest {

  static final Name ZONE = Name.fromConstantString("example.com.");
  static final TsigKey KEY = TsigKey.of(Name.fromConstantString("xfr-key."),
      TsigAlgorithm.HMAC_SHA256, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
          16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

  static ZoneSnapshot zone(int hosts) {
    return Zones.of(ZONE, TestZones.records(ZONE, 2026112401L, hosts));
  }

  static ZoneSnapshot axfr(FakePrimary p, TransferLimits limits) throws TransferException {
    Primary primary = Primary.of(p.address(), KEY);
    return new AxfrClient(ZONE, primary, limits, InstantSource.system(), System::nanoTime)
        .run(AxfrClient.Progress.NONE).zone();
  }

  static <T extends TransferException> T fails(Class<T> type, FaultPolicy policy,
      TransferLimits limits) throws IOException {
    try (FakePrimary p = FakePrimary.start(zone(200), KEY, policy).messageSize(1024)) {
      return assertThrows(type, () -> axfr(p, limits));
    }
  }

  @Test
  void axfr_transfersTheWholeZone_signed() throws Exception {
    ZoneSnapshot source = zone(500);
    try (FakePrimary p = FakePrimary.start(source, KEY, FaultPolicy.NONE).messageSize(1024)) {
      ZoneSnapshot copy = axfr(p, TransferLimits.DEFAULTS);
      assertEquals(source, copy);
      assertEquals(source.recordCount(), copy.recordCount());
    }
  }

  @Test
  void axfr_transfersTheWholeZone_unsigned() throws Exception {
    ZoneSnapshot source = zone(50);
    try (FakePrimary p = FakePrimary.start(source, null, FaultPolicy.NONE)) {
      ZoneSnapshot copy = new AxfrClient(ZONE, Primary.of(p.address()), TransferLimits.DEFAULTS,
          InstantSource.system(), System::nanoTime).run(AxfrClient.Progress.NONE).zone();
      assertEquals(source, copy);
    }
  }

  @Test
  void b7_wrongIdInMessage2_isMalformed() throws Exception {
    MalformedTransferException e = fails(MalformedTransferException.class, FaultPolicy.WRONG_ID,
        TransferLimits.DEFAULTS);
    assertEquals(2, e.messageNumber());
  }

  @Test
  void c2_badMacInMessage2_isBadsig() throws Exception {
    TsigVerificationException e = fails(TsigVerificationException.class, FaultPolicy.BAD_MAC,
        TransferLimits.DEFAULTS);
    assertEquals(TsigError.BADSIG, e.tsigError());
    assertEquals(ZONE, e.zone().orElseThrow());
  }

  @Test
  void c1_unsignedAnswer_toSignedQuery_isRejected() throws Exception {
    TsigVerificationException e = fails(TsigVerificationException.class, FaultPolicy.UNSIGNED,
        TransferLimits.DEFAULTS);
    assertEquals(TsigError.UNSIGNED, e.tsigError());
  }

  @Test
  void b6_missingFinalSoa_isAConnectionFailure() throws Exception {
    TransferConnectionException e = fails(TransferConnectionException.class,
        FaultPolicy.MISSING_FINAL_SOA, TransferLimits.DEFAULTS);
    assertTrue(e.getMessage().contains("before the closing SOA"), e.getMessage());
    assertTrue(e.isRetryable());
  }

  @Test
  void refused_isTyped() throws Exception {
    TransferRefusedException e = fails(TransferRefusedException.class, FaultPolicy.REFUSED,
        TransferLimits.DEFAULTS);
    assertEquals(Rcode.REFUSED, e.rcode());
    assertEquals("REFUSED", e.reason());
  }

  @Test
  void d6_stalledPrimary_hitsTheIdleTimeout() throws Exception {
    TransferLimits limits = TransferLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(5),
        Duration.ofMillis(300), Duration.ofSeconds(30));
    TransferTimeoutException e = fails(TransferTimeoutException.class, FaultPolicy.STALL,
        limits);
    assertEquals(TransferTimeoutException.Kind.IDLE, e.kind());
    assertEquals("idle timeout after 0.300 s", e.reason());
  }

  @Test
  void d6_drippingPrimary_hitsTheTransferDeadline_thoughNeverIdle() throws Exception {
    TransferLimits limits = TransferLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(5),
        Duration.ofSeconds(5), Duration.ofMillis(400));
    try (FakePrimary p = FakePrimary.start(zone(20), KEY, FaultPolicy.DRIP).dripMillis(10)) {
      TransferTimeoutException e = assertThrows(TransferTimeoutException.class,
          () -> axfr(p, limits));
      assertEquals(TransferTimeoutException.Kind.TRANSFER, e.kind());
    }
  }

  @Test
  void connectionRefused_isAConnectionFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Primary nobody = Primary.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    TransferConnectionException e = assertThrows(TransferConnectionException.class,
        () -> new AxfrClient(ZONE, nobody, TransferLimits.DEFAULTS, InstantSource.system(),
            System::nanoTime).run(AxfrClient.Progress.NONE));
    assertTrue(e.getMessage().startsWith("cannot connect"), e.getMessage());
  }

  @Test
  void cancel_endsAStalledTransfer() throws Exception {
    try (FakePrimary p = FakePrimary.start(zone(200), KEY, FaultPolicy.STALL)
        .messageSize(1024)) {
      AxfrClient client = new AxfrClient(ZONE, Primary.of(p.address(), KEY),
          TransferLimits.DEFAULTS, InstantSource.system(), System::nanoTime);
      CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
        try {
          client.run(AxfrClient.Progress.NONE);
          return new AssertionError("transfer succeeded");
        } catch (TransferException e) {
          return e;
        }
      });
      while (p.connections() == 0) {
        Thread.onSpinWait();
      }
      client.cancel();
      Throwable t = failure.get(10, TimeUnit.SECONDS);
      assertInstanceOf(TransferConnectionException.class, t);
      assertEquals("transfer cancelled", t.getMessage());
    }
  }

  /** F1: the stream cut at every byte boundary never yields a zone. */
  @Test
  void f1_cutAtEveryByte_neverSucceeds_andAlwaysFailsTyped() throws Exception {
    ZoneSnapshot source = zone(30);
    int length;
    try (FakePrimary p = FakePrimary.start(source, KEY, FaultPolicy.NONE).messageSize(512)) {
      length = p.framedAnswer(1).length;
    }
    assertTrue(length > 1000, "stream of " + length + " bytes is too short to mean much");
    try (FakePrimary p = FakePrimary.start(source, KEY, FaultPolicy.DISCONNECT_MID_STREAM)
        .messageSize(512)) {
      for (int cut = 0; cut < length; cut++) {
        p.cutAt(cut);
        try {
          axfr(p, TransferLimits.DEFAULTS);
          fail("a stream cut at byte " + cut + " of " + length + " was accepted");
        } catch (TransferConnectionException | MalformedTransferException expected) {
          // typed, retryable
          assertTrue(expected.isRetryable());
        } catch (TsigVerificationException e) {
          fail("cut at " + cut + " reported as TSIG failure: " + e.getMessage());
        }
      }
      p.cutAt(Integer.MAX_VALUE);
      assertEquals(source, axfr(p, TransferLimits.DEFAULTS));
    }
  }

  static List<Record> records(int n) {
    return TestZones.records(ZONE, 1, n);
  }
}
