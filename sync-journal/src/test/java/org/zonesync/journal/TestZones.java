// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;

/**
 * A deterministic sequence of zone versions and the deltas between them, and the byte-exact
 * oracle the crash tests share: what a store loads must be a version of the sequence, record
 * for record and byte for byte (TTL and owner case included).
 */
final class TestZones {
  static final Name ZONE = Name.fromConstantString("example.com.");
  private static final HexFormat HEX = HexFormat.of();

  /** Shared by every test store, so that no two lineages in one JVM share an epoch. */
  private static final java.util.concurrent.atomic.AtomicLong EPOCHS =
      new java.util.concurrent.atomic.AtomicLong(0x5EED);

  private TestZones() {
  }

  /** A store over {@code files} with small I/O buffers (more write operations to fault). */
  static FileReplicaStore store(StoreFiles files, java.nio.file.Path root, int depth,
      long maxBytes) {
    return new FileReplicaStore(root, new FileReplicaStore.Config(files, maxBytes, depth, 64,
        java.time.Clock.fixed(java.time.Instant.parse("2026-01-02T03:04:05Z"),
            java.time.ZoneOffset.UTC),
        () -> EPOCHS.incrementAndGet() * 0x9E37_79B9_7F4A_7C15L));
  }

  static SOARecord soa(long serial) {
    return new SOARecord(ZONE, DClass.IN, 3600, Name.fromConstantString("ns1.example.com."),
        Name.fromConstantString("h.example.com."), serial & SerialNumber.MAX_VALUE, 3600, 600,
        86400, 300);
  }

  private static InetAddress v4(long i) {
    try {
      return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
          (byte) i});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Version {@code serial}: SOA, NS, a mixed-case TXT and an unknown-type record that change
   * every version, a record whose TTL alternates, and four hosts sliding with the serial.
   */
  static ZoneSnapshot versionAt(long serial) {
    List<Record> rs = new ArrayList<>();
    SOARecord soa = soa(serial);
    rs.add(soa);
    rs.add(new NSRecord(ZONE, DClass.IN, 3600, Name.fromConstantString("ns1.example.com.")));
    rs.add(new TXTRecord(Name.fromConstantString("MiXeD.Example.com."), DClass.IN, 120,
        "serial " + serial));
    rs.add(Record.newRecord(Name.fromConstantString("odd.example.com."), 65400, DClass.IN, 60,
        new byte[] {(byte) serial, 0, (byte) 0xFF, (byte) (serial >> 8)}));
    rs.add(new ARecord(Name.fromConstantString("ttl.example.com."), DClass.IN,
        100 + serial % 2, v4(0x090909)));
    for (long i = serial; i < serial + 4; i++) {
      rs.add(new ARecord(Name.fromConstantString("h" + i + ".example.com."), DClass.IN,
          300 + i % 3, v4(i)));
    }
    return new ReplicaStoreContractTest.ListSnapshot(ZONE, soa, rs);
  }

  /** The delta from version {@code from} to version {@code from + 1}. */
  static ZoneDelta deltaFrom(long from) {
    Map<String, Record> a = keyed(versionAt(from));
    Map<String, Record> b = keyed(versionAt(from + 1));
    List<Record> deleted = new ArrayList<>();
    List<Record> added = new ArrayList<>();
    a.forEach((k, r) -> {
      if (!b.containsKey(k)) {
        deleted.add(r);
      }
    });
    b.forEach((k, r) -> {
      if (!a.containsKey(k)) {
        added.add(r);
      }
    });
    return new ZoneDelta(soa(from), soa(from + 1), deleted, added);
  }

  private static Map<String, Record> keyed(ZoneSnapshot s) {
    Map<String, Record> m = new LinkedHashMap<>();
    for (Record r : s) {
      if (!(r instanceof SOARecord)) {
        m.put(key(r), r);
      }
    }
    return m;
  }

  /** A record's full wire form (owner case and TTL included) as hex. */
  static String key(Record r) {
    return HEX.formatHex(r.toWire(Section.ANSWER));
  }

  /** The records a snapshot streams, in order, as {@link #key} strings. */
  static List<String> wire(ZoneSnapshot s) {
    List<String> out = new ArrayList<>();
    s.forEachWire(collector(out));
    return out;
  }

  static org.zonesync.api.WireRecordSink collector(List<String> out) {
    return (o, oo, ol, type, dclass, ttl, rd, ro, rl) -> {
      Buf b = new Buf(ol + 10 + rl);
      b.bytes(o, oo, ol).u16(type).u16(dclass).u32(ttl).u16(rl).bytes(rd, ro, rl);
      out.add(HEX.formatHex(b.toByteArray()));
    };
  }

  static List<String> wire(ZoneDelta d) {
    List<String> out = new ArrayList<>();
    out.add(key(d.fromSoa()));
    out.add(key(d.toSoa()));
    out.add("-");
    d.deleted().forEach(r -> out.add(key(r)));
    out.add("+");
    d.added().forEach(r -> out.add(key(r)));
    return out;
  }

  /**
   * Loads the zone and checks it byte for byte against the sequence: the base streams exactly
   * as {@code version(base)} does, every delta equals {@code delta(from)}, applying them gives
   * {@code version(latest)}, and {@code deltasSince} agrees. Returns the latest serial, or -1
   * if nothing is stored.
   */
  static long check(ReplicaStore store) throws ReplicaStoreException {
    List<String> base = new ArrayList<>();
    Optional<ReplicaStore.Stored> stored = store.load(ZONE, collector(base));
    if (stored.isEmpty()) {
      assertEquals(List.of(), base, "records streamed although nothing is stored");
      return -1;
    }
    long b = stored.get().base().value();
    assertEquals(wire(versionAt(b)), base, "base version " + b + " differs");
    Set<String> zone = new LinkedHashSet<>(base.subList(1, base.size()));
    long at = b;
    for (ZoneDelta d : stored.get().deltas()) {
      assertEquals(at, d.from().value(), "deltas do not chain");
      assertEquals(wire(deltaFrom(at)), wire(d), "delta from " + at + " differs");
      d.deleted().forEach(r -> assertTrue(zone.remove(key(r)), "deletes a missing record"));
      d.added().forEach(r -> assertTrue(zone.add(key(r)), "adds a present record"));
      at = d.to().value();
    }
    List<String> expected = wire(versionAt(at));
    assertEquals(new LinkedHashSet<>(expected.subList(1, expected.size())), zone,
        "applying the journal does not give version " + at);
    assertEquals(at, stored.get().latest().value());
    assertEquals(Optional.of(List.of()), store.deltasSince(ZONE, SerialNumber.of(at)));
    if (at != b) {
      List<ZoneDelta> since = store.deltasSince(ZONE, SerialNumber.of(b)).orElseThrow();
      assertEquals(stored.get().deltas().stream().map(TestZones::wire).toList(),
          since.stream().map(TestZones::wire).toList());
    }
    return at;
  }
}
