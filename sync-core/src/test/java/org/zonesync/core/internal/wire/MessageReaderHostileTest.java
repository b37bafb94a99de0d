// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.wire.WireTestSupport.dnsjavaEntries;
import static org.zonesync.core.internal.wire.WireTestSupport.readAll;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.zonesync.core.internal.wire.WireTestSupport.Bytes;

/**
 * Hand-made hostile messages (TESTPLAN A1, A2, A5, A6; netty {@code DnsResponseTest
 * .malformedLoopPacket} style): each must be rejected with a {@link WireFormatException} that
 * says what is wrong and where. The last column records whether dnsjava rejects the same bytes,
 * to show where this reader is stricter.
 */
final class MessageReaderHostileTest {
  private static final int A = 1;
  private static final int SOA = 6;
  private static final int MX = 15;
  private static final int HINFO = 13;
  private static final int TXT = 16;
  private static final int AAAA = 28;
  private static final int UNKNOWN = 65280;

  /** Header plus one record with the root as owner; its RDATA starts at offset 23. */
  private static Bytes oneRecord(int type, int rdlength) {
    return new Bytes().header(1, 0x8400, 0, 1, 0, 0).u8(0).u16(type).u16(1).u32(3600).u16(rdlength);
  }

  private static Bytes question(int count) {
    return new Bytes().header(1, 0, count, 0, 0, 0);
  }

