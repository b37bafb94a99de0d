// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.wire.WireTestSupport.dnsjavaEntries;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.wire.WireTestSupport.Entry;

/**
 * The owner-name reuse of {@link MessageWriter} (shared trailing labels resolved from the
 * previous owner) against the plain dictionary search: byte-identical messages and the same
 * fit/no-fit answers, over zone-like streams with repeated owners, case variants, names written
 * across the 16 KiB pointer limit, RDATA names in between and records that do not fit.
 */
final class MessageWriterOwnerReuseTest {

  private static final String[] LABELS = {"a", "b", "www", "host", "Host", "mail", "x1", "x2",
      "_tcp", "_sip", "ns1", "example", "EXAMPLE", "bench", "sub", "zz"};
  private static final int[] TYPES = {Type.A, Type.NS, Type.MX, Type.CNAME, Type.TXT, Type.SRV,
      Type.AAAA};

  private static byte[] name(Random r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int labels = r.nextInt(6);
    for (int i = 0; i < labels; i++) {
      byte[] l = (LABELS[r.nextInt(LABELS.length)] + (r.nextInt(4) == 0 ? r.nextInt(50) : ""))
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      out.write(l.length);
      out.write(l, 0, l.length);
    }
    // A shared tail makes the suffixes of consecutive owners overlap, as in a real zone.
    if (r.nextInt(5) != 0) {
      out.writeBytes(new byte[] {5, 'b', 'e', 'n', 'c', 'h', 7, 'e', 'x', 'a', 'm', 'p', 'l',
          'e'});
    }
    out.write(0);
    return out.toByteArray();
  }

  private static byte[] rdata(Random r, int type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (type) {
      case Type.A -> out.writeBytes(new byte[] {10, 1, 2, (byte) r.nextInt(256)});
      case Type.AAAA -> out.writeBytes(new byte[16]);
      case Type.NS, Type.CNAME -> out.writeBytes(name(r));
      case Type.MX -> {
        out.writeBytes(new byte[] {0, 10});
        out.writeBytes(name(r));
      }
      case Type.SRV -> {
        out.writeBytes(new byte[] {0, 10, 0, 5, 19, (byte) 0xC4});
        out.writeBytes(name(r));
      }
      default -> {
        int n = r.nextInt(200);
        out.write(n);
        out.writeBytes(new byte[n]);
      }
    }
    return out.toByteArray();
  }

  private record Rec(byte[] owner, int type, byte[] rdata) {
  }

