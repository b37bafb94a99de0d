// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Fuzz target for the request path of serving onward ({@link ZoneSync#transferResponder()}),
 * TESTPLAN A14: any bytes, handed in as a TCP request and as a datagram. Invariants: nothing is
 * thrown (the sink never fails); a datagram gets at most one answer; DROPPED writes nothing,
 * ANSWERED exactly one message, only TRANSFERRED several; every answer parses with dnsjava, has
 * QR set and echoes the request's ID; an answer that is not NOERROR carries no answer records.
 * Seeds in {@code ServingFuzzTestInputs/respond_answersAreWellFormed} (AXFR, IXFR, SOA, EDNS
 * EXPIRE, a signed AXFR, malformed ones); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
final class ServingFuzzTest {

  private static final ZoneSync SYNC = start();

  private static ZoneSync start() {
    ZoneSync s = ZoneSync.builder().transferKeys(ServingFixtures.KEY_A).build();
    try {
      s.addPrimary(ServingFixtures.ZONE, ZoneSource.of(ServingFixtures.zone(
          ServingFixtures.ZONE, 100, 3)), ZoneServing.builder().allowTransfer("key:key-a.",
          "127.0.0.1").build());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return s;
  }

  @FuzzTest(maxDuration = "2m")
  void respond_answersAreWellFormed(byte[] data) throws Exception {
    for (TransferResponder.Transport t : TransferResponder.Transport.values()) {
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      TransferResponder.Result res = SYNC.transferResponder().respond(data, data.length,
          ServingFixtures.CLIENT, t, r);
      List<byte[]> got = List.copyOf(r.messages);
      switch (res) {
        case DROPPED -> assertEquals(0, got.size(), t + " dropped but answered");
        case ANSWERED -> assertEquals(1, got.size(), t + " answered");
        case TRANSFERRED -> assertTrue(t == TransferResponder.Transport.TCP && got.size() >= 1,
            "a transfer over " + t);
        default -> throw new AssertionError(res);
      }
      for (byte[] a : got) {
        assertTrue(a.length >= 12 && a.length <= 65535, "length " + a.length);
        Message m = ServingFixtures.parse(a);
        assertTrue(m.getHeader().getFlag(Flags.QR), "QR set");
        assertEquals(((data[0] & 0xFF) << 8) | (data[1] & 0xFF), m.getHeader().getID());
        if (m.getRcode() != Rcode.NOERROR) {
          assertEquals(0, m.getSection(org.xbill.DNS.Section.ANSWER).size(), "error with data");
        }
      }
    }
  }
}
