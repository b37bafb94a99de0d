// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;

/**
 * The contract every {@link ReplicaStore} passes; each store's test extends it (round trip,
 * journal chain, serial gap, history for IXFR out).
 */
abstract class ReplicaStoreContractTest {

  /** A new, empty store keeping at least {@code depth / 2} and at most {@code depth} deltas. */
  abstract ReplicaStore newStore(int depth) throws Exception;

  ReplicaStore newStore() throws Exception {
    return newStore(20);
  }

  static final Name ZONE = Name.fromConstantString("example.com.");

  static SOARecord soa(Name origin, long serial) {
    return new SOARecord(origin, DClass.IN, 3600, Name.fromConstantString("ns1.example.com."),
        Name.fromConstantString("h.example.com."), serial, 3600, 600, 86400, 300);
  }

  static Record a(String owner, int last) {
    try {
      return new ARecord(Name.fromConstantString(owner), DClass.IN, 300,
          InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last}));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Version {@code serial}: SOA, NS, and A records host1..hostN. */
  static ZoneSnapshot version(Name origin, long serial, int hosts) {
    List<Record> records = new ArrayList<>();
    records.add(soa(origin, serial));
    records.add(new NSRecord(origin, DClass.IN, 3600, Name.fromConstantString("ns1.example.com.")));
    for (int i = 1; i <= hosts; i++) {
      records.add(a("host" + i + "." + origin, i));
    }
    return new ListSnapshot(origin, (SOARecord) records.get(0), records);
  }

  /** The delta from version (serial, hosts) to (serial + 1, hosts + 1). */
  static ZoneDelta grow(long serial, int hosts) {
    return new ZoneDelta(soa(ZONE, serial), soa(ZONE, serial + 1), List.of(),
        List.of(a("host" + (hosts + 1) + "." + ZONE, hosts + 1)));
  }

  static List<String> loadRecords(ReplicaStore store, Name zone,
      Optional<ReplicaStore.Stored>[] out) throws ReplicaStoreException {
    List<String> seen = new ArrayList<>();
    out[0] = store.load(zone, (o, oo, ol, type, dclass, ttl, rd, ro, rl) -> {
      seen.add(Type.string(type) + "/" + ol + "/" + rl);
    });
    return seen;
  }

