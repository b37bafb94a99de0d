// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigKey;

/**
 * One {@code also-notify} secondary: where its NOTIFYs go (address and port) and the key they are
 * signed with, if any (RFC 1996 section 3.7; TSIG RFC 8945). Two targets are equal when address
 * and key are; {@link #toString()} names the key, never its secret.
 *
 * @param address the secondary's address and port; resolved
 * @param key the key to sign each NOTIFY with, or empty for unsigned NOTIFYs
 */
public record NotifyTarget(InetSocketAddress address, Optional<TsigKey> key) {

  /**
   * Validates the target.
   *
   * @throws IllegalArgumentException if the address is unresolved or has port 0
   */
  public NotifyTarget {
    requireNonNull(address, "address");
    requireNonNull(key, "key");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("notify target " + address + " is unresolved");
    }
    if (address.getPort() == 0) {
      throw new IllegalArgumentException("notify target " + address.getAddress().getHostAddress()
          + " has port 0");
    }
  }

  /**
   * Returns an unsigned target.
   *
   * @param address the secondary's address and port
   * @return the target
   */
  public static NotifyTarget unsigned(InetSocketAddress address) {
    return new NotifyTarget(address, Optional.empty());
  }

  /**
   * Returns a target whose NOTIFYs are signed with {@code key}.
   *
   * @param address the secondary's address and port
   * @param key the TSIG key
   * @return the target
   */
  public static NotifyTarget signed(InetSocketAddress address, TsigKey key) {
    return new NotifyTarget(address, Optional.of(key));
  }

  /** Returns the address and, when set, the key's name; never the secret. */
  @Override
  public String toString() {
    return Primary.format(address) + key.map(k -> " key " + k.name()).orElse("");
  }
}
