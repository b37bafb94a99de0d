// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xbill.DNS.Message;
import org.zonesync.core.internal.wire.WireTestSupport.Entry;

/** Writer to reader round trips: what goes in comes out, byte for byte, case kept. */
final class WireRoundTripPropertyTest {

  /** One record to write: its uncompressed owner and RDATA. */
  record Rr(int section, byte[] owner, int type, int dclass, long ttl, byte[] rdata) {
    Entry entry() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(owner);
      for (int v : new int[] {type >>> 8, type, dclass >>> 8, dclass, (int) (ttl >>> 24), (int) (ttl >>> 16),
          (int) (ttl >>> 8), (int) ttl, rdata.length >>> 8, rdata.length}) {
        out.write(v & 0xFF);
      }
      out.writeBytes(rdata);
      return new Entry(section, out.toByteArray());
    }
  }

  @Provide
  Arbitrary<byte[]> names() {
    // A small alphabet in both cases makes shared suffixes, and near-misses in case, common.
    Arbitrary<String> label = Arbitraries.strings().withChars("aAbB-\u00ff").ofMinLength(1).ofMaxLength(6);
    return label.list().ofMaxSize(5).map(labels -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String l : labels) {
        out.write(l.length());
        for (char c : l.toCharArray()) {
          out.write(c);
        }
      }
      out.write(0);
      return out.toByteArray();
    });
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Provide
  Arbitrary<Rr> records() {
    Arbitrary<byte[]> name = names();
    Arbitrary<byte[]> fixed2 = Arbitraries.bytes().array(byte[].class).ofSize(2);
    Arbitrary<byte[]> blob = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<byte[]> string = blob.filter(b -> b.length < 40).map(b -> concat(new byte[] {(byte) b.length}, b));
    Arbitrary<Integer> type = Arbitraries.of(2, 5, 12, 39, 6, 15, 14, 17, 33, 1, 28, 16, 65280);
    Arbitrary<byte[][]> parts = Combinators.combine(name, name, fixed2, blob, string)
        .as((n1, n2, f, b, s) -> new byte[][] {n1, n2, f, b, s});
    return Combinators.combine(Arbitraries.integers().between(1, 3), name, type,
        Arbitraries.longs().between(0, 0xFFFFFFFFL), parts)
        .as((section, owner, t, ttl, p) -> new Rr(section, owner, t, 1, ttl, rdataFor(t, p)));
  }

  @Provide
  Arbitrary<List<Rr>> recordLists() {
    return records().list().ofMaxSize(120);
  }

  /** Valid RDATA of the type from the generated parts (two names, 2 bytes, a blob, a string). */
  static byte[] rdataFor(int type, byte[][] p) {
    switch (type) {
      case 2: case 5: case 12: case 39:
        return p[0];
      case 6:
        return concat(p[0], p[1], new byte[20]);
      case 15:
        return concat(p[2], p[0]);
      case 14: case 17:
        return concat(p[0], p[1]);
      case 33:
        return concat(p[2], p[2], p[2], p[1]);
      case 1:
        return Arrays.copyOf(p[3], 4);
      case 28:
        return Arrays.copyOf(p[3], 16);
      case 16:
        return concat(p[4], p[4]);
      default:
        return p[3];
    }
  }

  private static List<Entry> write(MessageWriter w, List<Rr> rrs) {
    w.start(7, MessageWriter.FLAG_QR, 65535);
    List<Entry> expected = new ArrayList<>();
    List<Rr> sorted = new ArrayList<>(rrs);
    sorted.sort((a, b) -> Integer.compare(a.section(), b.section()));
    for (Rr rr : sorted) {
      assertTrue(w.record(rr.section(), rr.owner(), 0, rr.owner().length, rr.type(), rr.dclass(), rr.ttl(),
          rr.rdata(), 0, rr.rdata().length));
      expected.add(rr.entry());
    }
    return expected;
  }

  @Property(tries = 300)
  void writerThenReader_isTheIdentity(@ForAll("recordLists") List<Rr> rrs) throws Exception {
    for (boolean compress : new boolean[] {true, false}) {
      MessageWriter w = new MessageWriter(65535, compress);
      List<Entry> expected = write(w, rrs);
      int len = w.finish();
      byte[] msg = Arrays.copyOf(w.buffer(), len);
      assertEquals(expected, WireTestSupport.readAll(msg, 0, len));
      // dnsjava reads TTLs above 2^31-1 as 0 (RFC 2181 section 8), so it judges only the others.
      if (rrs.stream().allMatch(rr -> rr.ttl() <= 0x7FFFFFFFL)) {
        assertEquals(expected, WireTestSupport.dnsjavaEntries(new Message(msg)));
      }
    }
  }

  @Property(tries = 200)
  void compressedMessage_isNeverLargerThanThePlainOne(@ForAll("recordLists") List<Rr> rrs) {
    MessageWriter compressed = new MessageWriter(65535);
    MessageWriter plain = new MessageWriter(65535, false);
    write(compressed, rrs);
    write(plain, rrs);
    assertTrue(compressed.finish() <= plain.finish());
  }
}
