// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.zonesync.core.internal.wire.WireTestSupport.Entry;

/**
 * Fuzz target for {@link MessageReader} (TESTPLAN A15). Invariants: on any bytes only {@link
 * WireFormatException} escapes, with an offset inside the message; and every message the reader
 * accepts survives parse, encode with {@link MessageWriter}, parse again unchanged. Seeds are in
 * {@code MessageReaderFuzzTestInputs/parseEncodeParse}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
final class MessageReaderFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parseEncodeParse(byte[] data) throws Exception {
    MessageReader reader = new MessageReader();
    List<Entry> first = new ArrayList<>();
    List<int[]> shapes = new ArrayList<>();
    List<byte[][]> parts = new ArrayList<>();
    try {
      reader.reset(data, 0, data.length);
      while (reader.next()) {
        first.add(new Entry(reader.section(), WireTestSupport.entryBytes(reader)));
        shapes.add(new int[] {reader.section(), reader.type(), reader.dclass()});
        parts.add(new byte[][] {
          java.util.Arrays.copyOf(reader.owner(), reader.ownerLength()),
          java.util.Arrays.copyOf(reader.rdata(), reader.rdataLength()),
          {(byte) (reader.ttl() >>> 24), (byte) (reader.ttl() >>> 16), (byte) (reader.ttl() >>> 8),
              (byte) reader.ttl()}});
        assertTrue(reader.ownerLength() >= 1 && reader.ownerLength() <= 255);
        assertTrue(reader.position() <= data.length);
      }
    } catch (WireFormatException e) {
      assertTrue(e.offset() >= 0 && e.offset() <= data.length, "offset " + e.offset() + " of " + data.length);
      return;
    }

    MessageWriter writer = new MessageWriter(65535);
    writer.start(reader.id(), reader.flags(), 65535);
    boolean fits = true;
    for (int i = 0; i < first.size() && fits; i++) {
      int[] s = shapes.get(i);
      byte[] owner = parts.get(i)[0];
      byte[] rdata = parts.get(i)[1];
      if (s[0] == MessageReader.SECTION_QUESTION) {
        try {
          writer.question(owner, 0, owner.length, s[1], s[2]);
        } catch (IllegalStateException tooBig) {
          fits = false; // decompressed questions can outgrow 64 KiB
        }
      } else {
        long ttl = java.nio.ByteBuffer.wrap(parts.get(i)[2]).getInt() & 0xFFFFFFFFL;
        fits = writer.record(s[0], owner, 0, owner.length, s[1], s[2], ttl, rdata, 0, rdata.length);
      }
    }
    int len = writer.finish();
    List<Entry> second = WireTestSupport.readAll(writer.buffer(), 0, len);
    if (fits) {
      assertEquals(first, second);
      MessageReader again = new MessageReader();
      again.reset(writer.buffer(), 0, len);
      assertEquals(reader.id(), again.id());
      assertEquals(reader.flags(), again.flags());
    } else {
      assertEquals(first.subList(0, second.size()), second);
    }
  }
}
