// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api.spi;

import java.util.Optional;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.ZoneSnapshot;

/**
 * Where replicas keep their zones between restarts.
 *
 * <p>Implementations must be safe for concurrent use; zonesync calls them for one zone at a
 * time but for many zones in parallel. A {@link #save} either completes durably or leaves the
 * previously saved version readable: a reader never sees a mix.
 *
 * @since 0.1
 */
public interface ReplicaStore extends AutoCloseable {

  /**
   * Reads the last saved version of a zone.
   *
   * @param zone the zone apex
   * @return the snapshot, or empty if none was saved
   * @throws ReplicaStoreException if stored data is unreadable
   */
  Optional<ZoneSnapshot> load(Name zone) throws ReplicaStoreException;

  /**
   * Saves a complete version of a zone, replacing the previous one.
   *
   * @param snapshot the version
   * @throws ReplicaStoreException if it could not be saved durably; the previous version stays
   */
  void save(ZoneSnapshot snapshot) throws ReplicaStoreException;

  /** Releases resources. Default: nothing. */
  @Override
  default void close() throws ReplicaStoreException {
  }
}