  private static byte[] labels(int count, int length) {
    Bytes b = new Bytes();
    for (int i = 0; i < count; i++) {
      b.u8(length);
      byte[] label = new byte[length];
      Arrays.fill(label, (byte) 'a');
      b.raw(label);
    }
    return b.bytes();
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of("self pointer", question(1).pointer(12).u16(1).u16(1).bytes(),
            "points to itself", 12, true),
        Arguments.of("pointer loop through two names",
            new Bytes().header(1, 0, 0, 2, 0, 0)
                .u8(0).u16(UNKNOWN).u16(1).u32(0).u16(4).u8(1, 'x').pointer(27)
                .pointer(23).u16(A).u16(1).u32(0).u16(4).u8(1, 2, 3, 4).bytes(),
            "name pointer at offset 25 points to offset 27, not before 23", 25, true),
        Arguments.of("forward pointer", question(1).pointer(18).u16(1).u16(1).u8(1, 'a', 0).bytes(),
            "points to offset 18, not before 12", 12, true),
        Arguments.of("pointer past the end", question(1).pointer(0x3FFF).u16(1).u16(1).bytes(),
            "points to offset 16383", 12, true),
        Arguments.of("pointer cut short", question(1).u8(3, 'a', 'b', 'c', 0xC0).bytes(),
            "pointer at offset 16 is cut short", 16, true),
        Arguments.of("128 labels", question(1).raw(labels(128, 1)).u8(0).u16(1).u16(1).bytes(),
            "more than 127 labels", 12 + 127 * 2, true),
        Arguments.of("256-byte name",
            question(1).raw(labels(3, 63)).raw(labels(1, 62)).u8(0).u16(1).u16(1).bytes(),
            "longer than 255 bytes", 12 + 3 * 64, true),
        Arguments.of("256-byte name through a pointer",
            question(2).raw(labels(3, 63)).u8(0).u16(1).u16(1).raw(labels(1, 62)).pointer(12)
                .u16(1).u16(1).bytes(),
            "longer than 255 bytes", 12 + 2 * 64, true),
        Arguments.of("256-byte name through a pointer whose expansion is already known",
            question(3).raw(labels(3, 63)).u8(0).u16(1).u16(1).u8(1, 'x').pointer(12).u16(1).u16(1)
                .raw(labels(1, 62)).pointer(12).u16(1).u16(1).bytes(),
            "longer than 255 bytes", 12 + 2 * 64, true),
        Arguments.of("label type 0x40", question(1).u8(0x41, 'a', 0).u16(1).u16(1).bytes(),
            "unsupported label type 0x40", 12, true),
        Arguments.of("label type 0x80", question(1).u8(0x81, 'a', 0).u16(1).u16(1).bytes(),
            "unsupported label type 0x80", 12, true),
        Arguments.of("count says 3 records, 2 present",
            new Bytes().header(1, 0, 0, 3, 0, 0)
                .u8(0).u16(TXT).u16(1).u32(0).u16(20).u8(19).raw(new byte[19])
                .u8(0).u16(TXT).u16(1).u32(0).u16(20).u8(19).raw(new byte[19]).bytes(),
            "runs past the end of the message at offset 74", 74, true),
        Arguments.of("counts need more bytes than the message has",
            new Bytes().header(1, 0, 0, 3, 0, 0).u8(0).u16(A).u16(1).u32(0).u16(4).u8(1, 2, 3, 4)
                .bytes(),
            "header counts 0/3/0/0 need at least 45 bytes, message has 27", 4, true),
        Arguments.of("message shorter than its header", new byte[11],
            "shorter than the 12-byte header", 0, true),
        Arguments.of("question cut short", question(1).u8(1, 'a', 0, 0, 6).bytes(),
            "question cut short at offset 15", 15, true),
        Arguments.of("record header cut short",
            new Bytes().header(1, 0, 0, 1, 0, 0).u8(1, 'a', 0).raw(new byte[8]).bytes(),
            "record cut short at offset 15: need 10 bytes, have 8", 15, true),
        Arguments.of("rdlength past the end", oneRecord(A, 100).u8(1, 2, 3, 4).bytes(),
            "rdlength 100 at offset 21 runs past the end of the message (4 bytes left)", 21, true),
        Arguments.of("SOA rdata one byte short",
            oneRecord(SOA, 25).u8(1, 'a', 0, 1, 'b', 0).raw(new byte[19]).bytes(),
            "SOA rdata of 25 bytes at offset 23 needs 20 more bytes at offset 29, has 19", 29, true),
        Arguments.of("SOA rdata one byte long",
            oneRecord(SOA, 27).u8(1, 'a', 0, 1, 'b', 0).raw(new byte[21]).bytes(),
            "SOA rdata of 27 bytes at offset 23 has 1 unexpected bytes at offset 49", 49, true),
        Arguments.of("SOA with 4 bytes of rdata", oneRecord(SOA, 4).u8(0, 0, 0, 0).bytes(),
            "needs 20 more bytes", 25, true),
        Arguments.of("A with 5 bytes", oneRecord(A, 5).u8(192, 0, 2, 1, 7).bytes(),
            "A rdata of 5 bytes at offset 23 has 1 unexpected bytes at offset 27", 27, true),
        Arguments.of("AAAA with 15 bytes", oneRecord(AAAA, 15).raw(new byte[15]).bytes(),
            "AAAA rdata of 15 bytes at offset 23 needs 16 more bytes", 23, true),
        Arguments.of("TXT string overrunning its rdata", oneRecord(TXT, 5).u8(10, 'a', 'b', 'c', 'd').bytes(),
            "character-string of 10 bytes at offset 23 that overruns the rdata by 6", 23, true),
        Arguments.of("TXT without any string", oneRecord(TXT, 0).bytes(),
            "missing a character-string at offset 23", 23, false),
        Arguments.of("HINFO with one string", oneRecord(HINFO, 4).u8(3, 'a', 'b', 'c').bytes(),
            "missing a character-string at offset 27", 27, true),
        Arguments.of("MX name running past its rdata", oneRecord(MX, 4).u8(0, 10, 1, 'a').u8(0).bytes(),
            "runs past its rdata at offset 27", 27, true),
        Arguments.of("trailing garbage", oneRecord(A, 4).u8(192, 0, 2, 1).u8(0xDE, 0xAD, 0xBF).bytes(),
            "3 trailing bytes after the last record at offset 27", 27, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void next_rejectsHostileMessage_withOffset(String what, byte[] msg, String detail, int offset,
      boolean dnsjavaRejects) {
    WireFormatException e = assertThrows(WireFormatException.class, () -> readAll(msg, 0, msg.length), what);
    assertTrue(e.getMessage().contains(detail), () -> "message was: " + e.getMessage());
    assertEquals(offset, e.offset(), () -> "message was: " + e.getMessage());
    if (dnsjavaRejects) {
      assertThrows(IOException.class, () -> dnsjavaEntries(new Message(msg)), "dnsjava on " + what);
    } else {
      assertTrue(dnsjavaAccepts(msg), "dnsjava accepts " + what);
    }
  }

  private static boolean dnsjavaAccepts(byte[] msg) {
    try {
      new Message(msg);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void next_acceptsNamesAtTheLimits_likeDnsjava() throws Exception {
    byte[] longest = question(2).raw(labels(3, 63)).raw(labels(1, 61)).u8(0).u16(1).u16(1)
        .raw(labels(127, 1)).u8(0).u16(1).u16(1).bytes();
    assertEquals(dnsjavaEntries(new Message(longest)), readAll(longest, 0, longest.length));
    MessageReader reader = new MessageReader();
    reader.reset(longest, 0, longest.length);
    reader.next();
    assertEquals(255, reader.ownerLength());
    reader.next();
    assertEquals(255, reader.ownerLength());
  }

  @Test
  void next_acceptsA255ByteName_builtFromAPointerWhoseExpansionIsKnown() throws Exception {
    byte[] msg = question(3).raw(labels(3, 63)).u8(0).u16(1).u16(1).u8(1, 'x').pointer(12).u16(1).u16(1)
        .raw(labels(1, 61)).pointer(12).u16(1).u16(1).bytes();
    assertEquals(dnsjavaEntries(new Message(msg)), readAll(msg, 0, msg.length));
    MessageReader reader = new MessageReader();
    reader.reset(msg, 0, msg.length);
    for (int i = 0; i < 3; i++) {
      reader.next();
    }
    assertEquals(255, reader.ownerLength());
  }

  @Test
  void next_acceptsBackwardPointerChains_likeDnsjava() throws Exception {
    // www -> example -> com, each a pointer to an earlier name: legal, and ends.
    byte[] msg = new Bytes().header(1, 0x8000, 3, 0, 0, 0)
        .name("com.").u16(1).u16(1)              // com at 12
        .u8(7).raw("example".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).pointer(12)
        .u16(1).u16(1)                            // example at 21
        .u8(3, 'w', 'w', 'w').pointer(21).u16(1).u16(1).bytes();
    assertEquals(dnsjavaEntries(new Message(msg)), readAll(msg, 0, msg.length));
  }
}
