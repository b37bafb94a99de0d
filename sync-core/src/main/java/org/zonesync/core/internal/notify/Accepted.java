// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.zonesync.api.SerialNumber;

/**
 * A NOTIFY that passed every check: the zone may have changed on a primary. The serial is only
 * a hint (RFC 1996 section 3.11); the engine still asks a primary for its SOA.
 *
 * @param zone the zone, lower-cased
 * @param source where the NOTIFY came from
 * @param serial the serial of the SOA the NOTIFY carried at the zone apex, if any
 * @param keyName the TSIG key that verified the NOTIFY, or empty if it was accepted by address
 */
public record Accepted(Name zone, InetSocketAddress source, Optional<SerialNumber> serial,
    Optional<Name> keyName) {
  /**
   * Checks that nothing is null.
   *
   * @param zone the zone
   * @param source the source
   * @param serial the serial hint
   * @param keyName the key name
   */
  public Accepted {
    requireNonNull(zone, "zone");
    requireNonNull(source, "source");
    requireNonNull(serial, "serial");
    requireNonNull(keyName, "keyName");
  }
}
