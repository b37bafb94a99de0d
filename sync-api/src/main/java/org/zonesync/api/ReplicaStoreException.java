// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A {@link org.zonesync.api.spi.ReplicaStore} could not read or write: a corrupt entry, a serial
 * gap, a full disk, an I/O error. What was committed before stays readable.
 *
 * @since 0.1
 */
public class ReplicaStoreException extends ZoneSyncException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param zone the zone, or null
   * @param cause the underlying failure, or null
   */
  public ReplicaStoreException(String message, @Nullable Name zone, @Nullable Throwable cause) {
    super(message, zone, null, cause);
  }
}
