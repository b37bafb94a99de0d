// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.wire.WireTestSupport.dnsjavaEntries;
import static org.zonesync.core.internal.wire.WireTestSupport.randomName;
import static org.zonesync.core.internal.wire.WireTestSupport.randomRecord;
import static org.zonesync.core.internal.wire.WireTestSupport.rdataOf;
import static org.zonesync.core.internal.wire.WireTestSupport.readAll;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.wire.WireTestSupport.Entry;

final class MessageReaderTest {

  /** A random dnsjava message with a question and records of every generated type. */
  static Message randomMessage(Random r, int maxRecords) {
    Message m = new Message(r.nextInt(65536));
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    if (r.nextBoolean()) {
      h.setFlag(Flags.AA);
    }
    h.setOpcode(r.nextInt(3) == 0 ? Opcode.NOTIFY : Opcode.QUERY);
    h.setRcode(r.nextInt(4) == 0 ? Rcode.NXDOMAIN : Rcode.NOERROR);
    m.addRecord(Record.newRecord(randomName(r), Type.AXFR, DClass.IN), Section.QUESTION);
    int n = r.nextInt(maxRecords + 1);
    for (int i = 0; i < n; i++) {
      int type = WireTestSupport.TYPES[r.nextInt(WireTestSupport.TYPES.length)];
      m.addRecord(randomRecord(r, type), 1 + r.nextInt(3));
    }
    return m;
  }

  @Nested
  final class AgainstDnsjava {
    @Test
    void next_decodesEveryEntryLikeDnsjava_onRandomCompressedMessages() throws Exception {
      Random r = new Random(20240101);
      int compressedBytes = 0;
      int uncompressedBytes = 0;
      // One reader for all messages: nothing (such as its cache of pointer targets) may leak from
      // one message into the next.
      MessageReader reader = new MessageReader();
      for (int i = 0; i < 400; i++) {
        Message m = randomMessage(r, 60);
        byte[] wire = m.toWire();
        // Place the message inside a larger array: offsets must be relative to its start.
        byte[] padded = new byte[wire.length + 9];
        System.arraycopy(wire, 0, padded, 5, wire.length);
        List<Entry> ours = WireTestSupport.readAll(reader, padded, 5, wire.length);
        List<Entry> theirs = dnsjavaEntries(new Message(wire));
        assertEquals(theirs, ours, "message " + i);
        compressedBytes += wire.length;
        uncompressedBytes += 12 + theirs.stream().mapToInt(e -> e.bytes().length).sum();
      }
      assertTrue(compressedBytes < uncompressedBytes * 0.9,
          "the corpus should exercise compression: " + compressedBytes + " vs " + uncompressedBytes);
    }

    @Test
    void header_matchesDnsjava() throws Exception {
      Random r = new Random(7);
      MessageReader reader = new MessageReader();
      for (int i = 0; i < 50; i++) {
        byte[] wire = randomMessage(r, 5).toWire();
        Header h = new Message(wire).getHeader();
        reader.reset(wire, 0, wire.length);
        assertEquals(h.getID(), reader.id());
        assertEquals(h.getOpcode(), reader.opcode());
        assertEquals(h.getRcode(), reader.rcode());
        assertEquals(h.getFlag(Flags.QR), reader.qr());
        assertEquals(h.getFlag(Flags.AA), reader.aa());
        assertEquals(h.getFlag(Flags.TC), reader.tc());
        assertEquals(h.getCount(0), reader.questionCount());
        assertEquals(h.getCount(1), reader.answerCount());
        assertEquals(h.getCount(2), reader.authorityCount());
        assertEquals(h.getCount(3), reader.additionalCount());
        assertEquals(((wire[2] & 0xFF) << 8) | (wire[3] & 0xFF), reader.flags());
      }
    }

