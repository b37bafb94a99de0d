// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;

/**
 * Fuzz targets for the two readers on arbitrary bytes (TESTPLAN harness 5). Invariants: only
 * {@link StoreFormatException} escapes; a journal's committed entries chain, decode, and
 * encode then decode to the same deltas; a snapshot that verifies streams the same records
 * twice and re-encodes to exactly the input bytes. No hang: both readers make one pass in which
 * every step consumes input, so time is linear in the input's length (a JUnit timeout is not
 * used: jazzer-junit 0.24 would apply it to the whole fuzzing run, jazzer issue 930). Seeds in
 * {@code StoreFuzzTestInputs/} (valid files from the writer, cut and altered ones) run as
 * regression tests in every build; set JAZZER_FUZZ=1 to fuzz (60 s per target).
 */
final class StoreFuzzTest {
  private static final byte[] APEX = RecordCodec.canonical(TestZones.ZONE);

  @FuzzTest(maxDuration = "60s")
  void journal(byte[] data) throws IOException {
    BytesHandle h = new BytesHandle(data, 0, data.length);
    JournalFormat.Scan scan;
    try {
      scan = JournalFormat.scan(h, APEX, 64);
    } catch (StoreFormatException expected) {
      return;
    }
    assertTrue(scan.end() <= data.length);
    long seq = scan.header().startSeq();
    int prev = scan.header().seed();
    long serial = scan.header().startSerial().value();
    for (JournalFormat.Entry e : scan.entries()) {
      assertEquals(seq + 1, e.seq());
      assertEquals(serial, e.from().value());
      ZoneDelta d;
      try {
        d = JournalFormat.read(h, e, APEX);
      } catch (StoreFormatException expected) {
        return; // a committed entry whose records do not decode: reported as damage
      }
      assertEquals(e.from(), d.from());
      assertEquals(e.to(), d.to());
      byte[] again = JournalFormat.entry(d, e.seq(), prev, APEX);
      ZoneDelta d2;
      try {
        d2 = JournalFormat.decode(again, JournalFormat.ENTRY_HEADER,
            again.length - JournalFormat.ENTRY_HEADER - 4, d.from(), d.to(), APEX);
      } catch (StoreFormatException e2) {
        throw new AssertionError("re-encoded entry does not decode: " + e2.getMessage(), e2);
      }
      assertEquals(TestZones.wire(d), TestZones.wire(d2));
      seq = e.seq();
      prev = e.crc();
      serial = e.to().value();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void snapshot(byte[] data) throws IOException {
    SnapshotFormat.Info info;
    try {
      info = SnapshotFormat.read(new BytesHandle(data, 0, data.length), APEX, null, 64);
    } catch (StoreFormatException expected) {
      return;
    }
    List<byte[]> records = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    WireRecordSink keep = (o, oo, ol, type, dclass, ttl, rd, ro, rl) -> {
      Buf b = new Buf(ol + 10 + rl);
      b.bytes(o, oo, ol).u16(type).u16(dclass).u32(ttl).u16(rl).bytes(rd, ro, rl);
      records.add(b.toByteArray());
    };
    try {
      SnapshotFormat.read(new BytesHandle(data, 0, data.length), APEX, keep, 64);
      SnapshotFormat.read(new BytesHandle(data, 0, data.length), APEX,
          TestZones.collector(seen), 64);
    } catch (StoreFormatException e) {
      throw new AssertionError("verified, then failed to stream: " + e.getMessage(), e);
    }
    assertEquals(info.records(), records.size());
    assertEquals(seen.size(), records.size());
    SOARecord soa;
    try {
      soa = (SOARecord) Record.fromWire(records.get(0), Section.ANSWER);
    } catch (IOException | RuntimeException e) {
      return; // a well-formed SOA shape that dnsjava still refuses; nothing to re-encode from
    }
    Fake fake = new Fake(TestZones.ZONE, soa, records);
    FaultyFiles fs = new FaultyFiles(java.nio.file.Path.of("/fuzz"));
    java.nio.file.Path file = java.nio.file.Path.of("/fuzz/s");
    try (StoreFiles.Handle out = fs.openWrite(file, true)) {
      SnapshotFormat.write(out, fake, info.epoch(), info.seq(), 64);
    }
    assertArrayEquals(data, fs.bytes(file), "decode then encode changed the bytes");
  }

  /** A snapshot that streams stored wire records, for re-encoding. */
  private record Fake(Name origin, SOARecord soa, List<byte[]> wire) implements ZoneSnapshot {
    @Override
    public long recordCount() {
      return wire.size();
    }

    @Override
    public List<Record> lookup(Name name, int type) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void writeMasterFile(Appendable out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Iterator<Record> iterator() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void forEachWire(WireRecordSink sink) {
      for (byte[] w : wire) {
        int ol = RecordCodec.nameLength(w, 0, w.length);
        sink.record(w, 0, ol, Buf.u16(w, ol), Buf.u16(w, ol + 2), Buf.u32(w, ol + 4), w,
            ol + 10, Buf.u16(w, ol + 8));
      }
    }
  }
}
