// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.xbill.DNS.Name;

/**
 * Something that happened to a replica, delivered to {@link ReplicaListener}s. Paired events:
 * {@link TransferStarted} is followed by exactly one {@link TransferFinished} or
 * {@link TransferFailed}.
 *
 * @since 0.1
 */
public sealed interface ReplicaEvent {

  /** Returns the zone the event is about. */
  Name zone();

  /** Returns when it happened. */
  Instant at();

  /**
   * A transfer began.
   *
   * @param zone the zone
   * @param at when
   * @param primary the peer
   * @param kind what was requested
   */
  record TransferStarted(Name zone, Instant at, Primary primary, TransferKind kind)
      implements ReplicaEvent {
    /** Validates the fields. */
    public TransferStarted {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(primary, "primary");
      requireNonNull(kind, "kind");
    }
  }

  /**
   * A transfer completed and its version is now served.
   *
   * @param zone the zone
   * @param at when
   * @param stats the transfer's figures
   */
  record TransferFinished(Name zone, Instant at, TransferStats stats) implements ReplicaEvent {
    /** Validates the fields. */
    public TransferFinished {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(stats, "stats");
    }
  }

  /**
   * A transfer failed; the previous version (if any) is still served.
   *
   * @param zone the zone
   * @param at when
   * @param primary the peer
   * @param kind what was requested
   * @param error why
   */
  record TransferFailed(Name zone, Instant at, Primary primary, TransferKind kind,
      TransferException error) implements ReplicaEvent {
    /** Validates the fields. */
    public TransferFailed {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(primary, "primary");
      requireNonNull(kind, "kind");
      requireNonNull(error, "error");
    }
  }
}
