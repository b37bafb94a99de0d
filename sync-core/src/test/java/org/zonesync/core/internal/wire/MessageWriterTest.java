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
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.wire.WireTestSupport.Entry;

final class MessageWriterTest {

  private static boolean add(MessageWriter w, int section, Record rec) {
    byte[] owner = rec.getName().toWire();
    byte[] rd = rdataOf(rec);
    return w.record(section, owner, 0, owner.length, rec.getType(), rec.getDClass(), rec.getTTL(),
        rd, 0, rd.length);
  }

  private static byte[] message(MessageWriter w) {
    return Arrays.copyOf(w.buffer(), w.finish());
  }

  /** Writes a question and random records of every type; returns what was written. */
  private static List<Entry> writeRandom(MessageWriter w, Random r, int records) {
    List<Entry> expected = new ArrayList<>();
    Name qname = randomName(r);
    byte[] q = qname.toWire();
    w.question(q, 0, q.length, Type.AXFR, DClass.IN);
    expected.add(new Entry(0, Record.newRecord(qname, Type.AXFR, DClass.IN).toWire(0)));
    int section = 1;
    for (int i = 0; i < records; i++) {
      section = Math.min(3, section + (r.nextInt(10) == 0 ? 1 : 0));
      Record rec = randomRecord(r, WireTestSupport.TYPES[r.nextInt(WireTestSupport.TYPES.length)]);
      assertTrue(add(w, section, rec));
      expected.add(new Entry(section, rec.toWire(section)));
    }
    return expected;
  }

  @Nested
  final class AgainstDnsjava {
    @Test
    void record_writesMessagesDnsjavaParsesToTheSameRecords_caseKept() throws Exception {
      Random r = new Random(11);
      MessageWriter w = new MessageWriter(65535);
      for (int i = 0; i < 300; i++) {
        w.start(i, MessageWriter.FLAG_QR | MessageWriter.FLAG_AA, 65535);
        List<Entry> expected = writeRandom(w, r, r.nextInt(80));
        byte[] msg = message(w);
        assertEquals(expected, dnsjavaEntries(new Message(msg)), "message " + i);
        assertEquals(expected, readAll(msg, 0, msg.length), "message " + i);
      }
    }

    @Test
    void start_writesIdAndFlags_asDnsjavaReadsThem() throws Exception {
      MessageWriter w = new MessageWriter(512);
      int flags = MessageWriter.FLAG_QR | MessageWriter.FLAG_AA | (Opcode.NOTIFY << 11) | 5;
      w.start(0xBEEF, flags, 512);
      Header h = new Message(message(w)).getHeader();
      assertEquals(0xBEEF, h.getID());
      assertEquals(Opcode.NOTIFY, h.getOpcode());
      assertEquals(5, h.getRcode());
      assertTrue(h.getFlag(Flags.QR) && h.getFlag(Flags.AA));
      assertFalse(h.getFlag(Flags.TC) || h.getFlag(Flags.RD));
    }

    @Test
    void compression_makesMessagesSmaller_withTheSameRecords() throws Exception {
      MessageWriter compressed = new MessageWriter(65535);
      MessageWriter plain = new MessageWriter(65535, false);
      compressed.start(1, 0, 65535);
      plain.start(1, 0, 65535);
      List<Entry> a = writeRandom(compressed, new Random(5), 300);
      List<Entry> b = writeRandom(plain, new Random(5), 300);
      assertEquals(a, b);
      byte[] small = message(compressed);
      byte[] big = message(plain);
      assertTrue(small.length < big.length * 0.9, small.length + " vs " + big.length);
      assertEquals(a, dnsjavaEntries(new Message(small)));
      assertEquals(a, dnsjavaEntries(new Message(big)));
      int uncompressed = 12 + a.stream().mapToInt(e -> e.bytes().length).sum();
      assertEquals(uncompressed, big.length);
    }
  }

