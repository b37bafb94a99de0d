// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress lines appear only after a second, at most every 250 ms, and only when enabled. */
final class ProgressTest {

  @Test
  void progress_startsAfterOneSecond_thenThrottles() {
    AtomicLong now = new AtomicLong(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), true, now::get);
    now.set(900_000_000L);
    p.update(1, 100, 4096);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    now.set(2_000_000_000L);
    p.update(2, 200_000, 2 * 1048576);
    String line = out.toString(StandardCharsets.UTF_8);
    assertTrue(line.contains("200,000 records, 2.0 MiB, 100,000 records/s"), line);
    now.set(2_100_000_000L);
    p.update(3, 300_000, 3 * 1048576);
    assertEquals(line, out.toString(StandardCharsets.UTF_8), "throttled to 4 per second");
    p.done();
    assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("\r\033[K"));
  }

  @Test
  void progress_isSilent_whenDisabled() {
    AtomicLong now = new AtomicLong(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), false, now::get);
    now.set(5_000_000_000L);
    p.update(1, 1, 1);
    p.done();
    assertEquals(0, out.size());
  }
}
