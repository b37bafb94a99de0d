// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.api.TransferException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.zone.CompactZone;

/**
 * The whole AXFR-in path on arbitrary bytes: TCP framing, the message reader and the stream
 * state machine. Invariants: only the declared exceptions escape; the stream never commits
 * without its closing SOA; a committed zone has one SOA at the apex, apex NS, and nothing
 * outside the zone; its EDNS EXPIRE value is the one dnsjava reads from the first message
 * (when dnsjava parses it). Seeds (valid and broken streams) run in every build.
 */
final class AxfrStreamFuzzTest {

  private static final TransferLimits LIMITS = TransferLimits.DEFAULTS.withMaxRecords(20_000)
      .withMaxBytes(4 << 20);

  @FuzzTest(maxDuration = "30s")
  void stream_neverCommitsWithoutAVerifiedEnd(byte[] input) throws IOException {
    TcpMessageInput in = new TcpMessageInput(new ByteArrayInputStream(input), 65535);
    AxfrStream stream = new AxfrStream(XfrFixtures.ZONE, XfrFixtures.ID, LIMITS, null,
        XfrFixtures.REMOTE);
    byte[] buf = new byte[65535];
    byte[] first = null;
    CompactZone zone;
    try {
      boolean done = false;
      int n;
      while (!done && (n = in.next(buf)) >= 0) {
        if (first == null) {
          first = java.util.Arrays.copyOf(buf, n);
        }
        done = stream.accept(buf, n);
      }
      zone = stream.result();
      assertTrue(done, "committed without the closing SOA");
    } catch (TransferException | WireFormatException | EOFException expected) {
      assertFalse(stream.isDone() && expected instanceof EOFException, "EOF after the end");
      return;
    }
    Name apex = XfrFixtures.ZONE;
    assertEquals(1, zone.lookup(apex, Type.SOA).size());
    assertFalse(zone.lookup(apex, Type.NS).isEmpty());
    long n = 0;
    for (Record r : zone) {
      assertTrue(r.getName().subdomain(apex), r.toString());
      assertTrue(r.getType() != Type.SOA || r.getName().equals(apex), r.toString());
      n++;
    }
    assertEquals(zone.recordCount(), n);
    java.util.Optional<java.time.Duration> expire = XfrExpireStreamTest.dnsjavaExpireOrNull(
        first);
    if (expire != null) {
      assertEquals(expire, stream.expire(), "EXPIRE differs from dnsjava's");
    }
  }

  /** The EXPIRE seeds reach their outcome, so the fuzzer starts from an OPT in a stream. */
  @org.junit.jupiter.api.Test
  void expireSeeds_commitOrFailAsBuilt() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(AxfrStreamFuzzTest.class.getResource(
        "AxfrStreamFuzzTestInputs/stream_neverCommitsWithoutAVerifiedEnd").toURI());
    AxfrStream ok = feed(java.nio.file.Files.readAllBytes(dir.resolve(
        "valid-expire-first-message")));
    assertEquals(11, ok.result().serial().value());
    assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(1234)), ok.expire());
    org.junit.jupiter.api.Assertions.assertThrows(
        org.zonesync.api.MalformedTransferException.class, () -> feed(java.nio.file.Files
            .readAllBytes(dir.resolve("two-opt-records"))));
  }

  private static AxfrStream feed(byte[] input) throws Exception {
    TcpMessageInput in = new TcpMessageInput(new ByteArrayInputStream(input), 65535);
    AxfrStream stream = new AxfrStream(XfrFixtures.ZONE, XfrFixtures.ID, LIMITS, null,
        XfrFixtures.REMOTE);
    byte[] buf = new byte[65535];
    int n;
    while ((n = in.next(buf)) >= 0 && !stream.accept(buf, n)) {
      // feed until complete
    }
    return stream;
  }
}
