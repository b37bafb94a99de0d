// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
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
import org.zonesync.api.spi.ReplicaTimers;

/**
 * The contract every {@link ReplicaStore} passes; each store's test extends it (round trip,
 * journal chain, serial gap, history for IXFR out, refresh timers).
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

  // ---------------------------------------------------------------- refresh timers

  /** An address from a literal; an IPv6 literal stays IPv6 (even "::ffff:a.b.c.d"). */
  static InetSocketAddress primary(String literal, int port, int scope) {
    try {
      InetAddress a = InetAddress.getByName(literal); // a literal: no lookup
      if (literal.contains(":")) {
        byte[] raw = a.getAddress();
        if (raw.length == 4) {
          raw = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, raw[0], raw[1], raw[2], raw[3]};
        }
        a = Inet6Address.getByAddress(null, raw, scope > 0 ? scope : -1);
      }
      return new InetSocketAddress(a, port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Timers with every optional present, nanosecond fractions, an IPv4 primary. */
  static ReplicaTimers fullTimers() {
    Instant t = Instant.parse("2026-03-04T05:06:07.123456789Z");
    return new ReplicaTimers(t.plusSeconds(3600), Optional.of(t.plusNanos(86_400_000_000_001L)),
        true, 7, Optional.of(primary("192.0.2.53", 53, 0)), Optional.of(t.minusNanos(1)));
  }

  static ReplicaTimers bareTimers(Instant next) {
    return new ReplicaTimers(next, Optional.empty(), false, 0, Optional.empty(),
        Optional.empty());
  }

  /** Saves, then loads, and checks the record and the primary's address type and scope. */
  private static void roundTrip(ReplicaStore store, ReplicaTimers t) throws Exception {
    store.saveTimers(ZONE, t);
    ReplicaTimers back = store.loadTimers(ZONE).orElseThrow();
    assertEquals(t, back);
    assertEquals(t.primary().map(ReplicaStoreContractTest::kind),
        back.primary().map(ReplicaStoreContractTest::kind));
  }

  /** What equals() leaves out: the address type, and the IPv6 scope. */
  private static String kind(InetSocketAddress p) {
    return p.getAddress() instanceof Inet6Address six ? "v6%" + six.getScopeId() : "v4";
  }

  @Test
  void timers_areEmpty_untilSaved() throws Exception {
    try (ReplicaStore store = newStore()) {
      assertEquals(Optional.empty(), store.loadTimers(ZONE));
      store.replace(version(ZONE, 1, 1));
      assertEquals(Optional.empty(), store.loadTimers(ZONE), "storing data saves no timers");
    }
  }

  @Test
  void timers_roundTrip_withEveryOptionalPresentOrAbsent() throws Exception {
    Instant t = Instant.parse("2026-03-04T05:06:07.000000001Z");
    try (ReplicaStore store = newStore()) {
      roundTrip(store, fullTimers());
      roundTrip(store, bareTimers(t));
      roundTrip(store, new ReplicaTimers(t, Optional.of(t), false, Integer.MAX_VALUE,
          Optional.empty(), Optional.of(t)));
      roundTrip(store, new ReplicaTimers(t, Optional.empty(), false, 1,
          Optional.of(primary("198.51.100.1", 0, 0)), Optional.empty()));
    }
  }

  @Test
  void timers_roundTrip_ipv6Primaries_scopeAndMappedFormKept() throws Exception {
    try (ReplicaStore store = newStore()) {
      for (InetSocketAddress p : List.of(primary("2001:db8::53", 5353, 0),
          primary("fe80::1", 53, 3), primary("::ffff:192.0.2.1", 65535, 0),
          primary("::", 53, 0))) {
        roundTrip(store, new ReplicaTimers(Instant.EPOCH, Optional.empty(), false, 0,
            Optional.of(p), Optional.empty()));
      }
    }
  }

  @Test
  void timers_roundTrip_keepNanoseconds_atTheEdgesOfInstant() throws Exception {
    try (ReplicaStore store = newStore()) {
      for (Instant i : List.of(Instant.MIN, Instant.MAX, Instant.EPOCH,
          Instant.ofEpochSecond(-1, 999_999_999), Instant.ofEpochSecond(1L << 40, 1))) {
        roundTrip(store, new ReplicaTimers(i, Optional.of(i), false, 0, Optional.empty(),
            Optional.of(i)));
      }
    }
  }

  @Test
  void timers_overwrite_theLatestSaveWins() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.saveTimers(ZONE, fullTimers());
      ReplicaTimers later = bareTimers(Instant.parse("2030-01-01T00:00:00Z"));
      store.saveTimers(ZONE, later);
      assertEquals(Optional.of(later), store.loadTimers(ZONE));
      store.saveTimers(ZONE, fullTimers());
      assertEquals(Optional.of(fullTimers()), store.loadTimers(ZONE));
    }
  }

  @Test
  void timers_areKeptPerZone() throws Exception {
    Name other = Name.fromConstantString("example.net.");
    Name third = Name.fromConstantString("sub.example.com.");
    ReplicaTimers b = bareTimers(Instant.parse("2027-01-01T00:00:00Z"));
    try (ReplicaStore store = newStore()) {
      store.saveTimers(ZONE, fullTimers());
      store.saveTimers(other, b);
      assertEquals(Optional.of(fullTimers()), store.loadTimers(ZONE));
      assertEquals(Optional.of(b), store.loadTimers(other));
      assertEquals(Optional.empty(), store.loadTimers(third), "a zone below is another zone");
      assertEquals(Optional.empty(), store.loadTimers(Name.root));
    }
  }

  @Test
  void timers_surviveReplaceAndAppend_andTheDataSurvivesTimers() throws Exception {
    try (ReplicaStore store = newStore(2)) {
      ReplicaTimers saved = fullTimers();
      store.saveTimers(ZONE, saved);
      store.replace(TestZones.versionAt(1));
      assertEquals(1, TestZones.check(store));
      for (long s = 1; s <= 5; s++) { // depth 2: compacts on the way
        store.append(TestZones.deltaFrom(s), TestZones.versionAt(s + 1));
        assertEquals(Optional.of(saved), store.loadTimers(ZONE), "after append " + s);
        saved = bareTimers(Instant.ofEpochSecond(s));
        store.saveTimers(ZONE, saved);
        assertEquals(s + 1, TestZones.check(store), "timers saved after append " + s);
      }
      store.replace(TestZones.versionAt(40));
      assertEquals(Optional.of(bareTimers(Instant.ofEpochSecond(5))), store.loadTimers(ZONE));
      assertEquals(40, TestZones.check(store));
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
