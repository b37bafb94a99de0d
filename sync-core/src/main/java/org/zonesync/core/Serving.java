// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.notifyout.NotifyOut;
import org.zonesync.core.internal.notifyout.NotifySenderPool;
import org.zonesync.core.internal.serve.OutQuota;
import org.zonesync.core.internal.xfr.ServedZone;
import org.zonesync.core.internal.xfr.XfrOut;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.TsigKeyring;

/**
 * The serving-onward half of a {@link ZoneSync}: the zones served by name, the transfers-out
 * responder over them, and one NOTIFY out per zone that has targets.
 */
final class Serving implements AutoCloseable {

  private final ConcurrentMap<Name, Outbound> zones = new ConcurrentHashMap<>();
  private final @Nullable ReplicaStore store;
  private final XfrOut xfrOut;
  private final LongSupplier nanoTime;
  private final NotifySenderPool notifySenders;

  Serving(@Nullable ReplicaStore store, TsigKeyring keyring, OutQuota quota, XfrOut.Limits limits,
      InstantSource clock, LongSupplier nanoTime, InetAddress notifySource,
      Duration notifyTimeout) {
    this.store = store;
    this.nanoTime = nanoTime;
    // one NOTIFY socket and thread per distinct key, shared by every zone
    this.notifySenders = new NotifySenderPool(notifySource, clock, nanoTime, notifyTimeout);
    this.xfrOut = new XfrOut(this::find, keyring, quota, clock, nanoTime, limits);
  }

  XfrOut xfrOut() {
    return xfrOut;
  }

  Optional<ServedZone> find(Name zone) {
    return Optional.ofNullable(zones.get(zone));
  }

  /**
   * Starts serving a zone.
   *
   * @param zone the apex
   * @param serving its ACL and NOTIFY targets
   * @param current the version to serve, empty when not loaded or expired
   * @return the zone's serving side, to be told of each version published
   */
  Outbound serve(Name zone, ZoneServing serving, Supplier<Optional<CompactZone>> current) {
    NotifyOut n = serving.notifyTargets().isEmpty() ? null
        : new NotifyOut(zone, serving.notifyTargets(), notifySenders, nanoTime,
            min(NotifyOut.SUPERSEDE_AFTER, notifySenders.initialTimeout()));
    Outbound o = new Outbound(zone, serving, store, current, n);
    if (zones.putIfAbsent(zone, o) != null) {
      o.close();
      throw new IllegalStateException("zone " + zone + " is already served");
    }
    return o;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Stops serving a zone and its NOTIFY out. */
  void remove(Name zone, Outbound which) {
    if (zones.remove(zone, which)) {
      which.close();
    }
  }

  ServingStats stats() {
    XfrOut.Counters c = xfrOut.counters();
    NotifyOut.Counters n = NotifyOut.Counters.ZERO;
    for (Outbound o : zones.values()) {
      n = n.plus(o.notifyCounters());
    }
    return new ServingStats(c.axfr(), c.ixfr(), c.refused(), c.quotaFull(), c.unavailable(),
        c.failed(), n.sent(),
        n.acknowledged(), n.failed());
  }

  @Override
  public void close() {
    for (Outbound o : zones.values()) {
      o.close();
    }
    zones.clear();
    notifySenders.close();
  }
}
