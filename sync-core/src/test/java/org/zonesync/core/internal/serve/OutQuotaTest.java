// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class OutQuotaTest {

  private static InetAddress host(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) i});
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"0|1|total transfers out must be at least 1, got 0",
      "-3|1|total transfers out must be at least 1, got -3",
      "1|0|transfers out per client must be at least 1, got 0"})
  void constructor_rejectsLimitBelowOne(int total, int perClient, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new OutQuota(total, perClient));
    assertEquals(message, e.getMessage());
  }

  @Test
  void withDefaults_isTenTotalTwoPerClient() {
    OutQuota q = OutQuota.withDefaults();
    assertEquals(10, q.total());
    assertEquals(2, q.perClient());
  }

  @Test
  void tryAcquire_stopsAtPerClientLimit_otherClientsUnaffected() throws Exception {
    OutQuota q = new OutQuota(10, 2);
    Optional<OutQuota.Slot> a1 = q.tryAcquire(host(1));
    Optional<OutQuota.Slot> a2 = q.tryAcquire(host(1));
    assertTrue(a1.isPresent() && a2.isPresent());
    assertEquals(Optional.empty(), q.tryAcquire(host(1)));
    assertTrue(q.tryAcquire(host(2)).isPresent());
    assertEquals(2, q.inUse(host(1)));
    assertEquals(1, q.inUse(host(2)));
    assertEquals(0, q.inUse(host(3)));
    assertEquals(3, q.inUse());
    a1.orElseThrow().close();
    assertEquals(1, q.inUse(host(1)));
    assertTrue(q.tryAcquire(host(1)).isPresent());
  }

  @Test
  void tryAcquire_stopsAtTotal_acrossClients() throws Exception {
    OutQuota q = new OutQuota(3, 2);
    List<OutQuota.Slot> held = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      held.add(q.tryAcquire(host(i)).orElseThrow());
    }
    assertEquals(Optional.empty(), q.tryAcquire(host(4)));
    assertEquals(Optional.empty(), q.tryAcquire(host(1)));
    assertEquals(0, q.inUse(host(4)));
    assertEquals(3, q.trackedClients());
    held.get(1).close();
    OutQuota.Slot s = q.tryAcquire(host(4)).orElseThrow();
    assertEquals(host(4), s.client());
    assertEquals(3, q.inUse());
  }

  @Test
  void close_twice_releasesOnce() throws Exception {
    OutQuota q = new OutQuota(10, 2);
    OutQuota.Slot first = q.tryAcquire(host(1)).orElseThrow();
    q.tryAcquire(host(1)).orElseThrow();
    first.close();
    first.close();
    assertEquals(1, q.inUse());
    assertEquals(1, q.inUse(host(1)));
    q.tryAcquire(host(1)).orElseThrow(); // exactly one was freed: back at the limit of 2
    assertEquals(Optional.empty(), q.tryAcquire(host(1)));
    assertEquals(2, q.inUse());
  }

  @Test
  void close_last_forgetsClient() throws Exception {
    OutQuota q = new OutQuota(10, 2);
    for (int round = 0; round < 3; round++) {
      List<OutQuota.Slot> held = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        held.add(q.tryAcquire(host(round * 10 + i)).orElseThrow());
      }
      assertEquals(5, q.trackedClients());
      held.forEach(OutQuota.Slot::close);
      assertEquals(0, q.trackedClients());
      assertEquals(0, q.inUse());
    }
  }

  @Test
  void tryAcquire_ipv4MappedAndPlain_countAsOneClient() throws Exception {
    OutQuota q = new OutQuota(10, 2);
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(host(9).getAddress(), 0, mapped, 12, 4);
    InetAddress viaV6 = Inet6Address.getByAddress(null, mapped, -1);
    OutQuota.Slot s = q.tryAcquire(viaV6).orElseThrow();
    q.tryAcquire(host(9)).orElseThrow();
    assertEquals(Optional.empty(), q.tryAcquire(host(9)));
    assertEquals(2, q.inUse(viaV6));
    assertEquals(host(9), s.client());
  }

  @Test
  void tryAcquire_ignoresHostName() throws Exception {
    OutQuota q = new OutQuota(10, 1);
    InetAddress named = InetAddress.getByAddress("ns2.example", host(7).getAddress());
    q.tryAcquire(named).orElseThrow();
    assertEquals(Optional.empty(), q.tryAcquire(host(7)));
  }
}
