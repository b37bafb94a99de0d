// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * The root of zonesync's checked exceptions: a failure the caller can act on. Carries the zone
 * and the remote peer when they are known.
 *
 * @since 0.1
 */
public abstract class ZoneSyncException extends Exception {
  private static final long serialVersionUID = 1L;

  private final @Nullable Name zone;
  private final @Nullable InetSocketAddress remote;

  /**
   * Creates the exception.
   *
   * @param message a lower-case fact with the numbers, e.g. "closing SOA differs from opening SOA"
   * @param zone the zone, or null when unknown
   * @param remote the peer, or null when unknown
   * @param cause the underlying failure, or null
   */
  protected ZoneSyncException(String message, @Nullable Name zone,
      @Nullable InetSocketAddress remote, @Nullable Throwable cause) {
    super(message, cause);
    this.zone = zone;
    this.remote = remote;
  }

  /** Returns the zone, when known. */
  public Optional<Name> zone() {
    return Optional.ofNullable(zone);
  }

  /** Returns the remote peer, when known. */
  public Optional<InetSocketAddress> remote() {
    return Optional.ofNullable(remote);
  }
}
