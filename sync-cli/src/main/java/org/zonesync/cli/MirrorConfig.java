// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneSync;

/**
 * What a running {@code zonesync mirror} does: where it keeps zones, where it listens for NOTIFY
 * and for control requests, its engine limits, and its zones. Built from a YAML file by
 * {@link ConfigParser} or from the command line by {@link MirrorCommand}. Immutable.
 *
 * @param storage the directory of a {@code FileReplicaStore}; empty: memory only
 * @param listen the UDP and TCP address for NOTIFY; empty: no listener
 * @param control the path of the control socket; empty: none
 * @param limits the engine's limits
 * @param zones the zones, in file order; at least one
 */
record MirrorConfig(Optional<Path> storage, Optional<InetSocketAddress> listen,
    Optional<Path> control, Limits limits, List<SecondaryZone> zones) {

  MirrorConfig {
    requireNonNull(storage, "storage");
    requireNonNull(listen, "listen");
    requireNonNull(control, "control");
    requireNonNull(limits, "limits");
    zones = List.copyOf(zones);
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("no zones");
    }
  }

  /**
   * Returns this configuration with the values given on the command line, which win over the
   * file's.
   *
   * @param storage the {@code --dir} value, if given
   * @param listen the {@code --listen} value, if given
   * @param control the {@code --control} value, if given
   * @return the combined configuration
   */
  MirrorConfig override(Optional<Path> storage, Optional<InetSocketAddress> listen,
      Optional<Path> control) {
    return new MirrorConfig(storage.or(this::storage), listen.or(this::listen),
        control.or(this::control), limits, zones);
  }

  /**
   * The engine limits of {@link ZoneSync.Builder}: BIND's {@code transfers-in}, {@code
   * transfers-per-ns} and {@code serial-query-rate}, and the SOA query timeout.
   *
   * @param transfersIn transfers running at once, 1..10000
   * @param transfersPerPrimary transfers at once from one primary address, 1..1000
   * @param soaQueryRate SOA queries per second, 1..100000
   * @param soaQueryTimeout how long a SOA query waits per transport, 1..300 s
   */
  record Limits(int transfersIn, int transfersPerPrimary, int soaQueryRate,
      Duration soaQueryTimeout) {

    /** ZoneSync's defaults: 10 transfers, 2 per primary, 20 SOA queries/s, 3 s. */
    static final Limits DEFAULTS = new Limits(10, 2, 20, Duration.ofSeconds(3));

    Limits {
      requireNonNull(soaQueryTimeout, "soaQueryTimeout");
      if (transfersIn < 1 || transfersPerPrimary < 1 || soaQueryRate < 1
          || soaQueryTimeout.isNegative() || soaQueryTimeout.isZero()) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }

    /** Applies the limits to a builder. */
    ZoneSync.Builder applyTo(ZoneSync.Builder b) {
      return b.transfersIn(transfersIn).transfersPerPrimary(transfersPerPrimary)
          .soaQueryRate(soaQueryRate).soaQueryTimeout(soaQueryTimeout);
    }
  }
}
