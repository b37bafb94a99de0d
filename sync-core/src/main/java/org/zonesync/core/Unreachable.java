// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Primaries that recently timed out or refused the connection (BIND's unreachable cache):
 * periodic refreshes skip them for {@code hold}, so thousands of zones on one dead primary do not
 * each wait out a timeout. A NOTIFY from the primary, or an operator's request, tries it anyway.
 * Bounded by the number of configured primaries. Thread-safe.
 */
final class Unreachable {

  private final ConcurrentMap<InetSocketAddress, Instant> until = new ConcurrentHashMap<>();
  private final Duration hold;

  Unreachable(Duration hold) {
    this.hold = hold;
  }

  void mark(InetSocketAddress primary, Instant now) {
    until.put(primary, now.plus(hold));
  }

  void clear(InetSocketAddress primary) {
    until.remove(primary);
  }

  /** Clears every port of an address (a NOTIFY names the address, not the port). */
  void clearAddress(java.net.InetAddress address) {
    until.keySet().removeIf(a -> address.equals(a.getAddress()));
  }

  boolean isHeld(InetSocketAddress primary, Instant now) {
    Instant t = until.get(primary);
    if (t == null) {
      return false;
    }
    if (!t.isAfter(now)) {
      until.remove(primary, t);
      return false;
    }
    return true;
  }
}
