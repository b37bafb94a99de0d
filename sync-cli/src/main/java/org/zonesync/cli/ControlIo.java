// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Reads and writes on a non-blocking Unix-domain socket channel with a deadline. Unix-domain
 * channels have no socket adaptor, so no {@code SO_TIMEOUT}: every wait goes through a
 * {@link Selector} bounded by the time left. Stateless.
 */
final class ControlIo {

  /** Why a bounded read ended. */
  enum End {
    /** The buffer holds a line break. */
    LINE,
    /** The peer closed its side. */
    EOF,
    /** The buffer filled up without a line break. */
    FULL,
    /** The deadline passed. */
    TIMEOUT
  }

  private ControlIo() {
  }

  /**
   * Reads into {@code buf} until a line break has been read, the peer closes, the buffer is full
   * or the deadline passes; with {@code untilEof} a line break does not stop the read.
   *
   * @param ch a non-blocking channel
   * @param buf where the bytes go (position advances)
   * @param deadline the {@link System#nanoTime()} to stop at
   * @param untilEof read on past line breaks
   * @return why it stopped
   * @throws IOException if reading fails
   */
  static End read(SocketChannel ch, ByteBuffer buf, long deadline, boolean untilEof)
      throws IOException {
    try (Selector sel = Selector.open()) {
      ch.register(sel, SelectionKey.OP_READ);
      while (true) {
        int start = buf.position();
        int n = ch.read(buf);
        if (n < 0) {
          return End.EOF;
        }
        if (!untilEof) {
          for (int i = start; i < buf.position(); i++) {
            if (buf.get(i) == '\n') {
              return End.LINE;
            }
          }
        }
        if (!buf.hasRemaining()) {
          return End.FULL;
        }
        if (n == 0 && !await(sel, deadline)) {
          return End.TIMEOUT;
        }
      }
    }
  }

  /**
   * Writes all of {@code buf} unless the deadline passes first.
   *
   * @param ch a non-blocking channel
   * @param buf the bytes
   * @param deadline the {@link System#nanoTime()} to give up at
   * @return whether everything was written
   * @throws IOException if writing fails
   */
  static boolean write(SocketChannel ch, ByteBuffer buf, long deadline) throws IOException {
    try (Selector sel = Selector.open()) {
      ch.register(sel, SelectionKey.OP_WRITE);
      while (buf.hasRemaining()) {
        if (ch.write(buf) == 0 && !await(sel, deadline)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Waits for the registered readiness; false once the deadline has passed. */
  private static boolean await(Selector sel, long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    sel.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    sel.selectedKeys().clear();
    if (Thread.currentThread().isInterrupted()) {
      // select returns at once while the flag is set: stop instead of spinning
      throw new InterruptedIOException("interrupted while waiting on the control socket");
    }
    return true;
  }

  /** Returns the deadline {@code millis} from now. */
  static long deadline(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
