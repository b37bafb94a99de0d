// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * A {@link ReplicaStore} that holds each zone's latest snapshot, its recent deltas and its
 * refresh timers in memory. Snapshots are immutable, so storing one is keeping a reference.
 * Nothing survives the process.
 *
 * <p>Safe for concurrent use.
 *
 * @since 0.1
 */
public final class MemoryReplicaStore implements ReplicaStore {

  /** The default number of deltas kept per zone for {@link #deltasSince}. */
  public static final int DEFAULT_MAX_DEPTH = 20;

  private record State(ZoneSnapshot latest, List<ZoneDelta> history) {
  }

  private final ConcurrentMap<Name, State> zones = new ConcurrentHashMap<>();
  /** Apart from {@link #zones}: storing a version keeps the timers, as the file store does. */
  private final ConcurrentMap<Name, ReplicaTimers> savedTimers = new ConcurrentHashMap<>();
  private final int maxDepth;

  private MemoryReplicaStore(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** Returns a new, empty store keeping {@value #DEFAULT_MAX_DEPTH} deltas per zone. */
  public static MemoryReplicaStore create() {
    return new MemoryReplicaStore(DEFAULT_MAX_DEPTH);
  }

  /**
   * Returns a new, empty store.
   *
   * @param maxDepth how many deltas to keep per zone, at least 0
   * @return the store
   * @throws IllegalArgumentException if negative
   */
  public static MemoryReplicaStore create(int maxDepth) {
    if (maxDepth < 0) {
      throw new IllegalArgumentException("maxDepth must be at least 0: " + maxDepth);
    }
    return new MemoryReplicaStore(maxDepth);
  }

  @Override
  public Optional<Stored> load(Name zone, WireRecordSink base) {
    State s = zones.get(requireNonNull(zone, "zone"));
    if (s == null) {
      return Optional.empty();
    }
    s.latest().forEachWire(base);
    return Optional.of(new Stored(s.latest().serial(), List.of()));
  }

  @Override
  public void replace(ZoneSnapshot snapshot) {
    synchronized (this) { // with append, so that a concurrent append cannot undo a replace
      zones.put(snapshot.origin(), new State(snapshot, List.of()));
    }
  }

  @Override
  public void append(ZoneDelta delta, ZoneSnapshot after) throws ReplicaStoreException {
    Name zone = after.origin();
    if (!delta.fromSoa().getName().equals(zone)) {
      throw new ReplicaStoreException("delta is for " + delta.fromSoa().getName()
          + ", the version after it for " + zone, zone, null);
    }
    if (!after.serial().equals(delta.to())) {
      throw new ReplicaStoreException("delta ends at serial " + delta.to()
          + " but the version after it has serial " + after.serial(), zone, null);
    }
    synchronized (this) {
      State s = zones.get(zone);
      if (s == null) {
        throw new ReplicaStoreException("no version of the zone is stored to apply a delta to",
            zone, null);
      }
      if (!s.latest().serial().equals(delta.from())) {
        throw new ReplicaStoreException("serial gap: stored version is " + s.latest().serial()
            + ", delta starts at " + delta.from(), zone, null);
      }
      List<ZoneDelta> history = new ArrayList<>(s.history());
      history.add(delta);
      while (history.size() > maxDepth) {
        history.remove(0);
      }
      zones.put(zone, new State(after, List.copyOf(history)));
    }
  }

  @Override
  public Optional<List<ZoneDelta>> deltasSince(Name zone, SerialNumber from) {
    State s = zones.get(requireNonNull(zone, "zone"));
    if (s == null) {
      return Optional.empty();
    }
    if (s.latest().serial().equals(from)) {
      return Optional.of(List.of());
    }
    List<ZoneDelta> h = s.history();
    int match = -1;
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).from().equals(from)) {
        if (match >= 0) {
          return Optional.empty(); // the serial recurs (RFC 1982 wrap): ambiguous
        }
        match = i;
      }
    }
    return match < 0 ? Optional.empty() : Optional.of(h.subList(match, h.size()));
  }

  @Override
  public Optional<ReplicaTimers> loadTimers(Name zone) {
    return Optional.ofNullable(savedTimers.get(requireNonNull(zone, "zone")));
  }

  @Override
  public void saveTimers(Name zone, ReplicaTimers timers) {
    savedTimers.put(requireNonNull(zone, "zone"), requireNonNull(timers, "timers"));
  }

  @Override
  public String toString() {
    return "MemoryReplicaStore[" + zones.size() + " zones]";
  }
}
