// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

/**
 * What a successful refresh did.
 *
 * @since 0.1
 */
public sealed interface TransferOutcome {

  /** Returns the serial served after the refresh. */
  SerialNumber serial();

  /**
   * The primary had nothing newer.
   *
   * @param serial the serial still served
   */
  record UpToDate(SerialNumber serial) implements TransferOutcome {
    /** Validates the field. */
    public UpToDate {
      requireNonNull(serial, "serial");
    }
  }

  /**
   * A full transfer (AXFR, or an AXFR-style IXFR answer) replaced the zone.
   *
   * @param stats the transfer's figures
   */
  record Full(TransferReport stats) implements TransferOutcome {
    /** Validates the field. */
    public Full {
      requireNonNull(stats, "stats");
    }

    @Override
    public SerialNumber serial() {
      return stats.serial();
    }
  }

  /**
   * An incremental transfer applied one or more deltas.
   *
   * @param stats the transfer's figures
   */
  record Incremental(TransferReport stats) implements TransferOutcome {
    /** Validates the field. */
    public Incremental {
      requireNonNull(stats, "stats");
    }

    @Override
    public SerialNumber serial() {
      return stats.serial();
    }
  }
}
