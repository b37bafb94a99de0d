// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.notifyout.NotifyOut;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.xfr.IxfrOutPlan;
import org.zonesync.core.internal.xfr.MemoryServedZone;
import org.zonesync.core.internal.xfr.ServedZone;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * The serving side of one zone, secondary or primary: answers {@link ServedZone} for the
 * transfers out (the version from its owner, the deltas from the store's journal, or from a
 * history kept in memory when there is no store) and sends NOTIFY out after each version its
 * owner made live and durable (TESTPLAN G7).
 */
final class Outbound implements ServedZone, AutoCloseable {

  private final Name zone;
  private final ZoneServing serving;
  private final @Nullable ReplicaStore store;
  private final Supplier<Optional<CompactZone>> current;
  private final @Nullable MemoryServedZone memory;
  private final @Nullable NotifyOut notifyOut;
  private volatile Supplier<OptionalLong> expireSeconds = OptionalLong::empty;

  /**
   * Creates it.
   *
   * @param zone the apex
   * @param serving the ACL, NOTIFY targets and ratio
   * @param store the journal, or null to keep deltas in memory
   * @param current the version served, empty when not loaded or expired
   * @param notifyOut sends NOTIFY to the targets, or null when there are none
   */
  Outbound(Name zone, ZoneServing serving, @Nullable ReplicaStore store,
      Supplier<Optional<CompactZone>> current, @Nullable NotifyOut notifyOut) {
    this.zone = zone;
    this.serving = serving;
    this.store = store;
    this.current = current;
    this.memory = store == null ? new MemoryServedZone(serving.acl(), serving.ratio(),
        MemoryServedZone.DEFAULT_HISTORY) : null;
    this.notifyOut = notifyOut;
  }

  /**
   * Called after a new version is live and durable: keeps its difference (without a store) and
   * sends NOTIFY out. Never blocks on the network.
   *
   * @param fresh the version
   */
  void published(CompactZone fresh) {
    if (memory != null) {
      memory.publish(fresh);
    }
    if (notifyOut != null) {
      notifyOut.published(fresh.soa());
    }
  }

  /**
   * Sets where the EDNS EXPIRE answered comes from: a secondary's remaining time (RFC 7314
   * section 4); by default the SOA's EXPIRE, as a primary answers.
   */
  void expireFrom(Supplier<OptionalLong> seconds) {
    this.expireSeconds = seconds;
  }

  @Override
  public OptionalLong expireSeconds() {
    return expireSeconds.get();
  }

  @Override
  public Optional<CompactZone> current() {
    return current.get();
  }

  @Override
  public TransferAcl acl() {
    return serving.acl();
  }

  @Override
  public IxfrOutPlan.Ratio maxIxfrRatio() {
    return serving.ratio();
  }

  @Override
  public Optional<List<WireDelta>> deltasSince(SerialNumber from) throws IOException {
    if (memory != null) {
      return memory.deltasSince(from);
    }
    try {
      Optional<List<ZoneDelta>> d = store.deltasSince(zone, from);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      List<WireDelta> out = new ArrayList<>(d.get().size());
      for (ZoneDelta z : d.get()) {
        out.add(WireDelta.of(zone, z));
      }
      return Optional.of(out);
    } catch (ReplicaStoreException e) {
      throw new IOException("journal of " + zone + ": " + e.getMessage(), e);
    }
  }

  /** Returns the NOTIFY-out counters. */
  NotifyOut.Counters notifyCounters() {
    return notifyOut == null ? NotifyOut.Counters.ZERO : notifyOut.counters();
  }

  @Override
  public void close() {
    if (notifyOut != null) {
      try {
        notifyOut.close();
      } catch (RuntimeException e) {
        Loggers.NOTIFY.debug("zone {}: closing notify out: {}", zone, e.toString());
      }
    }
  }
}
