// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The engine's view of which zones take NOTIFY and from whom. Called once per NOTIFY that gets
 * past the header and question checks, possibly from several threads at once, so it must be
 * thread-safe and quick (a map lookup).
 */
@FunctionalInterface
public interface NotifyPolicy {
  /**
   * Returns the access rules of a secondary zone.
   *
   * @param zone the zone named in the NOTIFY question, lower-cased (names compare
   *     case-insensitively anyway)
   * @return the rules, or empty if we are not a secondary for that zone (answered NOTAUTH)
   */
  Optional<ZoneAcl> zone(Name zone);
}
