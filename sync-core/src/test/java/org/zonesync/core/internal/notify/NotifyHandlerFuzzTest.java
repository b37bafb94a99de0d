// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.zonesync.core.internal.notify.Outcome.Reason;

/**
 * Fuzz target for {@link NotifyHandler#handle} (TESTPLAN A12, A15). Invariants on any bytes: no
 * exception escapes and none is swallowed ({@link Reason#INTERNAL_ERROR} never occurs); an answer
 * exists exactly for the reasons that answer; every answer parses with dnsjava and has QR set,
 * opcode NOTIFY, AA set and the request's ID; an accepted NOTIFY is answered NOERROR. The first
 * byte picks the source (a primary or a stranger), the rest is the message. Seeds are in {@code
 * NotifyHandlerFuzzTestInputs/handle_answersAreWellFormed} (valid, signed with the fixture key at
 * the fixture time, and broken variants); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
final class NotifyHandlerFuzzTest {
  private static final NotifyHandler HANDLER =
      new NotifyHandler(NotifyFixtures.POLICY, NotifyFixtures.CLOCK, l -> { });

  @FuzzTest(maxDuration = "2m")
  void handle_answersAreWellFormed(byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    InetSocketAddress source =
        (data[0] & 1) == 0 ? NotifyFixtures.PRIMARY : NotifyFixtures.STRANGER;
    byte[] msg = java.util.Arrays.copyOfRange(data, 1, data.length);
    Outcome o = HANDLER.handle(msg, msg.length, source);

    assertNotEquals(Reason.INTERNAL_ERROR, o.reason(), "an exception was caught inside handle");
    assertEquals(!o.reason().dropped(), o.response().isPresent(), () -> "reason " + o.reason());
    assertEquals(o.reason() == Reason.ACCEPTED, o.accepted().isPresent());
    if (o.response().isEmpty()) {
      return;
    }
    byte[] answer = o.response().get();
    assertTrue(msg.length >= 12 && answer.length >= 12 && answer.length <= 65535);
    Message m = new Message(answer); // throws if dnsjava cannot parse it
    assertEquals(((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF), m.getHeader().getID());
    assertTrue(m.getHeader().getFlag(Flags.QR));
    assertTrue(m.getHeader().getFlag(Flags.AA));
    assertEquals(Opcode.NOTIFY, m.getHeader().getOpcode());
    assertTrue(m.getHeader().getCount(org.xbill.DNS.Section.QUESTION) <= 1);
    if (o.reason() == Reason.ACCEPTED) {
      assertEquals(Rcode.NOERROR, m.getHeader().getRcode());
    } else {
      assertNotEquals(Rcode.NOERROR, m.getHeader().getRcode());
    }
  }
}
