// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
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
  record TransferFinished(Name zone, Instant at, TransferReport stats) implements ReplicaEvent {
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
   * @param fallback what is tried next from the same primary because of this failure: AXFR
   *     after a failed IXFR; empty when the next step (if any) is another primary or a retry
   */
  record TransferFailed(Name zone, Instant at, Primary primary, TransferKind kind,
      TransferException error, Optional<TransferKind> fallback) implements ReplicaEvent {
    /** Validates the fields. */
    public TransferFailed {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(primary, "primary");
      requireNonNull(kind, "kind");
      requireNonNull(error, "error");
      requireNonNull(fallback, "fallback");
    }
  }

  /**
   * A NOTIFY for the zone was accepted; a refresh follows unless its serial is not newer.
   *
   * @param zone the zone
   * @param at when
   * @param source where it came from
   * @param serial the serial it carried, if any (a hint, RFC 1996 section 3.11)
   * @param keyName the TSIG key that signed it, empty if accepted by address
   */
  record NotifyReceived(Name zone, Instant at, InetSocketAddress source,
      Optional<SerialNumber> serial, Optional<Name> keyName) implements ReplicaEvent {
    /** Validates the fields. */
    public NotifyReceived {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(source, "source");
      requireNonNull(serial, "serial");
      requireNonNull(keyName, "keyName");
    }
  }

  /**
   * A NOTIFY for a zone held here was refused (not from a primary, or its TSIG did not verify).
   *
   * @param zone the zone
   * @param at when
   * @param source where it came from
   * @param reason why, for operators
   */
  record NotifyRefused(Name zone, Instant at, InetSocketAddress source, String reason)
      implements ReplicaEvent {
    /** Validates the fields. */
    public NotifyRefused {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(source, "source");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A refresh failed as a whole: every primary failed, was skipped as unreachable, or was behind
   * (the transfer failures, if any, were reported before). The served version, if any, stays.
   *
   * @param zone the zone
   * @param at when
   * @param reason the last primary's failure, for operators
   * @param consecutiveFailures failed refreshes in a row, this one included
   * @param nextAttempt when the next refresh is due
   */
  record RefreshFailed(Name zone, Instant at, String reason, int consecutiveFailures,
      Instant nextAttempt) implements ReplicaEvent {
    /** Validates the fields. */
    public RefreshFailed {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(reason, "reason");
      requireNonNull(nextAttempt, "nextAttempt");
      if (consecutiveFailures < 1) {
        throw new IllegalArgumentException("failure count " + consecutiveFailures + " below 1");
      }
    }
  }

  /**
   * The expire timer passed without a successful refresh: the zone is no longer served, its data
   * stays on disk, and refreshes go on.
   *
   * @param zone the zone
   * @param at when
   * @param serial the serial of the version that expired
   */
  record Expired(Name zone, Instant at, SerialNumber serial) implements ReplicaEvent {
    /** Validates the fields. */
    public Expired {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(serial, "serial");
    }
  }

  /**
   * An expired zone is served again after a successful refresh.
   *
   * @param zone the zone
   * @param at when
   * @param serial the serial now served
   */
  record Recovered(Name zone, Instant at, SerialNumber serial) implements ReplicaEvent {
    /** Validates the fields. */
    public Recovered {
      requireNonNull(zone, "zone");
      requireNonNull(at, "at");
      requireNonNull(serial, "serial");
    }
  }
}
