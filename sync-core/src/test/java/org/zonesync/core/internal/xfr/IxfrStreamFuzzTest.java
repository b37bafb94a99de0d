// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * The whole IXFR-in path on arbitrary bytes: TCP framing, the message reader, the IXFR state
 * machine and the copy-on-write apply. Invariants: only the declared exceptions escape; our zone
 * is never modified; a committed result carries the serial of the answer's first SOA (read by
 * dnsjava, a second parser) and passed every check: up to date only when that serial is not
 * newer than ours; incremental only as a chain of increasing deltas from our serial to it; and
 * the new zone has one SOA at the apex, apex NS and nothing outside the zone; the EDNS EXPIRE
 * value is the one dnsjava reads from the first message (when dnsjava parses it). Seeds (valid
 * and broken answers of each style) run in every build.
 */
final class IxfrStreamFuzzTest {

  private static final TransferLimits LIMITS = TransferLimits.DEFAULTS.withMaxRecords(20_000)
      .withMaxBytes(4 << 20);
  /** Our version: serial 7, three hosts (the zone the seeds were made against). */
  private static final CompactZone CURRENT = IxfrFixtures.compact(XfrFixtures.zone(7, 3));
  private static final CompactZone COPY = IxfrFixtures.compact(XfrFixtures.zone(7, 3));

  @FuzzTest(maxDuration = "30s")
  void stream_commitsOnlyAVerifiedChain(byte[] input) throws IOException {
    TcpMessageInput in = new TcpMessageInput(new ByteArrayInputStream(input), 65535);
    IxfrStream stream = new IxfrStream(XfrFixtures.ZONE, XfrFixtures.ID, CURRENT, LIMITS, 20,
        false, null, XfrFixtures.REMOTE);
    byte[] buf = new byte[65535];
    byte[] first = null;
    IxfrStream.Result result;
    try {
      boolean done = false;
      int n;
      while (!done && (n = in.next(buf)) >= 0) {
        if (first == null) {
          first = Arrays.copyOf(buf, n);
        }
        done = stream.accept(buf, n);
      }
      result = stream.result();
      assertTrue(done, "committed before the end of the answer");
    } catch (TransferException | WireFormatException | EOFException expected) {
      assertTrue(COPY.contentEquals(CURRENT), "our zone was modified");
      return;
    }
    assertTrue(COPY.contentEquals(CURRENT), "our zone was modified");
    java.util.Optional<java.time.Duration> expire = XfrExpireStreamTest.dnsjavaExpireOrNull(
        first);
    if (expire != null) {
      assertEquals(expire, stream.expire(), "EXPIRE differs from dnsjava's");
    }
    SerialNumber announced = SerialNumber.of(firstSoa(first).getSerial());
    SerialNumber ours = CURRENT.serial();
    if (result instanceof IxfrStream.Result.UpToDate u) {
      assertEquals(announced, u.serial());
      assertFalse(announced.isNewerThan(ours), "up to date with a newer serial");
    } else if (result instanceof IxfrStream.Result.Incremental inc) {
      assertFalse(inc.deltas().isEmpty());
      SerialNumber at = ours;
      for (WireDelta d : inc.deltas()) {
        assertEquals(at, d.from(), "chain broken");
        assertTrue(d.to().isNewerThan(d.from()), "serial did not increase");
        at = d.to();
      }
      assertEquals(announced, at);
      checkZone(inc.zone(), announced);
    } else {
      assertTrue(announced.isNewerThan(ours));
      checkZone(((IxfrStream.Result.Full) result).zone(), announced);
    }
  }

  /** The seeds reach every commit: so the fuzzer starts from each kind of result. */
  @org.junit.jupiter.api.Test
  void seeds_ofEachStyle_commitAsExpected() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(IxfrStreamFuzzTest.class.getResource(
        "IxfrStreamFuzzTestInputs/stream_commitsOnlyAVerifiedChain").toURI());
    String[][] expected = {{"valid-3-deltas-multi-message", "Incremental"},
        {"valid-condensed-1-message", "Incremental"}, {"axfr-style", "Full"},
        {"up-to-date-single-soa", "UpToDate"}, {"up-to-date-older", "UpToDate"},
        {"up-to-date-expire-zero", "UpToDate", "0"},
        {"valid-incremental-expire-first-message", "Incremental", "1234"}};
    for (String[] e : expected) {
      byte[] input = java.nio.file.Files.readAllBytes(dir.resolve(e[0]));
      TcpMessageInput in = new TcpMessageInput(new ByteArrayInputStream(input), 65535);
      IxfrStream stream = new IxfrStream(XfrFixtures.ZONE, XfrFixtures.ID, CURRENT, LIMITS, 20,
          false, null, XfrFixtures.REMOTE);
      byte[] buf = new byte[65535];
      int n;
      while ((n = in.next(buf)) >= 0 && !stream.accept(buf, n)) {
        // feed until complete
      }
      assertEquals(e[1], stream.result().getClass().getSimpleName(), e[0]);
      assertEquals(e.length > 2 ? java.util.Optional.of(java.time.Duration.ofSeconds(
          Long.parseLong(e[2]))) : java.util.Optional.empty(), stream.expire(), e[0]);
    }
  }

  /**
   * The first answer record, read by dnsjava from a copy whose header counts only the questions
   * and that record (dnsjava ignores the bytes after it): dnsjava parses some rdata (SVCB,
   * HTTPS) that we rightly keep opaque, and records after an up-to-date SOA are not looked at.
   */
  private static SOARecord firstSoa(byte[] message) throws IOException {
    byte[] m = message.clone();
    m[6] = 0;
    m[7] = 1;
    Arrays.fill(m, 8, 12, (byte) 0);
    return (SOARecord) new Message(m).getSection(Section.ANSWER).get(0);
  }

  private static void checkZone(CompactZone zone, SerialNumber serial) {
    Name apex = XfrFixtures.ZONE;
    assertEquals(serial, zone.serial());
    assertEquals(1, zone.lookup(apex, Type.SOA).size());
    assertFalse(zone.lookup(apex, Type.NS).isEmpty());
    long n = 0;
    for (Record r : zone) {
      assertTrue(r.getName().subdomain(apex), r.toString());
      assertTrue(r.getType() != Type.SOA || r.getName().equals(apex), r.toString());
      n++;
    }
    assertEquals(zone.recordCount(), n);
  }
}
