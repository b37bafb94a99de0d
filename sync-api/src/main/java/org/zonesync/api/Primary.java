// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A primary server a secondary zone transfers from: its address and, optionally, the TSIG key
 * that signs the exchange. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Primary {

  private final InetSocketAddress address;
  private final @Nullable TsigKey key;

  private Primary(InetSocketAddress address, @Nullable TsigKey key) {
    this.address = requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("primary address is unresolved: " + address);
    }
    this.key = key;
  }

  /**
   * A primary reached without TSIG.
   *
   * @param address resolved address and port
   * @return the primary
   * @throws IllegalArgumentException if the address is unresolved
   */
  public static Primary of(InetSocketAddress address) {
    return new Primary(address, null);
  }

  /**
   * A primary whose transfers are TSIG-signed with {@code key}.
   *
   * @param address resolved address and port
   * @param key the TSIG key
   * @return the primary
   * @throws IllegalArgumentException if the address is unresolved
   */
  public static Primary of(InetSocketAddress address, TsigKey key) {
    return new Primary(address, requireNonNull(key, "key"));
  }

  /** Returns the address and port. */
  public InetSocketAddress address() {
    return address;
  }

  /** Returns the TSIG key, if transfers from this primary are signed. */
  public Optional<TsigKey> key() {
    return Optional.ofNullable(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Primary p && address.equals(p.address) && Objects.equals(key, p.key);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  /** Returns {@code address:port}, IPv6 in brackets, with {@code key NAME} when signed. */
  @Override
  public String toString() {
    String hp = format(address);
    return key == null ? hp : hp + " key " + key.name();
  }

  /**
   * Formats a socket address as logs and tools show it: {@code 192.0.2.1:53} or
   * {@code [2001:db8::1]:53}, without a host name.
   *
   * @param address the address
   * @return the text
   */
  public static String format(InetSocketAddress address) {
    String host = address.isUnresolved() ? address.getHostString()
        : address.getAddress().getHostAddress();
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort()
        : host + ":" + address.getPort();
  }
}
