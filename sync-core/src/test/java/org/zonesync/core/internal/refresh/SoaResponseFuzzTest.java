// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.refresh.SoaResponder.CLOCK;
import static org.zonesync.core.internal.refresh.SoaResponder.KEY;
import static org.zonesync.core.internal.refresh.SoaResponder.ZONE;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.TransferException;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * {@link SoaResponse#check} on arbitrary bytes, unkeyed and keyed, as if over UDP and over TCP.
 * Invariant: the verdict is "ignored", "truncated" (UDP only, TC set) or an answer whose header,
 * apex SOA and EXPIRE agree with the bytes (and with dnsjava's parse when dnsjava parses them);
 * the only exception is a {@link TransferException}. The expected ID is the message's own, so
 * the fuzzer gets past the ID check. Seeds (a correct answer with EXPIRE, one signed for
 * {@link #REQUEST_MAC}, BIND's capture, TC, REFUSED, a short one) run in every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
final class SoaResponseFuzzTest {

  /** The request MAC the keyed verifier expects; the signed seed was signed against it. */
  static final byte[] REQUEST_MAC = new byte[32];

  private static final InetSocketAddress REMOTE =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 53);

  @FuzzTest(maxDuration = "30s")
  void check_ignoresThrowsTypedOrReturnsTheApexSoa(byte[] input) {
    int id = input.length >= 2 ? ((input[0] & 0xFF) << 8) | (input[1] & 0xFF) : 0;
    for (boolean keyed : new boolean[] {false, true}) {
      for (boolean tcp : new boolean[] {false, true}) {
        TsigStreamVerifier verifier =
            keyed ? new TsigStreamVerifier(KEY, REQUEST_MAC, CLOCK) : null;
        SoaResponse.Verdict v;
        try {
          v = new SoaResponse(ZONE, id, verifier, true, REMOTE).check(input, input.length, tcp);
        } catch (TransferException expected) {
          continue;
        }
        if (v instanceof SoaResponse.Ignored i) {
          assertFalse(i.reason().isEmpty());
        } else if (v instanceof SoaResponse.Truncated) {
          assertFalse(tcp, "truncated verdict over tcp");
          assertTrue((input[2] & 0x02) != 0, "truncated verdict without TC");
        } else {
          checkAnswer(input, (SoaResponse.Answer) v);
        }
      }
    }
  }

  private static void checkAnswer(byte[] input, SoaResponse.Answer a) {
    assertTrue(input.length >= 12);
    assertTrue((input[2] & 0x80) != 0, "qr clear");
    assertTrue((input[2] & 0x04) != 0, "aa clear");
    assertEquals(0, input[2] & 0x78, "opcode");
    assertEquals(0, input[3] & 0x0F, "rcode");
    assertEquals(ZONE, a.soa().getName());
    assertEquals(Type.SOA, a.soa().getType());
    a.expire().ifPresent(d -> assertTrue(d.compareTo(Duration.ofSeconds(0xFFFF_FFFFL)) <= 0));
    Message m;
    try {
      m = new Message(input);
    } catch (IOException | RuntimeException dnsjavaIsStricter) {
      return; // e.g. RDATA of a type whose syntax dnsjava checks and this reader copies raw
    }
    List<Record> soas = m.getSection(Section.ANSWER).stream()
        .filter(r -> r.getType() == Type.SOA && r.getDClass() == DClass.IN
            && r.getName().equals(ZONE)).toList();
    assertEquals(List.of(a.soa()), soas, "dnsjava sees other apex SOAs");
    assertEquals(a.soa().getTTL(), soas.get(0).getTTL());
  }
}
