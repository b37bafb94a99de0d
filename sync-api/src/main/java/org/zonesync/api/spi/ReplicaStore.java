// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api.spi;

import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;

/**
 * Where replicas keep their zones between restarts: per zone, a base version and the journal of
 * deltas committed after it (RFC 1995 history, kept to serve IXFR onward).
 *
 * <p>Implementations must be safe for concurrent use; zonesync calls them for one zone at a
 * time but for many zones in parallel. Every write either completes durably or leaves the
 * previously committed state readable: a reader never sees a mix. Damage that cannot be
 * repaired is quarantined (set aside, logged) and reported as "nothing stored", never as an
 * exception that stops a replica from starting.
 *
 * @since 0.1
 */
public interface ReplicaStore extends AutoCloseable {

  /**
   * The committed journal of a zone, as {@link #load} finds it.
   *
   * @param base the serial of the base version streamed to the sink
   * @param deltas the deltas committed after it, in order; applying them all gives the latest
   *     committed version
   */
  record Stored(SerialNumber base, List<ZoneDelta> deltas) {
    /** Copies the list. */
    public Stored {
      java.util.Objects.requireNonNull(base, "base");
      deltas = List.copyOf(deltas);
    }

    /** Returns the serial of the latest committed version. */
    public SerialNumber latest() {
      return deltas.isEmpty() ? base : deltas.get(deltas.size() - 1).to();
    }
  }

  /**
   * Reads a zone: streams the records of its base version (SOA first) to {@code base} and
   * returns the deltas committed after it.
   *
   * @param zone the zone apex
   * @param base receives the base version's records; called only when something is stored
   * @return the journal, or empty if nothing (readable) is stored
   * @throws ReplicaStoreException only for failures the caller must see (e.g. permission
   *     denied on the store's directory); damaged data is quarantined and reported as empty
   */
  Optional<Stored> load(Name zone, WireRecordSink base) throws ReplicaStoreException;

  /**
   * Replaces everything stored for the zone with one full version (after an AXFR); the journal
   * restarts at its serial.
   *
   * @param snapshot the version
   * @throws ReplicaStoreException if it could not be written durably; the previous state stays
   */
  void replace(ZoneSnapshot snapshot) throws ReplicaStoreException;

  /**
   * Commits one delta after the latest committed version. {@code after} is the version the
   * delta produces; a store may write it as a new base when it compacts its journal.
   *
   * @param delta the delta; {@code delta.from()} must equal the latest committed serial
   * @param after the version after the delta
   * @throws ReplicaStoreException if the serials do not chain, or the write failed; the
   *     previous state stays
   */
  void append(ZoneDelta delta, ZoneSnapshot after) throws ReplicaStoreException;

  /**
   * Returns the deltas that lead from serial {@code from} to the latest committed version, for
   * serving IXFR.
   *
   * @param zone the zone apex
   * @param from the requester's serial
   * @return the deltas in order (empty list if {@code from} is the latest), or empty if
   *     {@code from} is not in the journal
   * @throws ReplicaStoreException on a read failure
   */
  Optional<List<ZoneDelta>> deltasSince(Name zone, SerialNumber from)
      throws ReplicaStoreException;

  /**
   * Returns the refresh timers last saved for a zone.
   *
   * @param zone the zone apex
   * @return the timers, or empty if none were saved (or they were damaged, which is logged);
   *     default: empty (a store that keeps no timers refreshes every zone at start)
   * @throws ReplicaStoreException only for failures the caller must see
   */
  default Optional<ReplicaTimers> loadTimers(Name zone) throws ReplicaStoreException {
    return Optional.empty();
  }

  /**
   * Saves the refresh timers of a zone, replacing the previous ones atomically: a crash leaves
   * either the old or the new timers readable. Called after each refresh and at expiry, never
   * more than once per refresh.
   *
   * @param zone the zone apex
   * @param timers the timers
   * @throws ReplicaStoreException if they could not be written; the previous ones stay;
   *     default: does nothing
   */
  default void saveTimers(Name zone, ReplicaTimers timers) throws ReplicaStoreException {
  }

  /** Releases resources. Default: nothing. */
  @Override
  default void close() throws ReplicaStoreException {
  }
}
