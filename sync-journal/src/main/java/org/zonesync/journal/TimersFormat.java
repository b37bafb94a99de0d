// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * Encodes and decodes {@code timers.zst}, a zone's refresh timers (layout in the package
 * documentation). The encoding is canonical: {@link #decode} accepts exactly the bytes
 * {@link #encode} produces for some timers, so decoding then encoding gives the input back.
 */
final class TimersFormat {
  static final int MAGIC = 0x5A544D52; // "ZTMR"
  static final int VERSION = 1;
  /** Larger files are damage: the largest valid one is under 400 bytes. */
  static final int MAX_SIZE = 4096;

  static final int EXPIRES = 0x01;
  static final int EXPIRED = 0x02;
  static final int PRIMARY = 0x04;
  static final int LAST_SUCCESS = 0x08;
  private static final int KNOWN_FLAGS = EXPIRES | EXPIRED | PRIMARY | LAST_SUCCESS;
  private static final long MIN_SECONDS = Instant.MIN.getEpochSecond();
  private static final long MAX_SECONDS = Instant.MAX.getEpochSecond();

  private TimersFormat() {
  }

  /**
   * Encodes timers for the zone whose canonical apex is {@code apex}.
   *
   * @throws IllegalArgumentException if the primary is unresolved (it has no address to store)
   */
  static byte[] encode(ReplicaTimers t, byte[] apex) {
    int flags = (t.expiresAt().isPresent() ? EXPIRES : 0) | (t.expired() ? EXPIRED : 0)
        | (t.primary().isPresent() ? PRIMARY : 0) | (t.lastSuccess().isPresent() ? LAST_SUCCESS
        : 0);
    Buf b = new Buf(64 + apex.length);
    b.u32(MAGIC).u16(VERSION).u16(flags).u8(apex.length).bytes(apex, 0, apex.length);
    instant(b, t.nextRefresh());
    b.u32(t.failures());
    t.expiresAt().ifPresent(i -> instant(b, i));
    t.lastSuccess().ifPresent(i -> instant(b, i));
    if (t.primary().isPresent()) {
      InetSocketAddress p = t.primary().get();
      InetAddress a = p.getAddress();
      if (a == null) {
        throw new IllegalArgumentException("primary " + p + " is unresolved");
      }
      byte[] raw = a.getAddress();
      b.u8(raw.length).bytes(raw, 0, raw.length);
      if (a instanceof Inet6Address six) {
        b.u32(six.getScopeId());
      }
      b.u16(p.getPort());
    }
    b.u32(JournalFormat.crc(b.array(), 0, b.size()));
    return b.toByteArray();
  }

  private static void instant(Buf b, Instant i) {
    b.u64(i.getEpochSecond()).u32(i.getNano());
  }

  /**
   * Decodes {@code len} bytes of a timers file, checking everything: size, magic, checksum,
   * version, flags, the zone, every field's range, and nothing after the end.
   *
   * @param apex the zone's canonical wire name
   * @throws StoreFormatException if the bytes are damaged, of another zone, or of an unknown
   *     version
   */
  static ReplicaTimers decode(byte[] b, int len, byte[] apex) throws StoreFormatException {
    if (len > MAX_SIZE) {
      throw new StoreFormatException("timers file is " + len + " bytes, at most " + MAX_SIZE
          + " expected");
    }
    if (len < 8 + 4) {
      throw new StoreFormatException("timers file is " + len + " bytes, too short");
    }
    long magic = Buf.u32(b, 0);
    if (magic != (MAGIC & 0xFFFF_FFFFL)) {
      throw new StoreFormatException(String.format(Locale.ROOT,
          "not a timers file: magic 0x%08x", magic));
    }
    long crc = JournalFormat.crc(b, 0, len - 4);
    if (Buf.u32(b, len - 4) != crc) {
      throw new StoreFormatException("timers checksum mismatch");
    }
    int version = Buf.u16(b, 4);
    if (version != VERSION) {
      throw new StoreFormatException("timers format version " + version
          + " is not supported (this build reads " + VERSION + ")", true);
    }
    Cursor c = new Cursor(b, 6, len - 4);
    int flags = c.u16();
    if ((flags & ~KNOWN_FLAGS) != 0 || (flags & EXPIRED) != 0 && (flags & EXPIRES) == 0) {
      throw new StoreFormatException(String.format(Locale.ROOT,
          "timers flags 0x%04x are invalid", flags));
    }
    int nameLen = c.u8();
    int nameAt = c.take(nameLen);
    if (!Arrays.equals(b, nameAt, nameAt + nameLen, apex, 0, apex.length)) {
      throw new StoreFormatException("timers file names another zone");
    }
    Instant next = c.instant();
    long failures = c.u32();
    if (failures > Integer.MAX_VALUE) {
      throw new StoreFormatException("timers failure count " + failures + " out of range");
    }
    Optional<Instant> expires = (flags & EXPIRES) != 0 ? Optional.of(c.instant())
        : Optional.empty();
    Optional<Instant> success = (flags & LAST_SUCCESS) != 0 ? Optional.of(c.instant())
        : Optional.empty();
    Optional<InetSocketAddress> primary = (flags & PRIMARY) != 0 ? Optional.of(c.address())
        : Optional.empty();
    if (c.at != c.end) {
      throw new StoreFormatException((c.end - c.at) + " bytes after the timers at offset "
          + c.at);
    }
    return new ReplicaTimers(next, expires, (flags & EXPIRED) != 0, (int) failures, primary,
        success);
  }

  /** Reads fields within {@code [at, end)}, reporting a short file as damage. */
  private static final class Cursor {
    private final byte[] b;
    private int at;
    private final int end;

    Cursor(byte[] b, int at, int end) {
      this.b = b;
      this.at = at;
      this.end = end;
    }

    /** Returns the offset of the next {@code n} bytes and skips them. */
    int take(int n) throws StoreFormatException {
      if (n > end - at) {
        throw new StoreFormatException("timers file ends early: " + n + " bytes needed at "
            + "offset " + at + ", " + (end - at) + " left");
      }
      int p = at;
      at += n;
      return p;
    }

    int u8() throws StoreFormatException {
      return b[take(1)] & 0xFF;
    }

    int u16() throws StoreFormatException {
      return Buf.u16(b, take(2));
    }

    long u32() throws StoreFormatException {
      return Buf.u32(b, take(4));
    }

    Instant instant() throws StoreFormatException {
      int p = at;
      long seconds = Buf.u64(b, take(8));
      long nanos = u32();
      if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos > 999_999_999L) {
        throw new StoreFormatException("time " + seconds + " s " + nanos + " ns at offset " + p
            + " out of range");
      }
      return Instant.ofEpochSecond(seconds, nanos);
    }

    /** An address: length 4 or 16, the bytes, for IPv6 a scope id (0: none), a port. */
    InetSocketAddress address() throws StoreFormatException {
      int p = at;
      int len = u8();
      if (len != 4 && len != 16) {
        throw new StoreFormatException("address length " + len + " at offset " + p);
      }
      byte[] raw = Arrays.copyOfRange(b, take(len), at);
      InetAddress a;
      try {
        if (len == 4) {
          a = InetAddress.getByAddress(raw); // four bytes: always IPv4
        } else {
          long scope = u32();
          if (scope > Integer.MAX_VALUE) {
            throw new StoreFormatException("ipv6 scope id " + scope + " at offset " + p);
          }
          // Inet6Address keeps an IPv4-mapped address as IPv6 (InetAddress would not), so
          // what was saved comes back with the same type and encoding.
          a = Inet6Address.getByAddress(null, raw, scope == 0 ? -1 : (int) scope);
        }
      } catch (UnknownHostException e) {
        throw new StoreFormatException("address at offset " + p + ": " + e.getMessage());
      }
      return new InetSocketAddress(a, u16());
    }
  }
}
