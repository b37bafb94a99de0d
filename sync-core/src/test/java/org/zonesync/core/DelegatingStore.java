// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.api.spi.ReplicaTimers;

/** A store that passes every call to another; tests override the calls they intercept. */
class DelegatingStore implements ReplicaStore {

  private final ReplicaStore inner;

  DelegatingStore(ReplicaStore inner) {
    this.inner = inner;
  }

  @Override
  public Optional<Stored> load(Name zone, WireRecordSink base) throws ReplicaStoreException {
    return inner.load(zone, base);
  }

  @Override
  public void replace(ZoneSnapshot snapshot) throws ReplicaStoreException {
    inner.replace(snapshot);
  }

  @Override
  public void append(ZoneDelta delta, ZoneSnapshot after) throws ReplicaStoreException {
    inner.append(delta, after);
  }

  @Override
  public Optional<List<ZoneDelta>> deltasSince(Name zone, SerialNumber from)
      throws ReplicaStoreException {
    return inner.deltasSince(zone, from);
  }

  @Override
  public Optional<ReplicaTimers> loadTimers(Name zone) throws ReplicaStoreException {
    return inner.loadTimers(zone);
  }

  @Override
  public void saveTimers(Name zone, ReplicaTimers timers) throws ReplicaStoreException {
    inner.saveTimers(zone, timers);
  }
}