  @Test
  @SuppressWarnings("unchecked")
  void load_isEmpty_forUnknownZone() throws Exception {
    try (ReplicaStore store = newStore()) {
      Optional<ReplicaStore.Stored>[] out = new Optional[1];
      assertEquals(List.of(), loadRecords(store, ZONE, out));
      assertTrue(out[0].isEmpty());
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(1)).isEmpty());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void replace_thenLoad_streamsTheVersion_soaFirst() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.replace(version(ZONE, 1, 3));
      store.replace(version(ZONE, 2, 5));
      Optional<ReplicaStore.Stored>[] out = new Optional[1];
      List<String> seen = loadRecords(store, ZONE, out);
      assertEquals("SOA", seen.get(0).split("/")[0]);
      assertEquals(2, out[0].orElseThrow().latest().value());
      assertEquals(List.of(), out[0].orElseThrow().deltas(), "replace resets the journal");
      assertEquals(2 + 5, seen.size());
    }
  }

  @Test
  void append_chainsDeltas_andServesThemForIxfr() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.replace(version(ZONE, 10, 2));
      store.append(grow(10, 2), version(ZONE, 11, 3));
      store.append(grow(11, 3), version(ZONE, 12, 4));
      List<ZoneDelta> since10 = store.deltasSince(ZONE, SerialNumber.of(10)).orElseThrow();
      assertEquals(List.of(10L, 11L), since10.stream().map(d -> d.from().value()).toList());
      assertEquals(1, store.deltasSince(ZONE, SerialNumber.of(11)).orElseThrow().size());
      assertEquals(List.of(), store.deltasSince(ZONE, SerialNumber.of(12)).orElseThrow());
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(9)).isEmpty());
      assertEquals(since10.get(1).added(), grow(11, 3).added());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void append_withASerialGap_isRefused_andChangesNothing() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.replace(version(ZONE, 10, 2));
      assertThrows(ReplicaStoreException.class,
          () -> store.append(grow(11, 3), version(ZONE, 12, 4)));
      Optional<ReplicaStore.Stored>[] out = new Optional[1];
      loadRecords(store, ZONE, out);
      assertEquals(10, out[0].orElseThrow().latest().value());
    }
  }

  @Test
  void replace_resetsTheJournal() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.replace(version(ZONE, 10, 2));
      store.append(grow(10, 2), version(ZONE, 11, 3));
      store.replace(version(ZONE, 20, 2));
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(10)).isEmpty());
      assertEquals(List.of(), store.deltasSince(ZONE, SerialNumber.of(20)).orElseThrow());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void zones_areKeptApart() throws Exception {
    Name other = Name.fromConstantString("example.net.");
    try (ReplicaStore store = newStore()) {
      store.replace(version(ZONE, 7, 1));
      store.replace(version(other, 9, 1));
      Optional<ReplicaStore.Stored>[] out = new Optional[1];
      loadRecords(store, ZONE, out);
      assertEquals(7, out[0].orElseThrow().latest().value());
      loadRecords(store, other, out);
      assertEquals(9, out[0].orElseThrow().latest().value());
    }
  }

  @Test
  void load_streamsTheVersionByteForByte_andTheJournalGivesTheLatest() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.replace(TestZones.versionAt(100));
      for (long s = 100; s < 105; s++) {
        store.append(TestZones.deltaFrom(s), TestZones.versionAt(s + 1));
      }
      assertEquals(105, TestZones.check(store));
      List<ZoneDelta> since = store.deltasSince(ZONE, SerialNumber.of(100)).orElseThrow();
      assertEquals(5, since.size());
      for (int i = 0; i < 5; i++) {
        assertEquals(TestZones.wire(TestZones.deltaFrom(100 + i)), TestZones.wire(since.get(i)));
      }
    }
  }

  @Test
  void overfill_dropsTheOldestDeltas_keepsTheRecentOnes() throws Exception {
    try (ReplicaStore store = newStore(4)) {
      store.replace(TestZones.versionAt(1));
      for (long s = 1; s <= 12; s++) {
        store.append(TestZones.deltaFrom(s), TestZones.versionAt(s + 1));
        assertEquals(s + 1, TestZones.check(store));
      }
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(1)).isEmpty());
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(8)).isEmpty(), "more than depth 4");
      List<ZoneDelta> recent = store.deltasSince(ZONE, SerialNumber.of(11)).orElseThrow();
      assertEquals(List.of(11L, 12L), recent.stream().map(d -> d.from().value()).toList());
    }
  }

  @Test
  void depthZero_keepsNoHistory_butTheLatestVersion() throws Exception {
    try (ReplicaStore store = newStore(0)) {
      store.replace(TestZones.versionAt(1));
      store.append(TestZones.deltaFrom(1), TestZones.versionAt(2));
      store.append(TestZones.deltaFrom(2), TestZones.versionAt(3));
      assertEquals(3, TestZones.check(store));
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(2)).isEmpty());
    }
  }

  @Test
  void append_beforeAnyVersion_isRefused() throws Exception {
    try (ReplicaStore store = newStore()) {
      assertThrows(ReplicaStoreException.class,
          () -> store.append(TestZones.deltaFrom(1), TestZones.versionAt(2)));
      assertEquals(-1, TestZones.check(store));
    }
  }

  @Test
  void append_whoseVersionAfterDoesNotMatch_isRefused_andChangesNothing() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.replace(TestZones.versionAt(1));
      assertThrows(ReplicaStoreException.class,
          () -> store.append(TestZones.deltaFrom(1), TestZones.versionAt(3)));
      assertThrows(ReplicaStoreException.class,
          () -> store.append(grow(1, 2), version(Name.fromConstantString("example.net."), 2, 3)));
      assertEquals(1, TestZones.check(store));
    }
  }

  @Test
  void serials_wrapAroundZero_rfc1982() throws Exception {
    try (ReplicaStore store = newStore()) {
      long max = SerialNumber.MAX_VALUE;
      store.replace(version(ZONE, max - 1, 1));
      store.append(grow(max - 1, 1), version(ZONE, max, 2));
      store.append(new ZoneDelta(soa(ZONE, max), soa(ZONE, 0), List.of(),
          List.of(a("host3." + ZONE, 3))), version(ZONE, 0, 3));
      store.append(grow(0, 3), version(ZONE, 1, 4));
      assertEquals(List.of(max - 1, max, 0L), store.deltasSince(ZONE, SerialNumber.of(max - 1))
          .orElseThrow().stream().map(d -> d.from().value()).toList());
      assertEquals(1, store.deltasSince(ZONE, SerialNumber.of(0)).orElseThrow().size());
      assertTrue(store.deltasSince(ZONE, SerialNumber.of(2)).isEmpty());
    }
  }

  /** A minimal snapshot over a list, enough for the contract. */
  record ListSnapshot(Name origin, SOARecord soa, List<Record> records) implements ZoneSnapshot {
    @Override
    public long recordCount() {
      return records.size();
    }

    @Override
    public List<Record> lookup(Name name, int type) {
      return records.stream()
          .filter(r -> r.getName().equals(name) && (type == Type.ANY || r.getType() == type))
          .toList();
    }

    @Override
    public void writeMasterFile(Appendable out) throws java.io.IOException {
      for (Record r : records) {
        out.append(r.toString()).append('\n');
      }
    }

    @Override
    public Iterator<Record> iterator() {
      return records.iterator();
    }
  }
}
