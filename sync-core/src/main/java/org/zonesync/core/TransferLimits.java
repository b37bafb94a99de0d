// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Bounds on one incoming zone transfer. A transfer that passes any of them fails with a typed
 * {@link org.zonesync.api.TransferException} and leaves the served zone unchanged.
 *
 * @param maxRecords records in the whole transfer (BIND: {@code max-records})
 * @param maxBytes bytes in the whole transfer, length prefixes included
 * @param maxRecordsPerRRset records of one owner and type (BIND {@code max-records-per-type}, 100)
 * @param maxTypesPerName distinct types at one owner (BIND {@code max-types-per-name}, 100)
 * @param connectTimeout to establish the TCP connection
 * @param idleTimeout with no bytes arriving (BIND {@code max-transfer-idle-in})
 * @param transferTimeout for the whole transfer (BIND {@code max-transfer-time-in}, 2 h)
 * @since 0.1
 */
public record TransferLimits(long maxRecords, long maxBytes, int maxRecordsPerRRset,
    int maxTypesPerName, Duration connectTimeout, Duration idleTimeout,
    Duration transferTimeout) {

  /** Defaults: 10,000,000 records, 4 GiB, 100/100, connect 10 s, idle 30 s, whole 2 h. */
  public static final TransferLimits DEFAULTS = new TransferLimits(10_000_000L, 4L << 30, 100,
      100, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofHours(2));

  /**
   * Validates every limit.
   *
   * @throws IllegalArgumentException if a count is below 1 or a duration is not positive
   */
  public TransferLimits {
    requirePositive(maxRecords, "maxRecords");
    requirePositive(maxBytes, "maxBytes");
    requirePositive(maxRecordsPerRRset, "maxRecordsPerRRset");
    requirePositive(maxTypesPerName, "maxTypesPerName");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(idleTimeout, "idleTimeout");
    requirePositive(transferTimeout, "transferTimeout");
  }

  private static void requirePositive(long v, String what) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be at least 1: " + v);
    }
  }

  private static void requirePositive(Duration d, String what) {
    requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
  }

  /** Returns a copy with another record limit. */
  public TransferLimits withMaxRecords(long n) {
    return new TransferLimits(n, maxBytes, maxRecordsPerRRset, maxTypesPerName,
        connectTimeout, idleTimeout, transferTimeout);
  }

  /** Returns a copy with another byte limit. */
  public TransferLimits withMaxBytes(long n) {
    return new TransferLimits(maxRecords, n, maxRecordsPerRRset, maxTypesPerName,
        connectTimeout, idleTimeout, transferTimeout);
  }

  /** Returns a copy with other per-RRset and per-name limits. */
  public TransferLimits withRRsetLimits(int perRRset, int typesPerName) {
    return new TransferLimits(maxRecords, maxBytes, perRRset, typesPerName,
        connectTimeout, idleTimeout, transferTimeout);
  }

  /** Returns a copy with other timeouts. */
  public TransferLimits withTimeouts(Duration connect, Duration idle, Duration transfer) {
    return new TransferLimits(maxRecords, maxBytes, maxRecordsPerRRset, maxTypesPerName,
        connect, idle, transfer);
  }
}
