// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigKey;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneServing;
import org.zonesync.core.ZoneSync;

/**
 * What a running {@code zonesync mirror} does: where it keeps zones, where it listens for NOTIFY
 * (and, for zones served onward, transfer requests) and for control requests, its engine limits,
 * its zones and its transfer keys. Built from a YAML file by
 * {@link ConfigParser} or from the command line by {@link MirrorCommand}. Immutable.
 *
 * @param storage the directory of a {@code FileReplicaStore}; empty: memory only
 * @param listen the UDP and TCP address for NOTIFY; empty: no listener
 * @param control the path of the control socket; empty: none
 * @param limits the engine's limits
 * @param zones the zones, in file order; at least one; each with how it is served onward
 * @param transferKeys the keys downstream secondaries may sign requests with
 */
record MirrorConfig(Optional<Path> storage, Optional<InetSocketAddress> listen,
    Optional<Path> control, Limits limits, List<SecondaryZone> zones,
    List<TsigKey> transferKeys) {

  MirrorConfig {
    requireNonNull(storage, "storage");
    requireNonNull(listen, "listen");
    requireNonNull(control, "control");
    requireNonNull(limits, "limits");
    zones = List.copyOf(zones);
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("no zones");
    }
    transferKeys = List.copyOf(transferKeys);
  }

  /** A configuration that serves nothing onward, so has no transfer keys. */
  MirrorConfig(Optional<Path> storage, Optional<InetSocketAddress> listen,
      Optional<Path> control, Limits limits, List<SecondaryZone> zones) {
    this(storage, listen, control, limits, zones, List.of());
  }

  /** Returns the zones served onward, with how: those whose serving is not the default. */
  Map<Name, ZoneServing> served() {
    Map<Name, ZoneServing> out = new LinkedHashMap<>();
    for (SecondaryZone z : zones) {
      if (z.serving() != ZoneServing.none()) {
        out.put(z.zone(), z.serving());
      }
    }
    return out;
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
        control.or(this::control), limits, zones, transferKeys);
  }

  /**
   * The engine limits of {@link ZoneSync.Builder}: BIND's {@code transfers-in}, {@code
   * transfers-per-ns}, {@code serial-query-rate} and {@code transfers-out}, and the SOA query
   * timeout.
   *
   * @param transfersIn transfers running at once, 1..10000
   * @param transfersPerPrimary transfers at once from one primary address, 1..1000
   * @param soaQueryRate SOA queries per second, 1..100000
   * @param soaQueryTimeout how long a SOA query waits per transport, 1..300 s
   * @param transfersOut transfers out at once, 1..10000 (at most 2 per client)
   */
  record Limits(int transfersIn, int transfersPerPrimary, int soaQueryRate,
      Duration soaQueryTimeout, int transfersOut) {

    /** ZoneSync's defaults: 10 transfers, 2 per primary, 20 SOA queries/s, 3 s, 10 out. */
    static final Limits DEFAULTS = new Limits(10, 2, 20, Duration.ofSeconds(3), 10);

    Limits {
      requireNonNull(soaQueryTimeout, "soaQueryTimeout");
      if (transfersIn < 1 || transfersPerPrimary < 1 || soaQueryRate < 1
          || soaQueryTimeout.isNegative() || soaQueryTimeout.isZero() || transfersOut < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }

    /** The limits with the default transfers out. */
    Limits(int transfersIn, int transfersPerPrimary, int soaQueryRate,
        Duration soaQueryTimeout) {
      this(transfersIn, transfersPerPrimary, soaQueryRate, soaQueryTimeout, 10);
    }

    /** Returns these limits with another transfers-out quota. */
    Limits withTransfersOut(int n) {
      return new Limits(transfersIn, transfersPerPrimary, soaQueryRate, soaQueryTimeout, n);
    }

    /** Applies the limits to a builder. */
    ZoneSync.Builder applyTo(ZoneSync.Builder b) {
      return b.transfersIn(transfersIn).transfersPerPrimary(transfersPerPrimary)
          .soaQueryRate(soaQueryRate).soaQueryTimeout(soaQueryTimeout)
          .transfersOut(transfersOut, Math.min(2, transfersOut));
    }
  }
}
