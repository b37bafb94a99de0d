// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigKey;
import org.zonesync.tsig.TsigKeyring;

/**
 * Who may NOTIFY one zone (RFC 1996 section 3.10): a NOTIFY is accepted if it comes from one of
 * {@code primaries} (the address only, any port, as BIND compares it) or carries a TSIG that
 * verifies with one of {@code keys}. Either suffices. To require TSIG, give no addresses: an
 * address is easy to spoof over UDP, a MAC is not (TESTPLAN C14).
 *
 * @param primaries the addresses allowed to notify without TSIG; copied
 * @param keys the keys a signed NOTIFY is verified with; a signed NOTIFY whose key is not here
 *     is answered BADKEY even from a primary address
 */
public record ZoneAcl(Set<InetAddress> primaries, TsigKeyring keys) {
  /**
   * Copies the address set.
   *
   * @param primaries the addresses
   * @param keys the keys
   */
  public ZoneAcl {
    primaries = Set.copyOf(primaries);
    requireNonNull(keys, "keys");
  }

  /**
   * Derives the rules from a zone's configured primaries: their addresses, and the keys of those
   * that have one.
   *
   * @param primaries the zone's primaries
   * @return the rules
   * @throws IllegalArgumentException if two primaries use different keys with the same name
   */
  public static ZoneAcl of(Collection<Primary> primaries) {
    Set<InetAddress> addresses = new java.util.HashSet<>();
    Map<org.xbill.DNS.Name, TsigKey> keys = new LinkedHashMap<>();
    for (Primary p : primaries) {
      addresses.add(p.address().getAddress());
      p.key().ifPresent(k -> {
        TsigKey old = keys.putIfAbsent(k.name(), k);
        if (old != null && !old.equals(k)) {
          throw new IllegalArgumentException("two different TSIG keys are named " + k.name());
        }
      });
    }
    return new ZoneAcl(addresses, TsigKeyring.of(keys.values()));
  }
}