    @Test
    void rdata_decompressesRfc3597ReceiverTypes_whenASenderCompressedThem() throws Exception {
      // dnsjava never compresses RP AFSDB RT SIG PX NXT NAPTR SRV; a test-only writer mode does,
      // as an old or careless sender might. Both decoders must recover the original records.
      Random r = new Random(99);
      int[] types = {Type.RP, Type.AFSDB, Type.RT, Type.SIG, Type.PX, Type.NXT, Type.NAPTR, Type.SRV,
          Type.MINFO, Type.SOA, Type.MX};
      MessageWriter writer = new MessageWriter(65535, true, true);
      int pointersInRdata = 0;
      for (int round = 0; round < 40; round++) {
        writer.start(round, MessageWriter.FLAG_QR, 65535);
        List<Record> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          Record rec = randomRecord(r, types[r.nextInt(types.length)]);
          byte[] owner = rec.getName().toWire();
          byte[] rd = rdataOf(rec);
          assertTrue(writer.record(1, owner, 0, owner.length, rec.getType(), rec.getDClass(),
              rec.getTTL(), rd, 0, rd.length));
          written.add(rec);
        }
        int len = writer.finish();
        byte[] wire = java.util.Arrays.copyOf(writer.buffer(), len);
        List<Entry> expected = new ArrayList<>();
        for (Record rec : written) {
          expected.add(new Entry(1, rec.toWire(Section.ANSWER)));
        }
        assertEquals(expected, dnsjavaEntries(new Message(wire)));
        assertEquals(expected, readAll(wire, 0, len));
        MessageReader reader = new MessageReader();
        reader.reset(wire, 0, len);
        while (reader.next()) {
          if (reader.rdLength() < reader.rdataLength()) {
            pointersInRdata++;
          }
        }
      }
      assertTrue(pointersInRdata > 500, "names in rdata were compressed: " + pointersInRdata);
    }
  }

  @Nested
  final class Offsets {
    @Test
    void recordOffsetAndPosition_tileTheMessage() throws Exception {
      Random r = new Random(3);
      MessageReader reader = new MessageReader();
      for (int i = 0; i < 50; i++) {
        byte[] wire = randomMessage(r, 20).toWire();
        byte[] padded = new byte[wire.length + 3];
        System.arraycopy(wire, 0, padded, 3, wire.length);
        reader.reset(padded, 3, wire.length);
        int expected = 3 + 12;
        assertEquals(expected, reader.position());
        while (reader.next()) {
          assertEquals(expected, reader.recordOffset());
          if (reader.section() != MessageReader.SECTION_QUESTION) {
            assertEquals(reader.position() - reader.rdLength(), reader.rdataOffset());
          }
          expected = reader.position();
        }
        assertEquals(padded.length, reader.position());
      }
    }

    @Test
    void recordOffset_pointsAtTheLastRecord_soATsigLayerCanStripIt() throws Exception {
      byte[] msg = new WireTestSupport.Bytes().header(1, 0x8000, 1, 1, 0, 1)
          .name("example.com.").u16(Type.AXFR).u16(1)                      // 12..28
          .pointer(12).u16(Type.A).u16(1).u32(60).u16(4).u8(192, 0, 2, 1)  // 29..44
          .name("key.").u16(Type.TSIG).u16(DClass.ANY).u32(0).u16(3).u8(1, 2, 3)
          .bytes();
      MessageReader reader = new MessageReader();
      reader.reset(msg, 0, msg.length);
      int[] offsets = new int[3];
      for (int i = 0; i < 3; i++) {
        assertTrue(reader.next());
        offsets[i] = reader.recordOffset();
      }
      assertFalse(reader.next());
      assertArrayEquals(new int[] {12, 29, 45}, offsets);
      assertEquals(Type.TSIG, reader.type());
      assertEquals(0, reader.ttl());
    }
  }

  @Nested
  final class Values {
    @Test
    void ttl_isTheUnsigned32BitWireValue() throws Exception {
      // dnsjava reads TTLs with the top bit set as 0 (RFC 2181 section 8); the reader reports
      // the wire value and leaves that policy to its caller.
      byte[] msg = new WireTestSupport.Bytes().header(1, 0x8000, 0, 1, 0, 0)
          .name("a.").u16(Type.A).u16(1).u32(0xFFFFFFFFL).u16(4).u8(1, 2, 3, 4).bytes();
      MessageReader reader = new MessageReader();
      reader.reset(msg, 0, msg.length);
      assertTrue(reader.next());
      assertEquals(0xFFFFFFFFL, reader.ttl());
    }

    @Test
    void owner_keepsCaseByteExact_throughPointers() throws Exception {
      byte[] msg = new WireTestSupport.Bytes().header(1, 0x8000, 1, 1, 0, 0)
          .name("ExAmPle.CoM.").u16(Type.SOA).u16(1)
          .u8(3).raw("WwW".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).pointer(12)
          .u16(Type.CNAME).u16(1).u32(1).u16(2).pointer(12).bytes();
      MessageReader reader = new MessageReader();
      reader.reset(msg, 0, msg.length);
      assertTrue(reader.next());
      assertTrue(reader.next());
      Name owner = new Name(java.util.Arrays.copyOf(reader.owner(), reader.ownerLength()));
      assertEquals("WwW.ExAmPle.CoM.", owner.toString());
      Name target = new Name(java.util.Arrays.copyOf(reader.rdata(), reader.rdataLength()));
      assertEquals("ExAmPle.CoM.", target.toString());
    }

    @Test
    void emptyRdata_isAccepted_forClassAnyUpdates() throws Exception {
      // RFC 2136 section 2.5.2: "delete an RRset" has class ANY and RDLENGTH 0, even for SOA.
      byte[] msg = new WireTestSupport.Bytes().header(1, 0x2800, 1, 0, 1, 0)
          .name("example.com.").u16(Type.SOA).u16(1)
          .pointer(12).u16(Type.SOA).u16(DClass.ANY).u32(0).u16(0).bytes();
      assertEquals(dnsjavaEntries(new Message(msg)), readAll(msg, 0, msg.length));
    }

    @Test
    void next_returnsFalseForever_afterTheLastEntry() throws Exception {
      byte[] msg = new WireTestSupport.Bytes().header(9, 0, 1, 0, 0, 0).name(".").u16(6).u16(1).bytes();
      MessageReader reader = new MessageReader();
      reader.reset(msg, 0, msg.length);
      assertTrue(reader.next());
      assertEquals(MessageReader.SECTION_QUESTION, reader.section());
      assertEquals(1, reader.ownerLength());
      assertFalse(reader.next());
      assertFalse(reader.next());
    }

    @Test
    void next_refusesToContinue_afterARejection() throws Exception {
      byte[] msg = new WireTestSupport.Bytes().header(9, 0, 1, 0, 0, 0).u8(0x40, 0, 0, 6, 0, 1).bytes();
      MessageReader reader = new MessageReader();
      reader.reset(msg, 0, msg.length);
      assertThrows(WireFormatException.class, reader::next);
      assertThrows(IllegalStateException.class, reader::next);
      reader.reset(new WireTestSupport.Bytes().header(9, 0, 0, 0, 0, 0).bytes(), 0, 12);
      assertFalse(reader.next());
    }

    @Test
    void reset_rejectsBoundsOutsideTheArray() {
      MessageReader reader = new MessageReader();
      assertThrows(IndexOutOfBoundsException.class, () -> reader.reset(new byte[20], 10, 12));
    }
  }
}
