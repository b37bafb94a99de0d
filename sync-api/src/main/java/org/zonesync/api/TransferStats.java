// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Counters and timings of a zone, or of every zone of a {@code ZoneSync} added up: what an
 * operator scrapes (BIND's statistics channel, Knot's {@code stats}). An immutable snapshot; the
 * counters only grow while the zone is held.
 *
 * @param axfrSucceeded AXFRs applied (or found not newer) without error
 * @param axfrFailed AXFRs that failed
 * @param ixfrSucceeded IXFRs applied (or answered "up to date")
 * @param ixfrFailed IXFRs that failed (each then fell back to AXFR)
 * @param upToDate SOA checks that found the primary's serial not newer
 * @param messages DNS messages read by transfers
 * @param records resource records read by transfers
 * @param bytes bytes read by transfers, length prefixes included
 * @param transferTime the time spent in transfers, added up
 * @param longestTransfer the longest single transfer
 * @param soaQueries SOA queries sent
 * @param soaQueryFailures SOA queries that brought no usable answer
 * @param notifiesAccepted NOTIFYs accepted
 * @param notifiesRefused NOTIFYs refused (not from a primary, bad TSIG, unknown zone)
 * @param sinceLastSuccess time since the last successful refresh (for a total: the stalest
 *     zone's), empty if there was none
 * @param untilExpiry time left until the served version expires (for a total: the soonest),
 *     zero when expired, empty if nothing is served
 * @since 0.2
 */
public record TransferStats(long axfrSucceeded, long axfrFailed, long ixfrSucceeded,
    long ixfrFailed, long upToDate, long messages, long records, long bytes,
    Duration transferTime, Duration longestTransfer, long soaQueries, long soaQueryFailures,
    long notifiesAccepted, long notifiesRefused, Optional<Duration> sinceLastSuccess,
    Optional<Duration> untilExpiry) {

  /** All zero, nothing timed. */
  public static final TransferStats EMPTY = new TransferStats(0, 0, 0, 0, 0, 0, 0, 0,
      Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, Optional.empty(), Optional.empty());

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if a counter or duration is negative
   */
  public TransferStats {
    requireNonNull(transferTime, "transferTime");
    requireNonNull(longestTransfer, "longestTransfer");
    requireNonNull(sinceLastSuccess, "sinceLastSuccess");
    requireNonNull(untilExpiry, "untilExpiry");
    for (long v : new long[] {axfrSucceeded, axfrFailed, ixfrSucceeded, ixfrFailed, upToDate,
        messages, records, bytes, soaQueries, soaQueryFailures, notifiesAccepted,
        notifiesRefused}) {
      if (v < 0) {
        throw new IllegalArgumentException("negative counter " + v);
      }
    }
    if (transferTime.isNegative() || longestTransfer.isNegative()
        || sinceLastSuccess.map(Duration::isNegative).orElse(false)
        || untilExpiry.map(Duration::isNegative).orElse(false)) {
      throw new IllegalArgumentException("negative duration");
    }
  }

  /** Returns the transfers that completed without error, of both kinds. */
  public long transfersSucceeded() {
    return axfrSucceeded + ixfrSucceeded;
  }

  /** Returns the transfers that failed, of both kinds. */
  public long transfersFailed() {
    return axfrFailed + ixfrFailed;
  }

  /**
   * Adds two snapshots: counters and times are summed, the longest transfer is the longer, the
   * time since the last success is the longer (the stalest zone) and the time until expiry the
   * shorter (the zone closest to expiring).
   *
   * @param o the other snapshot
   * @return the sum
   */
  public TransferStats plus(TransferStats o) {
    return new TransferStats(axfrSucceeded + o.axfrSucceeded, axfrFailed + o.axfrFailed,
        ixfrSucceeded + o.ixfrSucceeded, ixfrFailed + o.ixfrFailed, upToDate + o.upToDate,
        messages + o.messages, records + o.records, bytes + o.bytes,
        transferTime.plus(o.transferTime), max(longestTransfer, o.longestTransfer),
        soaQueries + o.soaQueries, soaQueryFailures + o.soaQueryFailures,
        notifiesAccepted + o.notifiesAccepted, notifiesRefused + o.notifiesRefused,
        pick(sinceLastSuccess, o.sinceLastSuccess, true),
        pick(untilExpiry, o.untilExpiry, false));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Optional<Duration> pick(Optional<Duration> a, Optional<Duration> b,
      boolean longer) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    int c = a.get().compareTo(b.get());
    return (longer ? c >= 0 : c <= 0) ? a : b;
  }
}
