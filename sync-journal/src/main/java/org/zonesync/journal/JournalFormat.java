// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;

/**
 * Writes and reads {@code journal.zsj}, the append-only list of committed deltas (layout in
 * the package documentation). The scanner stops at the first entry that is incomplete,
 * corrupt, uncommitted or does not chain, and reports the committed prefix before it.
 */
final class JournalFormat {
  static final int MAGIC = 0x5A4A4E4C; // "ZJNL"
  static final int ENTRY_MAGIC = 0x5A4A454E; // "ZJEN"
  static final int COMMIT_MAGIC = 0x5A434D54; // "ZCMT"
  static final int VERSION = 1;
  static final int ENTRY_HEADER = 28;
  static final int ENTRY_OVERHEAD = ENTRY_HEADER + 4 + 8;
  static final int MAX_PAYLOAD = Integer.MAX_VALUE - 1024;
  /** The smallest encoded record: flags, type, class, ttl, rdlength. */
  private static final int MIN_RECORD = 11;

  /** The journal header: which lineage and position the first entry continues. */
  record Header(long epoch, long startSeq, SerialNumber startSerial, int seed, int length) {
  }

  /** One committed entry: where it is and what it chains. */
  record Entry(long offset, int payload, long seq, SerialNumber from, SerialNumber to, int crc) {
    int size() {
      return ENTRY_OVERHEAD + payload;
    }

    long end() {
      return offset + size();
    }
  }

  /**
   * What a scan found.
   *
   * @param end where the committed entries end
   * @param stop why the scan stopped before the end of the file, or null
   * @param torn whether that looks like an interrupted append (the bad entry reaches the end of
   *     the file) rather than damage in the middle
   */
  record Scan(Header header, List<Entry> entries, long end, long fileSize, @Nullable String stop,
      boolean torn) {
  }

  private JournalFormat() {
  }

  static byte[] header(long epoch, long startSeq, SerialNumber startSerial, int seed,
      byte[] apex) {
    Buf b = new Buf(64);
    b.u32(MAGIC).u16(VERSION).u16(0).u64(epoch).u64(startSeq).u32(startSerial.value())
        .u32(seed & 0xFFFF_FFFFL).u8(apex.length).bytes(apex, 0, apex.length);
    b.u32(crc(b.array(), 0, b.size()));
    return b.toByteArray();
  }

  /** Reads back a header this class encoded. */
  static Header parseHeader(byte[] header) {
    return new Header(Buf.u64(header, 8), Buf.u64(header, 16),
        SerialNumber.of(Buf.u32(header, 24)), (int) Buf.u32(header, 28), header.length);
  }

  /**
   * Encodes an entry without its commit marker.
   *
   * @throws IllegalArgumentException if a record is outside the zone or the entry is too big
   */
  static byte[] entry(ZoneDelta d, long seq, int prev, byte[] apex) {
    Buf b = new Buf(256);
    b.u32(ENTRY_MAGIC).u32(0).u64(seq).u32(d.from().value()).u32(d.to().value())
        .u32(prev & 0xFFFF_FFFFL);
    b.u32(d.deleted().size()).u32(d.added().size());
    RecordCodec.Writer w = new RecordCodec.Writer();
    put(b, w, d.fromSoa(), apex);
    put(b, w, d.toSoa(), apex);
    for (Record r : d.deleted()) {
      put(b, w, r, apex);
    }
    for (Record r : d.added()) {
      put(b, w, r, apex);
    }
    int payload = b.size() - ENTRY_HEADER;
    if (payload > MAX_PAYLOAD) {
      throw new IllegalArgumentException("delta encodes to " + payload + " bytes");
    }
    b.putU32(4, payload);
    b.u32(crc(b.array(), 0, b.size()));
    return b.toByteArray();
  }

  private static void put(Buf b, RecordCodec.Writer w, Record r, byte[] apex) {
    byte[] wire = r.toWire(Section.ANSWER);
    int ol = r.getName().length();
    if (!RecordCodec.isAtOrBelow(wire, 0, ol, apex)) {
      throw new IllegalArgumentException("record outside the zone: " + r.getName());
    }
    w.write(b, wire, 0, ol, r.getType(), r.getDClass(), r.getTTL(), wire, ol + 10,
        wire.length - ol - 10);
  }

