// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.Name;

/**
 * The figures of one completed transfer, as logged in the one-line transfer summary.
 *
 * @param zone the zone
 * @param remote the peer
 * @param kind AXFR or IXFR
 * @param serial the serial the transfer ended at
 * @param messages DNS messages read
 * @param records resource records read (both SOAs included)
 * @param bytes bytes read, length prefixes included
 * @param duration from connect to the last message
 * @since 0.1
 */
public record TransferReport(Name zone, InetSocketAddress remote, TransferKind kind,
    SerialNumber serial, long messages, long records, long bytes, Duration duration) {

  /** Validates the fields. */
  public TransferReport {
    requireNonNull(zone, "zone");
    requireNonNull(remote, "remote");
    requireNonNull(kind, "kind");
    requireNonNull(serial, "serial");
    requireNonNull(duration, "duration");
    if (messages < 0 || records < 0 || bytes < 0 || duration.isNegative()) {
      throw new IllegalArgumentException("negative transfer figure");
    }
  }

  /** Returns records per second over the whole duration (0 for a zero duration). */
  public double recordsPerSecond() {
    long nanos = duration.toNanos();
    return nanos == 0 ? 0 : records * 1e9 / nanos;
  }
}