  @Nested
  final class Compression {
    @Test
    void ownerNames_matchOnlyCaseExactSuffixes() throws Exception {
      MessageWriter w = new MessageWriter(512);
      w.start(1, 0, 512);
      Name lower = Name.fromString("www.example.com.");
      Name upper = Name.fromString("WWW.example.com.");
      Name same = Name.fromString("www.example.com.");
      assertTrue(add(w, 1, new ARecord(lower, DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.1"))));
      int afterFirst = w.length();
      assertTrue(add(w, 1, new ARecord(upper, DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.2"))));
      int afterSecond = w.length();
      assertTrue(add(w, 1, new ARecord(same, DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.3"))));
      // "WWW" is written, ".example.com" is a pointer; the exact repeat is one pointer.
      assertEquals(4 + 2 + 14, afterSecond - afterFirst);
      assertEquals(2 + 14, w.length() - afterSecond);
      List<Record> back = new Message(message(w)).getSection(1);
      assertEquals("www.example.com.", back.get(0).getName().toString());
      assertEquals("WWW.example.com.", back.get(1).getName().toString());
      assertEquals("www.example.com.", back.get(2).getName().toString());
    }

    @Test
    void rdataNames_areCompressedOnlyForRfc1035Types() throws Exception {
      Name owner = Name.fromString("host.example.com.");
      MessageWriter w = new MessageWriter(512);
      w.start(1, 0, 512);
      assertTrue(add(w, 1, new MXRecord(owner, DClass.IN, 60, 10, owner)));
      assertTrue(add(w, 1, new SRVRecord(owner, DClass.IN, 60, 1, 2, 3, owner)));
      byte[] msg = message(w);
      MessageReader reader = new MessageReader();
      reader.reset(msg, 0, msg.length);
      assertTrue(reader.next());
      assertEquals(2 + 2, reader.rdLength(), "MX target is a pointer");
      assertTrue(reader.next());
      assertEquals(6 + owner.length(), reader.rdLength(), "SRV target is written in full (RFC 3597)");
      assertEquals(6 + owner.length(), reader.rdataLength());
    }

    @Test
    void pointers_onlyTargetTheFirst16KiB() throws Exception {
      // Names first written past offset 0x3FFF cannot be pointer targets; everything must still
      // parse back exactly.
      Random r = new Random(8);
      MessageWriter w = new MessageWriter(65535);
      w.start(1, 0, 65535);
      List<Entry> expected = new ArrayList<>();
      while (w.length() < 60000) {
        Record rec = randomRecord(r, Type.NS);
        if (!add(w, 1, rec)) {
          break;
        }
        expected.add(new Entry(1, rec.toWire(1)));
      }
      byte[] msg = message(w);
      assertEquals(expected, dnsjavaEntries(new Message(msg)));
      assertEquals(expected, readAll(msg, 0, msg.length));
    }
  }

  @Nested
  final class Limits {
    @Test
    void record_returnsFalseAndLeavesTheMessageAsItWas_whenItDoesNotFit() throws Exception {
      Random r = new Random(21);
      MessageWriter w = new MessageWriter(1024 + 100);
      for (int round = 0; round < 200; round++) {
        w.start(round, MessageWriter.FLAG_QR, 1024);
        List<Entry> expected = new ArrayList<>();
        Record rejected = null;
        while (rejected == null) {
          Record rec = randomRecord(r, WireTestSupport.TYPES[r.nextInt(WireTestSupport.TYPES.length)]);
          byte[] before = message(w);
          int count = w.recordCount();
          if (add(w, 1, rec)) {
            expected.add(new Entry(1, rec.toWire(1)));
          } else {
            rejected = rec;
            assertArrayEquals(before, message(w));
            assertEquals(count, w.recordCount());
          }
        }
        // The names the rejected record introduced must not linger as compression targets.
        TXTRecord small = new TXTRecord(rejected.getName(), DClass.IN, 1, "x");
        if (add(w, 1, small)) {
          expected.add(new Entry(1, small.toWire(1)));
        }
        byte[] msg = message(w);
        assertTrue(msg.length <= 1024);
        assertEquals(expected, dnsjavaEntries(new Message(msg)), "round " + round);
        assertEquals(expected, readAll(msg, 0, msg.length), "round " + round);
      }
    }

    @Test
    void record_exactlyAtTheLimit_fits() throws Exception {
      Record rec = new ARecord(Name.fromString("a."), DClass.IN, 1, java.net.InetAddress.getByName("192.0.2.1"));
      MessageWriter w = new MessageWriter(12 + 3 + 10 + 4);
      w.start(1, 0, 12 + 3 + 10 + 4);
      assertTrue(add(w, 1, rec));
      assertFalse(add(w, 1, rec), "one more pointer-owner record is 16 bytes over");
      w.start(1, 0, 12 + 3 + 10 + 3);
      assertFalse(add(w, 1, rec));
      assertEquals(12, w.finish());
    }
  }

  @Nested
  final class Misuse {
    @Test
    void question_afterARecord_isRefused() throws Exception {
      MessageWriter w = new MessageWriter(512);
      w.start(1, 0, 512);
      assertTrue(add(w, 1, new ARecord(Name.root, DClass.IN, 1, java.net.InetAddress.getByName("192.0.2.1"))));
      assertThrows(IllegalStateException.class, () -> w.question(new byte[] {0}, 0, 1, 1, 1));
    }

    @Test
    void record_inAnEarlierSection_isRefused() throws Exception {
      MessageWriter w = new MessageWriter(512);
      w.start(1, 0, 512);
      Record rec = new ARecord(Name.root, DClass.IN, 1, java.net.InetAddress.getByName("192.0.2.1"));
      assertTrue(add(w, 3, rec));
      assertThrows(IllegalStateException.class, () -> add(w, 1, rec));
      assertThrows(IllegalArgumentException.class, () -> add(w, 0, rec));
    }

    @Test
    void record_withMalformedNames_isRefused_andChangesNothing() throws Exception {
      MessageWriter w = new MessageWriter(512);
      w.start(1, 0, 512);
      byte[] before = message(w);
      byte[] badOwner = {3, 'a', 'b'};
      assertThrows(IllegalArgumentException.class,
          () -> w.record(1, badOwner, 0, 3, Type.A, 1, 1, new byte[4], 0, 4));
      byte[] owner = {1, 'a', 0};
      byte[] shortSoa = {1, 'b', 0, 1, 'c', 0, 0, 0};
      assertThrows(IllegalArgumentException.class,
          () -> w.record(1, owner, 0, 3, Type.SOA, 1, 1, shortSoa, 0, shortSoa.length));
      assertThrows(IllegalArgumentException.class,
          () -> w.record(1, new byte[] {64, 0}, 0, 2, Type.A, 1, 1, new byte[4], 0, 4));
      assertArrayEquals(before, message(w));
      assertEquals(0, w.recordCount());
    }

    @Test
    void start_refusesLimitsAboveTheCapacity() {
      MessageWriter w = new MessageWriter(512);
      assertThrows(IllegalArgumentException.class, () -> w.start(1, 0, 513));
      assertThrows(IllegalArgumentException.class, () -> w.start(1, 0, 11));
      assertThrows(IllegalArgumentException.class, () -> new MessageWriter(11));
    }
  }
}
