// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * What a secondary zone is doing, as {@code rndc zonestatus} or {@code knotc zone-status} show
 * it. An immutable snapshot.
 *
 * @param zone the zone apex
 * @param state the replica's state
 * @param serial the serial of the version held (served, or kept on disk while expired)
 * @param primary the primary the held version came from, if known
 * @param lastSuccess when a refresh last succeeded (a transfer, or a serial found not newer)
 * @param lastFailure when a refresh last failed
 * @param lastFailureReason why it failed
 * @param nextRefresh when the next refresh is due, empty while one is running
 * @param expiresAt when the held version expires, empty while loading
 * @param refreshing whether a refresh is running
 * @param consecutiveFailures failed refreshes since the last success
 * @param stats the zone's counters
 * @since 0.2
 */
public record ZoneStatus(Name zone, ReplicaState state, Optional<SerialNumber> serial,
    Optional<InetSocketAddress> primary, Optional<Instant> lastSuccess,
    Optional<Instant> lastFailure, Optional<String> lastFailureReason,
    Optional<Instant> nextRefresh, Optional<Instant> expiresAt, boolean refreshing,
    int consecutiveFailures, TransferStats stats) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code consecutiveFailures} is negative
   */
  public ZoneStatus {
    requireNonNull(zone, "zone");
    requireNonNull(state, "state");
    requireNonNull(serial, "serial");
    requireNonNull(primary, "primary");
    requireNonNull(lastSuccess, "lastSuccess");
    requireNonNull(lastFailure, "lastFailure");
    requireNonNull(lastFailureReason, "lastFailureReason");
    requireNonNull(nextRefresh, "nextRefresh");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(stats, "stats");
    if (consecutiveFailures < 0) {
      throw new IllegalArgumentException("negative failure count " + consecutiveFailures);
    }
  }
}
