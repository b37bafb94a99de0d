// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;

/** The contract every {@link ReplicaStore} passes; each store's test extends it. */
abstract class ReplicaStoreContractTest {

  abstract ReplicaStore newStore() throws Exception;

  static final Name ZONE = Name.fromConstantString("example.com.");

  static ZoneSnapshot snapshot(Name origin, long serial) {
    SOARecord soa = new SOARecord(origin, DClass.IN, 3600,
        Name.fromConstantString("ns1.example.com."), Name.fromConstantString("h.example.com."),
        serial, 3600, 600, 86400, 300);
    List<Record> records = new ArrayList<>();
    records.add(soa);
    records.add(new ARecord(origin, DClass.IN, 300, java.net.InetAddress.getLoopbackAddress()));
    return new ListSnapshot(origin, soa, records);
  }

  @Test
  void load_isEmpty_forUnknownZone() throws Exception {
    try (ReplicaStore store = newStore()) {
      assertTrue(store.load(ZONE).isEmpty());
    }
  }

  @Test
  void save_thenLoad_returnsLatestVersion() throws Exception {
    try (ReplicaStore store = newStore()) {
      store.save(snapshot(ZONE, 1));
      store.save(snapshot(ZONE, 2));
      ZoneSnapshot loaded = store.load(ZONE).orElseThrow();
      assertEquals(2, loaded.serial().value());
      assertEquals(2, loaded.recordCount());
    }
  }

  @Test
  void zones_areKeptApart() throws Exception {
    Name other = Name.fromConstantString("example.net.");
    try (ReplicaStore store = newStore()) {
      store.save(snapshot(ZONE, 7));
      store.save(snapshot(other, 9));
      assertEquals(7, store.load(ZONE).orElseThrow().serial().value());
      assertEquals(9, store.load(other).orElseThrow().serial().value());
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