  /** Returns the commit marker for the entry with CRC {@code entryCrc}. */
  static byte[] marker(int entryCrc) {
    Buf b = new Buf(8);
    b.u32(entryCrc & 0xFFFF_FFFFL);
    int bind = (int) crc(b.array(), 0, 4);
    b.clear();
    return b.u32(COMMIT_MAGIC).u32(bind & 0xFFFF_FFFFL).toByteArray();
  }

  static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }

  /**
   * Reads the header and every committed entry.
   *
   * @throws StoreFormatException if the header is damaged, of another version or zone
   */
  static Scan scan(StoreFiles.Handle h, byte[] apex, int bufferSize)
      throws IOException, StoreFormatException {
    SeqReader in = new SeqReader(h, 0, bufferSize);
    long magic = in.u32();
    if (magic != (MAGIC & 0xFFFF_FFFFL)) {
      throw new StoreFormatException(String.format(Locale.ROOT,
          "journal format not recognized: magic 0x%08x", magic));
    }
    int version = in.u16();
    int flags = in.u16();
    long epoch = in.u64();
    long startSeq = in.u64();
    SerialNumber startSerial = SerialNumber.of(in.u32());
    int seed = (int) in.u32();
    int nameLen = in.u8();
    byte[] name = new byte[nameLen];
    in.read(name, 0, nameLen);
    int hc = in.crc();
    if (in.u32() != (hc & 0xFFFF_FFFFL)) {
      throw new StoreFormatException("journal header checksum mismatch");
    }
    if (version != VERSION) {
      throw new StoreFormatException("journal format version " + version
          + " is not supported (this build reads " + VERSION + ")", true);
    }
    if (flags != 0 || !java.util.Arrays.equals(name, apex)) {
      throw new StoreFormatException("journal header names another zone or has flags " + flags);
    }
    Header header = new Header(epoch, startSeq, startSerial, seed, (int) in.position());
    List<Entry> entries = new ArrayList<>();
    long seq = startSeq;
    SerialNumber serial = startSerial;
    int prev = seed;
    String stop = null;
    boolean torn = false;
    byte[] head = new byte[ENTRY_HEADER];
    while (in.remaining() > 0) {
      long o = in.position();
      if (in.remaining() < ENTRY_OVERHEAD) {
        stop = "incomplete entry at offset " + o;
        torn = true;
        break;
      }
      in.resetCrc();
      in.read(head, 0, ENTRY_HEADER);
      long payload = Buf.u32(head, 4);
      if (Buf.u32(head, 0) != (ENTRY_MAGIC & 0xFFFF_FFFFL) || payload > MAX_PAYLOAD) {
        stop = "no entry at offset " + o;
        torn = zerosFrom(h, o, in.size());
        break;
      }
      if (payload > in.remaining() - ENTRY_OVERHEAD + ENTRY_HEADER) {
        stop = "entry at offset " + o + " declares " + payload + " bytes, the file ends first";
        torn = true;
        break;
      }
      boolean last = o + ENTRY_OVERHEAD + payload == in.size();
      in.skip(payload);
      int crc = in.crc();
      if (in.u32() != (crc & 0xFFFF_FFFFL)) {
        stop = "checksum mismatch in entry at offset " + o;
        torn = last;
        break;
      }
      byte[] mark = new byte[8];
      in.read(mark, 0, 8);
      if (!java.util.Arrays.equals(mark, marker(crc))) {
        stop = "entry at offset " + o + " was not committed";
        torn = last;
        break;
      }
      long eseq = Buf.u64(head, 8);
      SerialNumber from = SerialNumber.of(Buf.u32(head, 16));
      SerialNumber to = SerialNumber.of(Buf.u32(head, 20));
      int eprev = (int) Buf.u32(head, 24);
      if (eseq != seq + 1 || eprev != prev) {
        stop = "entry at offset " + o + " does not continue the chain (sequence " + eseq
            + ", expected " + (seq + 1) + ")";
        break;
      }
      if (!from.equals(serial) || !to.isNewerThan(from)) {
        stop = "journal file corrupt: expected serial " + serial + ", entry at offset " + o
            + " goes " + from + " -> " + to;
        break;
      }
      entries.add(new Entry(o, (int) payload, eseq, from, to, crc));
      seq = eseq;
      serial = to;
      prev = crc;
    }
    long end = entries.isEmpty() ? header.length() : entries.get(entries.size() - 1).end();
    return new Scan(header, entries, end, in.size(), stop, torn);
  }

  private static boolean zerosFrom(StoreFiles.Handle h, long from, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8192);
    long p = from;
    while (p < size) {
      b.clear();
      int n = h.read(b, p);
      if (n <= 0) {
        return true;
      }
      for (int i = 0; i < n; i++) {
        if (b.get(i) != 0) {
          return false;
        }
      }
      p += n;
    }
    return true;
  }

  /**
   * Reads one entry the scan found, checks it again and decodes it.
   *
   * @throws StoreFormatException if it changed since the scan or does not decode
   */
  static ZoneDelta read(StoreFiles.Handle h, Entry e, byte[] apex)
      throws IOException, StoreFormatException {
    byte[] b = new byte[e.size()];
    ByteBuffer bb = ByteBuffer.wrap(b);
    while (bb.hasRemaining()) {
      if (h.read(bb, e.offset() + bb.position()) <= 0) {
        throw new StoreFormatException("journal ends inside the entry at offset " + e.offset());
      }
    }
    int end = ENTRY_HEADER + e.payload();
    if (Buf.u32(b, 0) != (ENTRY_MAGIC & 0xFFFF_FFFFL) || Buf.u32(b, 4) != e.payload()
        || Buf.u64(b, 8) != e.seq() || Buf.u32(b, 16) != e.from().value()
        || Buf.u32(b, 20) != e.to().value() || (int) Buf.u32(b, end) != e.crc()
        || crc(b, 0, end) != (e.crc() & 0xFFFF_FFFFL)
        || !java.util.Arrays.equals(b, end + 4, end + 12, marker(e.crc()), 0, 8)) {
      throw new StoreFormatException("journal entry at offset " + e.offset()
          + " changed since it was read");
    }
    return decode(b, ENTRY_HEADER, e.payload(), e.from(), e.to(), apex);
  }

  /** Decodes an entry's payload into a delta. */
  static ZoneDelta decode(byte[] b, int off, int len, SerialNumber from, SerialNumber to,
      byte[] apex) throws IOException, StoreFormatException {
    SeqReader in = new SeqReader(new BytesHandle(b, off, len), 0, Math.max(16, len));
    long deleted = in.u32();
    long added = in.u32();
    if (deleted + added + 2 > len / MIN_RECORD) {
      throw new StoreFormatException("entry claims " + deleted + " + " + added
          + " records in " + len + " bytes");
    }
    RecordCodec.Reader r = new RecordCodec.Reader();
    SOARecord fromSoa = soa(record(in, r, apex), from);
    SOARecord toSoa = soa(record(in, r, apex), to);
    List<Record> del = new ArrayList<>((int) deleted);
    for (long i = 0; i < deleted; i++) {
      del.add(record(in, r, apex));
    }
    List<Record> add = new ArrayList<>((int) added);
    for (long i = 0; i < added; i++) {
      add.add(record(in, r, apex));
    }
    if (in.remaining() != 0) {
      throw new StoreFormatException(in.remaining() + " bytes after the records of an entry");
    }
    try {
      return new ZoneDelta(fromSoa, toSoa, del, add);
    } catch (IllegalArgumentException e) {
      throw new StoreFormatException("entry is not a valid delta: " + e.getMessage());
    }
  }

  private static SOARecord soa(Record r, SerialNumber serial) throws StoreFormatException {
    if (!(r instanceof SOARecord s) || s.getSerial() != serial.value()) {
      throw new StoreFormatException("entry SOA is not " + serial + ": " + r.getType());
    }
    return s;
  }

  private static Record record(SeqReader in, RecordCodec.Reader r, byte[] apex)
      throws IOException, StoreFormatException {
    r.next(in, false);
    if (!RecordCodec.isAtOrBelow(r.owner, 0, r.ownerLen, apex)) {
      throw new StoreFormatException("entry record outside the zone");
    }
    if (r.ttl > 0x7FFF_FFFFL) {
      throw new StoreFormatException("entry record TTL " + r.ttl + " out of range");
    }
    Record rec;
    try {
      rec = Record.fromWire(r.wire(), Section.ANSWER);
    } catch (IOException | RuntimeException e) {
      // RDATA comes from our own writer behind a CRC; if dnsjava rejects it, it is damage.
      throw new StoreFormatException("entry record does not parse: " + e.getMessage());
    }
    if (rec.getType() == Type.SOA && !RecordCodec.sameName(r.owner, 0, r.ownerLen, apex)) {
      throw new StoreFormatException("entry SOA not at the apex");
    }
    return rec;
  }
}
