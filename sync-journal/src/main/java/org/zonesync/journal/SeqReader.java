// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads a file front to back through a buffer, keeping a CRC32C of every byte consumed. A read
 * past the end is a {@link StoreFormatException} naming the offset, so a truncated file is
 * reported as damage, not as an I/O failure.
 */
final class SeqReader {
  private final StoreFiles.Handle h;
  private final long size;
  private final ByteBuffer buf;
  private long bufStart;
  private final CRC32C crc = new CRC32C();
  private final byte[] scratch = new byte[8];
  private final byte[] skipBuffer = new byte[4096];

  SeqReader(StoreFiles.Handle h, long start, int bufferSize) throws IOException {
    this.h = h;
    this.size = h.size();
    this.buf = ByteBuffer.allocate(bufferSize);
    buf.limit(0);
    this.bufStart = start;
  }

  /** Returns the offset of the next byte. */
  long position() {
    return bufStart + buf.position();
  }

  /** Returns the file size seen when the reader opened. */
  long size() {
    return size;
  }

  /** Returns how many bytes are left before the end of the file. */
  long remaining() {
    return size - position();
  }

  /** Returns the CRC32C of the bytes consumed since the last {@link #resetCrc}. */
  int crc() {
    return (int) crc.getValue();
  }

  void resetCrc() {
    crc.reset();
  }

  private void fill() throws IOException, StoreFormatException {
    long pos = position();
    if (pos >= size) {
      throw new StoreFormatException("unexpected end of file at offset " + pos);
    }
    buf.clear();
    int n = h.read(buf, pos);
    buf.flip();
    bufStart = pos;
    if (n <= 0) {
      throw new StoreFormatException("unexpected end of file at offset " + pos);
    }
  }

  /** Reads {@code len} bytes into {@code dst} at {@code off}. */
  void read(byte[] dst, int off, int len) throws IOException, StoreFormatException {
    if (len > remaining()) {
      throw new StoreFormatException("unexpected end of file: " + len + " bytes needed at offset "
          + position() + ", " + remaining() + " left");
    }
    int o = off;
    int left = len;
    while (left > 0) {
      if (!buf.hasRemaining()) {
        fill();
      }
      int k = Math.min(left, buf.remaining());
      buf.get(dst, o, k);
      o += k;
      left -= k;
    }
    crc.update(dst, off, len);
  }

  /** Skips {@code len} bytes, still feeding them to the CRC. */
  void skip(long len) throws IOException, StoreFormatException {
    long left = len;
    byte[] tmp = skipBuffer;
    while (left > 0) {
      int k = (int) Math.min(tmp.length, left);
      read(tmp, 0, k);
      left -= k;
    }
  }

  int u8() throws IOException, StoreFormatException {
    read(scratch, 0, 1);
    return scratch[0] & 0xFF;
  }

  int u16() throws IOException, StoreFormatException {
    read(scratch, 0, 2);
    return Buf.u16(scratch, 0);
  }

  long u32() throws IOException, StoreFormatException {
    read(scratch, 0, 4);
    return Buf.u32(scratch, 0);
  }

  long u64() throws IOException, StoreFormatException {
    read(scratch, 0, 8);
    return Buf.u64(scratch, 0);
  }
}
