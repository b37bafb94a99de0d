// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads DNS messages from a TCP stream, each preceded by its two-octet length (RFC 7766 section
 * 8, RFC 1035 section 4.2.2), however the bytes are chunked. Reads ahead into an internal buffer
 * to save system calls: once constructed, read the stream only through this object. Not
 * thread-safe.
 */
public final class TcpMessageInput {
  private static final int HEADER = 12;
  private static final int AHEAD = 16 * 1024;

  private final InputStream in;
  private final int maxMessageSize;
  private final byte[] ahead = new byte[AHEAD];
  private int aheadPos;
  private int aheadLimit;
  private long consumed;

  /**
   * Creates the reader.
   *
   * @param in the stream; not closed by this object
   * @param maxMessageSize the largest message accepted, 12..65535
   * @throws IllegalArgumentException if {@code maxMessageSize} is out of range
   */
  public TcpMessageInput(InputStream in, int maxMessageSize) {
    if (maxMessageSize < HEADER || maxMessageSize > MessageReader.MAX_MESSAGE) {
      throw new IllegalArgumentException("max message size " + maxMessageSize + " is not in 12..65535");
    }
    this.in = in;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Reads the next message into {@code buf} from index 0.
   *
   * @param buf where the message goes; at least {@code maxMessageSize} long (65535 always fits)
   * @return the message length, or -1 on a clean end of stream exactly between two messages
   * @throws EOFException if the stream ends inside a length prefix or a message
   * @throws WireFormatException if the length is below 12 (0 included) or above the maximum
   * @throws IOException if reading fails, e.g. a socket timeout
   * @throws IllegalArgumentException if {@code buf} is shorter than {@code maxMessageSize}
   */
  public int next(byte[] buf) throws IOException, WireFormatException {
    if (buf.length < maxMessageSize) {
      throw new IllegalArgumentException("buffer of " + buf.length + " bytes is shorter than " + maxMessageSize);
    }
    long at = consumed;
    int hi = readByte();
    if (hi < 0) {
      return -1;
    }
    int lo = readByte();
    if (lo < 0) {
      consumed += 1;
      throw new EOFException("stream ended inside a length prefix at stream offset " + at + ": got 1 of 2 bytes");
    }
    int len = (hi << 8) | lo;
    consumed += 2;
    if (len < HEADER) {
      throw new WireFormatException("message length " + len + " at stream offset " + at
          + " is shorter than the 12-byte header", 0);
    }
    if (len > maxMessageSize) {
      throw new WireFormatException("message length " + len + " at stream offset " + at
          + " exceeds the limit of " + maxMessageSize, 0);
    }
    int got = Math.min(aheadLimit - aheadPos, len);
    System.arraycopy(ahead, aheadPos, buf, 0, got);
    aheadPos += got;
    while (got < len) {
      int need = len - got;
      int n;
      if (need >= AHEAD) {
        n = in.read(buf, got, need); // large remainder: skip the extra copy
        if (n > 0) {
          got += n;
        }
      } else {
        n = fill();
        if (n > 0) {
          int c = Math.min(n, need);
          System.arraycopy(ahead, 0, buf, got, c);
          aheadPos = c;
          got += c;
        }
      }
      if (n < 0) {
        consumed += got;
        throw new EOFException("stream ended inside a message: got " + got + " of " + len + " bytes");
      }
    }
    consumed += len;
    return len;
  }

  /**
   * Returns the bytes this reader has consumed from the stream: length prefixes and message bytes
   * handed out (plus the partial message when the stream ended inside one). Bytes read ahead but
   * not yet handed out are not counted, so the figure does not depend on chunking.
   *
   * @return the total, prefixes included
   */
  public long bytesRead() {
    return consumed;
  }

  private int readByte() throws IOException {
    if (aheadPos == aheadLimit) {
      int n;
      do {
        n = fill();
      } while (n == 0);
      if (n < 0) {
        return -1;
      }
    }
    return ahead[aheadPos++] & 0xFF;
  }

  /** Refills the read-ahead buffer from empty; returns the byte count read, or -1 at the end. */
  private int fill() throws IOException {
    aheadPos = 0;
    aheadLimit = 0;
    int n = in.read(ahead, 0, AHEAD);
    if (n > 0) {
      aheadLimit = n;
    }
    return n;
  }
}
