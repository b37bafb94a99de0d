// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.xbill.DNS.Name;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;

/**
 * A {@link ReplicaStore} that holds the latest snapshot of each zone in memory. Snapshots are
 * immutable, so saving one is keeping a reference. Nothing survives the process.
 *
 * <p>Safe for concurrent use.
 *
 * @since 0.1
 */
public final class MemoryReplicaStore implements ReplicaStore {

  private final ConcurrentMap<Name, ZoneSnapshot> zones = new ConcurrentHashMap<>();

  private MemoryReplicaStore() {
  }

  /** Returns a new, empty store. */
  public static MemoryReplicaStore create() {
    return new MemoryReplicaStore();
  }

  @Override
  public Optional<ZoneSnapshot> load(Name zone) {
    return Optional.ofNullable(zones.get(requireNonNull(zone, "zone")));
  }

  @Override
  public void save(ZoneSnapshot snapshot) {
    zones.put(snapshot.origin(), snapshot);
  }

  @Override
  public String toString() {
    return "MemoryReplicaStore[" + zones.size() + " zones]";
  }
}
