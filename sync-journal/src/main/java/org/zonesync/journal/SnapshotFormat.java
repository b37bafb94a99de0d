// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneSnapshot;

/**
 * Writes and reads {@code snapshot.zs}, one complete version of a zone (layout in the package
 * documentation). Reading either verifies (no sink) or streams; callers verify the whole file
 * before streaming so that a sink never receives part of a damaged file.
 */
final class SnapshotFormat {
  static final int MAGIC = 0x5A534E50; // "ZSNP"
  static final int VERSION = 1;

  /** What a snapshot file holds besides its records. */
  record Info(long epoch, long seq, SerialNumber serial, long records, long bytes) {
  }

  private SnapshotFormat() {
  }

  /**
   * Writes a snapshot to an empty file (not forced).
   *
   * @throws IllegalArgumentException if the snapshot does not start with its apex SOA, has a
   *     record outside the zone, or disagrees with its own serial
   */
  static long write(StoreFiles.Handle h, ZoneSnapshot s, long epoch, long seq, int bufferSize)
      throws IOException {
    byte[] apex = RecordCodec.canonical(s.origin());
    Buf b = new Buf(bufferSize + 1024);
    b.u32(MAGIC).u16(VERSION).u16(0).u64(epoch).u64(seq).u32(s.serial().value())
        .u8(apex.length).bytes(apex, 0, apex.length);
    CRC32C hc = new CRC32C();
    hc.update(b.array(), 0, b.size());
    b.u32(hc.getValue());
    CRC32C crc = new CRC32C();
    long[] pos = {0};
    long[] count = {0};
    RecordCodec.Writer rw = new RecordCodec.Writer();
    long serial = s.serial().value();
    try {
      s.forEachWire((o, oo, ol, type, dclass, ttl, rd, ro, rl) -> {
        if (RecordCodec.nameLength(o, oo, ol) != ol) {
          throw new IllegalArgumentException("invalid owner name in record " + count[0]);
        }
        if (count[0] == 0) {
          if (type != Type.SOA || !RecordCodec.sameName(o, oo, ol, apex)
              || RecordCodec.soaSerial(rd, ro, rl) != serial) {
            throw new IllegalArgumentException("snapshot does not start with its apex SOA, serial "
                + serial);
          }
        } else if (!RecordCodec.isAtOrBelow(o, oo, ol, apex)) {
          throw new IllegalArgumentException("record " + count[0] + " is outside zone "
              + s.origin());
        }
        rw.write(b, o, oo, ol, type, dclass, ttl, rd, ro, rl);
        count[0]++;
        if (b.size() >= bufferSize) {
          try {
            flush(h, b, crc, pos);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (count[0] == 0) {
      throw new IllegalArgumentException("snapshot has no records");
    }
    b.u8(RecordCodec.FLAG_END).u64(count[0]);
    flush(h, b, crc, pos);
    b.u32(crc.getValue());
    flush(h, b, crc, pos);
    return pos[0];
  }

  private static void flush(StoreFiles.Handle h, Buf b, CRC32C crc, long[] pos)
      throws IOException {
    h.write(ByteBuffer.wrap(b.array(), 0, b.size()), pos[0]);
    crc.update(b.array(), 0, b.size());
    pos[0] += b.size();
    b.clear();
  }

  /**
   * Reads a snapshot file, checking everything: magic, version, both checksums, the zone, the
   * SOA first with the header's serial, every owner at or below the apex, the record count,
   * and nothing after the end.
   *
   * @param apex the zone's canonical wire name
   * @param sink receives the records, or null to verify only
   * @throws StoreFormatException if the file is damaged or of an unknown version; records may
   *     already have gone to the sink, so verify first
   */
  static Info read(StoreFiles.Handle h, byte[] apex, @Nullable WireRecordSink sink,
      int bufferSize) throws IOException, StoreFormatException {
    SeqReader in = new SeqReader(h, 0, bufferSize);
    long magic = in.u32();
    if (magic != (MAGIC & 0xFFFF_FFFFL)) {
      throw new StoreFormatException(String.format(Locale.ROOT,
          "not a snapshot file: magic 0x%08x", magic));
    }
    int version = in.u16();
    int flags = in.u16();
    long epoch = in.u64();
    long seq = in.u64();
    long serial = in.u32();
    int nameLen = in.u8();
    byte[] name = new byte[nameLen];
    in.read(name, 0, nameLen);
    int headerCrc = in.crc();
    if (in.u32() != (headerCrc & 0xFFFF_FFFFL)) {
      throw new StoreFormatException("snapshot header checksum mismatch");
    }
    if (version != VERSION) {
      throw new StoreFormatException("snapshot format version " + version
          + " is not supported (this build reads " + VERSION + ")", true);
    }
    if (flags != 0 || !java.util.Arrays.equals(name, apex)) {
      throw new StoreFormatException("snapshot header names another zone or has flags "
          + flags);
    }
    RecordCodec.Reader r = new RecordCodec.Reader();
    long count = 0;
    while (r.next(in, count > 0)) {
      if (count == 0) {
        if (r.type != Type.SOA || !RecordCodec.sameName(r.owner, 0, r.ownerLen, apex)
            || RecordCodec.soaSerial(r.rdata, 0, r.rdLen) != serial) {
          throw new StoreFormatException("first record is not the apex SOA with serial "
              + serial);
        }
      } else if (!RecordCodec.isAtOrBelow(r.owner, 0, r.ownerLen, apex)) {
        throw new StoreFormatException("record " + count + " is outside the zone, offset "
            + in.position());
      }
      if (sink != null) {
        sink.record(r.owner, 0, r.ownerLen, r.type, r.dclass, r.ttl, r.rdata, 0, r.rdLen);
      }
      count++;
    }
    long stored = in.u64();
    if (stored != count) {
      throw new StoreFormatException("snapshot end says " + stored + " records, found "
          + count);
    }
    int crc = in.crc();
    if (in.u32() != (crc & 0xFFFF_FFFFL)) {
      throw new StoreFormatException("snapshot checksum mismatch");
    }
    if (in.remaining() != 0) {
      throw new StoreFormatException(in.remaining() + " bytes after the end of the snapshot");
    }
    return new Info(epoch, seq, SerialNumber.of(serial), count, in.size());
  }
}
