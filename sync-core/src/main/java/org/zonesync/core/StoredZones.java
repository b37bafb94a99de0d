// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.util.Optional;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.ZoneContentException;

/** Reads a zone back from a {@link ReplicaStore}: its base version, then its journal. */
final class StoredZones {

  private static final Logger LOG = Loggers.JOURNAL;

  private StoredZones() {
  }

  /**
   * Loads the latest committed version, or empty when nothing usable is stored. A base or
   * journal that does not form a valid zone is logged and treated as absent: the zone is then
   * transferred again, never served half-built.
   */
  static Optional<ZoneSnapshot> load(ReplicaStore store, Name zone)
      throws ReplicaStoreException {
    CompactZoneBuilder builder = new CompactZoneBuilder(zone, 0, 0);
    Optional<ReplicaStore.Stored> stored = store.load(zone, builder::add);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try {
      CompactZone z = builder.build();
      for (ZoneDelta d : stored.get().deltas()) {
        z = apply(z, d);
      }
      return Optional.of(z);
    } catch (ZoneContentException | IllegalStateException e) {
      LOG.error("zone {}: stored version is unusable, will transfer again: {}", zone,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Applies a delta by rebuilding; exact: a missing delete or a present add is an error. */
  static CompactZone apply(CompactZone zone, ZoneDelta delta) throws ZoneContentException {
    if (!zone.serial().equals(delta.from())) {
      throw new IllegalStateException("journal out of sync with zone: delta from "
          + delta.from() + ", zone at " + zone.serial());
    }
    java.util.Set<Record> records = new java.util.LinkedHashSet<>();
    zone.forEach(records::add);
    records.remove(zone.soa());
    for (Record r : delta.deleted()) {
      if (!records.remove(r)) {
        throw new IllegalStateException("journal deletes a record the zone lacks: " + r);
      }
    }
    for (Record r : delta.added()) {
      if (!records.add(r)) {
        throw new IllegalStateException("journal adds a record the zone has: " + r);
      }
    }
    CompactZoneBuilder b = new CompactZoneBuilder(zone.origin(), 0, 0);
    b.add(delta.toSoa());
    records.forEach(b::add);
    return b.build();
  }
}
