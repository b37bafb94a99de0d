// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.zonesync.core.Dig.KEY;
import static org.zonesync.core.Dig.ZONE;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.refresh.SoaQuery;

/**
 * The refresh engine's own SOA client, {@link SoaQuery}, against TransferServer: a real consumer
 * of the UDP answers, signed and unsigned, with and without EDNS EXPIRE.
 */
final class TransferServerSoaQueryTest {

  private static final ZoneSnapshot ZONE_V = Dig.zone(2026112405L);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static SoaQuery.Result ask(TransferServer server, Name zone, Optional<TsigKey> key,
      boolean expire) throws TransferException {
    Primary p = key.map(k -> Primary.of(server.address(), k))
        .orElseGet(() -> Primary.of(server.address()));
    return SoaQuery.query(zone, p, TIMEOUT, InstantSource.system(), System::nanoTime, expire);
  }

  @Test
  void unsigned_fromAnAllowedAddress_getsSerialSoaAndExpire_overUdp() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(ZONE_V)
        .allowUnsigned(Dig.loopback()).start()) {
      SoaQuery.Result r = ask(server, ZONE, Optional.empty(), true);
      assertEquals(ZONE_V.serial(), r.serial());
      assertEquals(ZONE_V.soa(), r.soa());
      assertEquals(Optional.of(Duration.ofSeconds(ZONE_V.soa().getExpire())), r.expire());
      assertFalse(r.overTcp(), "answered over UDP");
      assertEquals(0, r.ignoredAnswers());
    }
  }

  @Test
  void signed_fromAnAddressNotAllowedUnsigned_getsTheVerifiedAnswer() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(ZONE_V).keys(KEY).start()) {
      SoaQuery.Result r = ask(server, ZONE, Optional.of(KEY), true);
      assertEquals(ZONE_V.soa(), r.soa());
      assertEquals(Optional.of(Duration.ofSeconds(1209600)), r.expire());
      assertFalse(r.overTcp());
      assertEquals(0, r.ignoredAnswers(), "the signed answer is taken at once");
    }
  }

  @Test
  void withoutExpire_theResultHasNone() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(ZONE_V).keys(KEY).start()) {
      SoaQuery.Result r = ask(server, ZONE, Optional.of(KEY), false);
      assertEquals(ZONE_V.serial(), r.serial());
      assertEquals(Optional.empty(), r.expire());
    }
  }

  @Test
  void afterPublish_theClientSeesTheNewSerial() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(ZONE_V).keys(KEY).start()) {
      ZoneSnapshot next = Dig.zone(2026112406L);
      server.publish(next);
      assertEquals(next.serial(), ask(server, ZONE, Optional.of(KEY), true).serial());
    }
  }

  @Test
  void unsigned_fromAnAddressNotAllowed_isRefused() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(ZONE_V).keys(KEY).start()) {
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> ask(server, ZONE, Optional.empty(), true));
      assertEquals(Rcode.REFUSED, e.rcode());
    }
  }

  @Test
  void zoneNotHeld_isRefused() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(ZONE_V).keys(KEY).start()) {
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> ask(server, Name.fromConstantString("example.net."), Optional.of(KEY), true));
      assertEquals(Rcode.REFUSED, e.rcode());
    }
  }

  @Test
  void keyWithAnotherSecret_failsAtOnceWithTheServersBadsig() throws Exception {
    TsigKey wrong = TsigKey.of(KEY.name(), TsigAlgorithm.HMAC_SHA256, Dig.OTHER_SECRET);
    try (TransferServer server = TransferServer.builder().zone(ZONE_V).keys(KEY)
        .allowUnsigned(Dig.loopback()).start()) {
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> ask(server, ZONE, Optional.of(wrong), true));
      assertEquals(TsigError.BADSIG, e.tsigError());
    }
  }
}
