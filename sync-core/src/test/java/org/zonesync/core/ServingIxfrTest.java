// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.zonesync.core.ServingFixtures.ANY;
import static org.zonesync.core.ServingFixtures.CLIENT;
import static org.zonesync.core.ServingFixtures.OTHER;
import static org.zonesync.core.ServingFixtures.ZONE;
import static org.zonesync.core.ServingFixtures.ixfr;
import static org.zonesync.core.ServingFixtures.set;
import static org.zonesync.core.ServingFixtures.wire;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.journal.FileReplicaStore;
import org.zonesync.journal.MemoryReplicaStore;

/**
 * TESTPLAN B21: how an IXFR request is answered, for each place the deltas come from (the
 * memory store's journal, the file store's journal, the in-memory history without a store):
 * from a serial not in the journal (never seen, or trimmed) AXFR-style; from our serial or the
 * future, or over UDP, the single SOA; an IXFR larger than the zone AXFR-style at
 * max-ixfr-ratio 100%, incremental when unlimited. Every answer is read over the built-in
 * listener and applied to the client's version by {@link ServingFixtures.Xfr}.
 */
final class ServingIxfrTest {

  @TempDir
  Path dir;

  enum Backing { MEMORY_STORE, FILE_STORE, NO_STORE }

  private ZoneSync open(Backing b) {
    ZoneSync.Builder builder = ZoneSync.builder().listen(ANY);
    switch (b) {
      case MEMORY_STORE -> builder.storage(MemoryReplicaStore.create());
      case FILE_STORE -> builder.storage(FileReplicaStore.in(dir));
      default -> { }
    }
    return builder.build();
  }

  private static ZoneServing serving(int ratio) {
    return ZoneServing.builder().allowTransfer("127.0.0.1").maxIxfrRatio(ratio).build();
  }

  /** Sends an IXFR over TCP on the listener and reads the whole answer. */
  private static ServingFixtures.Xfr ask(ZoneSync sync, Name zone, long serial)
      throws Exception {
    try (ServingFixtures.Conn c = new ServingFixtures.Conn(sync.notifyAddress().orElseThrow())) {
      c.send(wire(ixfr(zone, serial)));
      return ServingFixtures.Xfr.of(ServingFixtures.answers(c.readTransfer(true)));
    }
  }

