// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A zone given to zonesync to publish as its primary cannot be used: the master file cannot be
 * read or parsed, it has no SOA or a record outside the zone, or its serial is not newer than
 * the version served. The version served before stays served.
 *
 * @since 0.1
 */
public class ZoneSourceException extends ZoneSyncException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message a lower-case fact, e.g. "serial 5 is not newer than 7"
   * @param zone the zone
   * @param cause the underlying failure, or null
   */
  public ZoneSourceException(String message, Name zone, @Nullable Throwable cause) {
    super(message, zone, null, cause);
  }
}
