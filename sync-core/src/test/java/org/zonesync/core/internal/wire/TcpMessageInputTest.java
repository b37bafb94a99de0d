// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 7766 section 8 framing under every chunking and every cut (TESTPLAN A1, F1). */
final class TcpMessageInputTest {

  /** Returns at most {@code cut} bytes in the first read, then 1..k bytes per read. */
  static final class ChunkingInputStream extends InputStream {
    private final byte[] data;
    private final int cut;
    private final Random random;
    private final int maxChunk;
    private int pos;

    ChunkingInputStream(byte[] data, int cut, long seed, int maxChunk) {
      this.data = data;
      this.cut = cut;
      this.random = new Random(seed);
      this.maxChunk = maxChunk;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(len, 1 + random.nextInt(maxChunk));
      if (pos < cut) {
        n = Math.min(n, cut - pos);
      }
      n = Math.min(n, data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static byte[] message(Random r, int size) {
    byte[] m = new byte[size];
    r.nextBytes(m);
    return m;
  }

  private static byte[] frame(List<byte[]> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.write(m.length >>> 8);
      out.write(m.length & 0xFF);
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private static List<byte[]> readAll(TcpMessageInput input) throws Exception {
    byte[] buf = new byte[65535];
    List<byte[]> out = new ArrayList<>();
    for (int n; (n = input.next(buf)) >= 0; ) {
      out.add(Arrays.copyOf(buf, n));
    }
    return out;
  }

  private static void assertSameMessages(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "message " + i);
    }
  }

  @Nested
  final class Chunking {
    @Test
    void next_readsTheSameThreeMessages_splitAtEveryByteBoundary() throws Exception {
      Random r = new Random(1);
      List<byte[]> msgs = List.of(message(r, 12), message(r, 300), message(r, 700));
      byte[] stream = frame(msgs);
      for (int cut = 0; cut <= stream.length; cut++) {
        for (int maxChunk : new int[] {1, 3, 1000}) {
          TcpMessageInput input = new TcpMessageInput(new ChunkingInputStream(stream, cut, cut, maxChunk), 65535);
          assertSameMessages(msgs, readAll(input));
          assertEquals(stream.length, input.bytesRead());
        }
      }
    }

    @Test
    void next_readsLargeMessages_throughTheDirectReadPath() throws Exception {
      Random r = new Random(2);
      List<byte[]> msgs = List.of(message(r, 65535), message(r, 40000), message(r, 12), message(r, 20000));
      byte[] stream = frame(msgs);
      for (int seed = 0; seed < 20; seed++) {
        int maxChunk = seed < 10 ? 70000 : 1 + seed * 997;
        TcpMessageInput input = new TcpMessageInput(
            new ChunkingInputStream(stream, stream.length, seed, maxChunk), 65535);
        assertSameMessages(msgs, readAll(input));
      }
    }

    @Test
    void bytesRead_countsPrefixesAndMessages_afterEachMessage() throws Exception {
      Random r = new Random(3);
      List<byte[]> msgs = List.of(message(r, 100), message(r, 20), message(r, 5000));
      TcpMessageInput input = new TcpMessageInput(new ByteArrayInputStream(frame(msgs)), 65535);
      byte[] buf = new byte[65535];
      long expected = 0;
      for (byte[] m : msgs) {
        assertEquals(m.length, input.next(buf));
        expected += 2 + m.length;
        assertEquals(expected, input.bytesRead());
      }
      assertEquals(-1, input.next(buf));
      assertEquals(-1, input.next(buf));
    }
  }

  @Nested
  final class Truncation {
    @Test
    void next_reportsEveryCut_asEofInsideAMessage_orCleanEndBetweenMessages() throws Exception {
      Random r = new Random(4);
      List<byte[]> msgs = List.of(message(r, 40), message(r, 12), message(r, 100));
      byte[] stream = frame(msgs);
      int[] starts = {0, 42, 56, stream.length};
      for (int cut = 0; cut <= stream.length; cut++) {
        byte[] truncated = Arrays.copyOf(stream, cut);
        TcpMessageInput input = new TcpMessageInput(new ChunkingInputStream(truncated, cut, cut, 7), 65535);
        byte[] buf = new byte[65535];
        int complete = 0;
        while (complete < 3 && starts[complete + 1] <= cut) {
          assertEquals(msgs.get(complete).length, input.next(buf), "cut " + cut);
          complete++;
        }
        int into = cut - starts[complete];
        if (into == 0) {
          assertEquals(-1, input.next(buf), "cut " + cut);
        } else {
          EOFException e = assertThrows(EOFException.class, () -> input.next(buf), "cut " + cut);
          String expected = into == 1 ? "got 1 of 2 bytes"
              : "stream ended inside a message: got " + (into - 2) + " of " + msgs.get(complete).length + " bytes";
          assertTrue(e.getMessage().contains(expected), "cut " + cut + ": " + e.getMessage());
        }
      }
    }
  }

  @Nested
  final class Lengths {
    @Test
    void next_rejectsLengthZero() {
      TcpMessageInput input = new TcpMessageInput(new ByteArrayInputStream(new byte[] {0, 0, 1, 2}), 65535);
      WireFormatException e = assertThrows(WireFormatException.class, () -> input.next(new byte[65535]));
      assertTrue(e.getMessage().contains("message length 0"), e.getMessage());
    }

    @Test
    void next_rejectsMessagesShorterThanTheHeader() {
      byte[] stream = frame(List.of(new byte[11]));
      TcpMessageInput input = new TcpMessageInput(new ByteArrayInputStream(stream), 65535);
      WireFormatException e = assertThrows(WireFormatException.class, () -> input.next(new byte[65535]));
      assertTrue(e.getMessage().contains("message length 11"), e.getMessage());
    }

    @Test
    void next_rejectsLengthsAboveTheMaximum_andAcceptsTheMaximum() throws Exception {
      Random r = new Random(5);
      byte[] stream = frame(List.of(message(r, 512), message(r, 513)));
      TcpMessageInput input = new TcpMessageInput(new ByteArrayInputStream(stream), 512);
      byte[] buf = new byte[512];
      assertEquals(512, input.next(buf));
      WireFormatException e = assertThrows(WireFormatException.class, () -> input.next(buf));
      assertTrue(e.getMessage().contains("message length 513 at stream offset 514 exceeds the limit of 512"),
          e.getMessage());
    }

    @Test
    void constructorAndNext_refuseBadSizes() {
      assertThrows(IllegalArgumentException.class, () -> new TcpMessageInput(InputStream.nullInputStream(), 65536));
      assertThrows(IllegalArgumentException.class, () -> new TcpMessageInput(InputStream.nullInputStream(), 11));
      TcpMessageInput input = new TcpMessageInput(InputStream.nullInputStream(), 1000);
      assertThrows(IllegalArgumentException.class, () -> input.next(new byte[999]));
    }
  }
}