  @ParameterizedTest
  @EnumSource(Backing.class)
  void ixfr_fromEachJournalState_isAnsweredAsBindWould(Backing b) throws Exception {
    ZoneSnapshot v1 = ServingFixtures.zone(ZONE, 100, 20);
    ZoneSnapshot v2 = ServingFixtures.zone(ZONE, 101, 20);
    ZoneSnapshot v3 = ServingFixtures.zone(ZONE, 102, 20);
    try (ZoneSync sync = open(b)) {
      PrimaryZone p = sync.addPrimary(ZONE, ZoneSource.of(v1), serving(0));
      p.update(ZoneSource.of(v2));
      p.update(ZoneSource.of(v3));

      for (ZoneSnapshot from : List.of(v1, v2)) {
        ServingFixtures.Xfr x = ask(sync, ZONE, from.serial().value());
        assertEquals(ServingFixtures.Kind.INCREMENTAL, x.kind(), "from " + from.serial());
        assertEquals(set(v3), x.applyTo(set(from)), "from " + from.serial());
      }
      ServingFixtures.Xfr unknown = ask(sync, ZONE, 50);
      assertEquals(ServingFixtures.Kind.AXFR_STYLE, unknown.kind(), "serial 50 never existed");
      assertEquals(set(v3), unknown.applyTo(Set.of()));
      for (long ahead : new long[] {102, 103, 102 + (1L << 31) - 1}) { // RFC 1982 newer
        ServingFixtures.Xfr x = ask(sync, ZONE, ahead);
        assertEquals(ServingFixtures.Kind.SINGLE_SOA, x.kind(), "from " + ahead);
        assertEquals(102, x.serial());
      }
      // over UDP: the single current SOA in one datagram, from the listener and the responder
      Message udp = ServingFixtures.parse(Dig.udp(sync.notifyAddress().orElseThrow(),
          wire(ixfr(ZONE, 100))));
      assertEquals(Rcode.NOERROR, udp.getRcode());
      List<Record> one = udp.getSection(Section.ANSWER);
      assertEquals(ServingFixtures.Kind.SINGLE_SOA, ServingFixtures.Xfr.of(one).kind());
      assertEquals(102, ServingFixtures.Xfr.of(one).serial());
      ServingFixtures.Recorder r = new ServingFixtures.Recorder();
      byte[] q = wire(ixfr(ZONE, 100));
      sync.transferResponder().respond(q, q.length, CLIENT, TransferResponder.Transport.UDP, r);
      assertEquals(ServingFixtures.Kind.SINGLE_SOA, ServingFixtures.Xfr.of(
          ServingFixtures.answers(List.of(r.only()))).kind());
      ServingStats s = sync.servingStats();
      assertEquals(6, s.ixfrOut(), s.toString());
      assertEquals(0, s.axfrOut() + s.failed() + s.quotaFull() + s.refused(), s.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(Backing.class)
  void ixfr_fromATrimmedSerial_isAxfrStyle(Backing b) throws Exception {
    try (ZoneSync sync = open(b)) {
      PrimaryZone p = sync.addPrimary(ZONE, ZoneSource.of(ServingFixtures.zone(ZONE, 100, 5)),
          serving(0));
      int versions = 25; // every journal here keeps 20 deltas by default
      for (int i = 1; i < versions; i++) {
        p.update(ZoneSource.of(ServingFixtures.zone(ZONE, 100 + i, 5)));
      }
      ZoneSnapshot last = ServingFixtures.zone(ZONE, 100 + versions - 1, 5);
      ServingFixtures.Xfr old = ask(sync, ZONE, 100);
      assertEquals(ServingFixtures.Kind.AXFR_STYLE, old.kind(), "serial 100 was trimmed");
      assertEquals(set(last), old.applyTo(Set.of()));
      ZoneSnapshot recent = ServingFixtures.zone(ZONE, 100 + versions - 3, 5);
      ServingFixtures.Xfr inc = ask(sync, ZONE, recent.serial().value());
      assertEquals(ServingFixtures.Kind.INCREMENTAL, inc.kind());
      assertEquals(set(last), inc.applyTo(set(recent)));
    }
  }

  @ParameterizedTest
  @EnumSource(Backing.class)
  void ixfrLargerThanTheZone_isAxfrStyleAt100Percent_andIncrementalWhenUnlimited(Backing b)
      throws Exception {
    try (ZoneSync sync = open(b)) {
      // every host renamed: the delta deletes and adds every A record, twice the zone's size
      PrimaryZone capped = sync.addPrimary(ZONE, ZoneSource.of(named(ZONE, 100, "a")),
          serving(100));
      PrimaryZone unlimited = sync.addPrimary(OTHER, ZoneSource.of(named(OTHER, 100, "a")),
          serving(0));
      capped.update(ZoneSource.of(named(ZONE, 101, "b")));
      unlimited.update(ZoneSource.of(named(OTHER, 101, "b")));

      ServingFixtures.Xfr big = ask(sync, ZONE, 100);
      assertEquals(ServingFixtures.Kind.AXFR_STYLE, big.kind(), "max-ixfr-ratio 100%");
      assertEquals(set(named(ZONE, 101, "b")), big.applyTo(Set.of()));
      ServingFixtures.Xfr inc = ask(sync, OTHER, 100);
      assertEquals(ServingFixtures.Kind.INCREMENTAL, inc.kind(), "max-ixfr-ratio unlimited");
      assertEquals(set(named(OTHER, 101, "b")), inc.applyTo(set(named(OTHER, 100, "a"))));
    }
  }

  /** SOA, NS and 30 A records named {@code prefix-i}, at {@code origin}. */
  static ZoneSnapshot named(Name origin, long serial, String prefix) {
    return ServingFixtures.named(origin, serial, 30, prefix);
  }
}
