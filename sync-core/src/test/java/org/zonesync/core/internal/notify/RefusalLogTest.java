// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notify.NotifyFixtures.STRANGER;
import static org.zonesync.core.internal.notify.NotifyFixtures.ZONE;
import static org.zonesync.core.internal.notify.NotifyFixtures.notifyMsg;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zonesync.core.internal.notify.NotifyFixtures.MutableClock;
import org.zonesync.core.internal.notify.Outcome.Reason;

/** Refusal log lines are rate-limited per source and overall, under a hand-moved clock (D11). */
final class RefusalLogTest {
  private final MutableClock clock = new MutableClock();
  private final List<String> lines = new ArrayList<>();
  private final NotifyHandler handler = new NotifyHandler(NotifyFixtures.POLICY, clock, lines::add);
  private final byte[] refused = notifyMsg(1, ZONE).toWire();

  private void refuse(InetSocketAddress from) {
    assertEquals(Reason.NOT_A_PRIMARY, handler.handle(refused, refused.length, from).reason());
  }

  @Test
  void oneLinePerSourcePerSecond_thenTheCountOfSuppressedLines() {
    for (int i = 0; i < 5; i++) {
      refuse(STRANGER);
    }
    assertEquals(1, lines.size());
    assertEquals(4, handler.suppressedLogLines());

    InetSocketAddress other = NotifyFixtures.socket("198.51.100.8", 53);
    refuse(other);
    assertEquals(2, lines.size(), "another source has its own budget");

    clock.advanceMillis(999);
    refuse(STRANGER);
    assertEquals(2, lines.size(), "still inside the one-second window");

    clock.advanceMillis(1);
    refuse(STRANGER);
    assertEquals(3, lines.size());
    assertTrue(lines.get(2).endsWith("(5 similar suppressed)"), lines.get(2));
    assertTrue(lines.get(2).startsWith("refused notify from non-primary: 198.51.100.7:5353"),
        lines.get(2));
  }

  @Test
  void manySourcesInOneSecond_areCappedOverall() {
    int sources = 3 * RefusalLog.GLOBAL_PER_SECOND;
    for (int i = 0; i < sources; i++) {
      refuse(NotifyFixtures.socket("203.0.113." + i, 53));
    }
    assertEquals(RefusalLog.GLOBAL_PER_SECOND, lines.size());
    assertEquals(sources - RefusalLog.GLOBAL_PER_SECOND, handler.suppressedLogLines());
    clock.advanceMillis(1000);
    refuse(NotifyFixtures.socket("203.0.113.250", 53));
    assertEquals(RefusalLog.GLOBAL_PER_SECOND + 1, lines.size(), "a new second, a new budget");
  }

  @Test
  void dropsAreRateLimitedToo() {
    byte[] shortMsg = new byte[5];
    for (int i = 0; i < 100; i++) {
      assertEquals(Reason.MALFORMED, handler.handle(shortMsg, shortMsg.length, STRANGER).reason());
    }
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).contains("5 bytes is shorter than the 12-byte header"), lines.get(0));
  }

  @Test
  void aClockGoingBack_opensANewWindow_insteadOfSilencingTheSource() {
    refuse(STRANGER);
    clock.advanceMillis(-5000);
    refuse(STRANGER);
    assertEquals(2, lines.size());
  }
}
