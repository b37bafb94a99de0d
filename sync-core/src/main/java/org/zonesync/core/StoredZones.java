// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.util.Optional;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.WireDelta;
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
    } catch (ZoneContentException | IllegalStateException | IllegalArgumentException e) {
      LOG.error("zone {}: stored version is unusable, will transfer again: {}", zone,
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Applies a delta copy-on-write; exact: a wrong from-serial, a missing delete or a present add
   * is a {@link ZoneContentException}.
   */
  static CompactZone apply(CompactZone zone, ZoneDelta delta) throws ZoneContentException {
    return zone.apply(WireDelta.of(zone.origin(), delta), false, 0, 0);
  }

  /** Returns the snapshot itself when compact, else a compact copy. */
  static CompactZone compact(ZoneSnapshot snapshot) {
    if (snapshot instanceof CompactZone c) {
      return c; // immutable
    }
    CompactZoneBuilder b = new CompactZoneBuilder(snapshot.origin(), 0, 0);
    snapshot.forEachWire(b::add);
    try {
      return b.build();
    } catch (ZoneContentException e) {
      throw new IllegalArgumentException("zone " + snapshot.origin() + ": " + e.getMessage(), e);
    }
  }
}
