// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api.spi;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * The refresh timers of a secondary zone, kept by the store beside its data so that a restart
 * resumes them (as Knot's timer database does) instead of starting afresh: an expired zone stays
 * expired, a zone refreshed a minute ago is not refreshed again at once.
 *
 * @param nextRefresh when the next refresh is due
 * @param expiresAt when the held version expires, empty if none is held
 * @param expired whether the held version has expired
 * @param failures consecutive failed refreshes
 * @param primary the primary the held version came from, if known (IXFR is only asked of it)
 * @param lastSuccess when a refresh last succeeded, if ever
 * @since 0.2
 */
public record ReplicaTimers(Instant nextRefresh, Optional<Instant> expiresAt, boolean expired,
    int failures, Optional<InetSocketAddress> primary, Optional<Instant> lastSuccess) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code failures} is negative, or {@code expired} without
   *     an expiry
   */
  public ReplicaTimers {
    requireNonNull(nextRefresh, "nextRefresh");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(primary, "primary");
    requireNonNull(lastSuccess, "lastSuccess");
    if (failures < 0) {
      throw new IllegalArgumentException("negative failure count " + failures);
    }
    if (expired && expiresAt.isEmpty()) {
      throw new IllegalArgumentException("expired without an expiry time");
    }
  }
}