  /** A stream where an owner often repeats and otherwise mostly shares labels with the last. */
  private static List<Rec> stream(Random r, int n) {
    List<Rec> out = new ArrayList<>();
    byte[] owner = name(r);
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(10);
      if (pick < 4) {
        owner = owner.clone(); // same bytes, different array: equality is by content
      } else if (pick < 9 && owner.length > 1) {
        // Replace the first label: shares every other label with the previous owner.
        byte[] first = (LABELS[r.nextInt(LABELS.length)] + r.nextInt(1000))
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int skip = 1 + owner[0];
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first.length);
        b.writeBytes(first);
        b.write(owner, skip, owner.length - skip);
        owner = b.toByteArray();
      } else {
        owner = name(r);
      }
      int type = TYPES[r.nextInt(TYPES.length)];
      out.add(new Rec(owner, type, rdata(r, type)));
    }
    return out;
  }

  private static Entry entry(Rec rec) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(rec.owner());
    out.writeBytes(new byte[] {(byte) (rec.type() >>> 8), (byte) rec.type(), 0, 1, 0, 0, 1, 44,
        (byte) (rec.rdata().length >>> 8), (byte) rec.rdata().length});
    out.writeBytes(rec.rdata());
    return new Entry(1, out.toByteArray());
  }

  /** Packs the stream as the AXFR packer does; returns every message and every record() answer. */
  private static List<byte[]> pack(MessageWriter w, List<Rec> recs, int limit, byte[] qname,
      StringBuilder answers) {
    List<byte[]> messages = new ArrayList<>();
    w.start(7, 0x8400, limit);
    w.question(qname, 0, qname.length, Type.AXFR, DClass.IN);
    for (Rec rec : recs) {
      boolean ok = w.record(1, rec.owner(), 0, rec.owner().length, rec.type(), DClass.IN, 300,
          rec.rdata(), 0, rec.rdata().length);
      answers.append(ok ? '1' : '0');
      if (!ok) {
        messages.add(Arrays.copyOf(w.buffer(), w.finish()));
        w.start(7, 0x8400, limit);
        assertTrue(w.record(1, rec.owner(), 0, rec.owner().length, rec.type(), DClass.IN, 300,
            rec.rdata(), 0, rec.rdata().length));
      }
    }
    messages.add(Arrays.copyOf(w.buffer(), w.finish()));
    return messages;
  }

  @Test
  void ownerReuse_writesTheSameBytesAsTheDictionarySearch_acrossLimitsAndRollbacks()
      throws Exception {
    Random r = new Random(20261124);
    int[] limits = {512, 700, 4096, 16384, 16500, 20480, 65535};
    for (int round = 0; round < 40; round++) {
      List<Rec> recs = stream(r, 500 + r.nextInt(4000));
      byte[] qname = name(r);
      int limit = limits[round % limits.length];
      StringBuilder fast = new StringBuilder();
      StringBuilder plain = new StringBuilder();
      List<byte[]> a = pack(new MessageWriter(65535, true, false, true), recs, limit, qname,
          fast);
      List<byte[]> b = pack(new MessageWriter(65535, true, false, false), recs, limit, qname,
          plain);
      assertEquals(plain.toString(), fast.toString(), "fit answers, round " + round);
      assertEquals(b.size(), a.size(), "messages, round " + round);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(b.get(i), a.get(i), "round " + round + " message " + i);
      }
      // And what it wrote parses back to the records, by dnsjava (independent of both).
      List<Entry> expected = new ArrayList<>();
      for (Rec rec : recs) {
        expected.add(entry(rec));
      }
      List<Entry> got = new ArrayList<>();
      for (byte[] m : a) {
        for (Entry e : dnsjavaEntries(new Message(m))) {
          if (e.section() == 1) {
            got.add(e);
          }
        }
      }
      assertEquals(expected, got, "records, round " + round);
      int k = got.size();
      assertEquals(recs.size(), k, "records, round " + round);
    }
  }

  @Test
  void ownerStraddlingThePointerLimit_isWrittenAgainInFull_asTheSearchDoes() throws Exception {
    // The first label lands at 0x3FFE (a pointer target), the next at 0x4001 (not one): the
    // dictionary search cannot reach the first label's entry, so the repeated owner is written
    // literally again, not as a pointer to 0x3FFE.
    byte[] owner = {2, 'a', 'a', 2, 'b', 'b', 4, 'u', 'n', 'i', 'q', 0};
    byte[] filler = new byte[0x3FFE - 12 - 1 - 10];
    byte[] a = {10, 0, 0, 1};
    byte[] root = {0};
    List<byte[]> out = new ArrayList<>();
    for (boolean reuse : new boolean[] {true, false}) {
      MessageWriter w = new MessageWriter(65535, true, false, reuse);
      w.start(1, 0, 65535);
      assertTrue(w.record(1, root, 0, 1, 65280, DClass.IN, 0, filler, 0, filler.length));
      assertEquals(0x3FFE, w.length());
      for (int i = 0; i < 2; i++) {
        assertTrue(w.record(1, owner, 0, owner.length, Type.A, DClass.IN, 60, a, 0, a.length));
      }
      out.add(Arrays.copyOf(w.buffer(), w.finish()));
    }
    assertArrayEquals(out.get(1), out.get(0));
    assertEquals(0x3FFE + 2 * (owner.length + 10 + a.length), out.get(0).length);
  }

  @Test
  void repeatedOwner_becomesOnePointer_toItsFirstCopy() {
    byte[] owner = {4, 'h', 'o', 's', 't', 5, 'b', 'e', 'n', 'c', 'h', 0};
    byte[] a = {10, 0, 0, 1};
    MessageWriter w = new MessageWriter(512);
    w.start(1, 0, 512);
    assertTrue(w.record(1, owner, 0, owner.length, Type.A, DClass.IN, 60, a, 0, a.length));
    int second = w.length();
    assertTrue(w.record(1, owner.clone(), 0, owner.length, Type.A, DClass.IN, 60, a, 0,
        a.length));
    assertEquals(0xC0, w.buffer()[second] & 0xFF);
    assertEquals(12, w.buffer()[second + 1] & 0xFF);
  }
}
