// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.ZoneSourceException;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * A zone zonesync is the primary for, from {@link ZoneSync#addPrimary}: the application (or a
 * master file) gives whole versions; each {@link #update} computes the difference from the
 * version served ({@code ixfr-from-differences}), makes it durable in the store's journal, swaps
 * the version served, then sends NOTIFY to the zone's {@code also-notify} targets, so that
 * secondaries follow by IXFR. This is how an application becomes a hidden primary.
 *
 * <p>Thread-safe: updates are serialised; transfers out read the version current when they
 * start.
 *
 * @since 0.1
 */
public final class PrimaryZone {

  /**
   * What an update did.
   *
   * @param serial the serial served afterwards
   * @param changed whether a new version was published
   * @param deleted records removed from the previous version (0 when unchanged or first)
   * @param added records added to the previous version (the zone's size when first)
   */
  public record Update(SerialNumber serial, boolean changed, int deleted, int added) {
    /** Checks the counts. */
    public Update {
      requireNonNull(serial, "serial");
      if (deleted < 0 || added < 0) {
        throw new IllegalArgumentException("negative counts: " + deleted + ", " + added);
      }
    }
  }

  private final Name zone;
  private final ZoneSource source;
  private final @Nullable ReplicaStore store;
  private final AtomicReference<@Nullable CompactZone> served = new AtomicReference<>();
  private final Outbound outbound;

  PrimaryZone(Name zone, ZoneSource source, @Nullable ReplicaStore store,
      java.util.function.Function<PrimaryZone, Outbound> outbound) {
    this.zone = zone;
    this.source = source;
    this.store = store;
    this.outbound = outbound.apply(this);
  }

  /** Returns the apex. */
  public Name zone() {
    return zone;
  }

  /**
   * Returns the version served.
   *
   * @return the snapshot
   */
  public ZoneSnapshot current() {
    CompactZone z = served.get();
    if (z == null) {
      throw new IllegalStateException("zone " + zone + " has no version yet");
    }
    return z;
  }

  Optional<CompactZone> served() {
    return Optional.ofNullable(served.get());
  }

  Outbound outbound() {
    return outbound;
  }

  /**
   * Loads the first version: the stored one when the store has it and the source has the same
   * serial and content, or the source's, journaled as the difference from the stored one when
   * its serial is newer.
   */
  synchronized Update start() throws ZoneSourceException, ReplicaStoreException {
    if (store != null) {
      Optional<ZoneSnapshot> stored = StoredZones.load(store, zone);
      if (stored.isPresent()) {
        CompactZone s = StoredZones.compact(stored.get());
        served.set(s);
        Loggers.XFER_OUT.info("zone {}: loaded serial {} from the store", zone, s.serial());
      }
    }
    Update u = publish(source);
    if (!u.changed()) {
      // the stored version is served as it was: NOTIFY the secondaries, as BIND does on load
      outbound.published(served.get());
    }
    return u;
  }

  /**
   * Re-reads the source given to {@link ZoneSync#addPrimary} and publishes it when it changed.
   *
   * @return what was done
   * @throws ZoneSourceException if it cannot be read, is not a zone, or changed without a newer
   *     serial; the version served stays
   * @throws ReplicaStoreException if the new version could not be made durable; it is not served
   */
  public Update reload() throws ZoneSourceException, ReplicaStoreException {
    return update(source);
  }

  /**
   * Publishes a new version from {@code next}. Unchanged content does nothing. Otherwise its
   * serial must be newer than the one served (RFC 1982); the difference is journaled and made
   * durable before the version is served, and NOTIFY goes out after.
   *
   * @param next where the new version comes from
   * @return what was done
   * @throws ZoneSourceException if it cannot be read, is not a zone, or changed without a newer
   *     serial; the version served stays
   * @throws ReplicaStoreException if it could not be made durable; the version served stays
   */
  public Update update(ZoneSource next) throws ZoneSourceException, ReplicaStoreException {
    requireNonNull(next, "next");
    return publish(next);
  }

  private synchronized Update publish(ZoneSource next)
      throws ZoneSourceException, ReplicaStoreException {
    CompactZone fresh = StoredZones.compact(next.load(zone));
    CompactZone old = served.get();
    if (old != null && old.contentEquals(fresh)) {
      return new Update(old.serial(), false, 0, 0);
    }
    WireDelta delta = null;
    if (old != null) {
      if (!fresh.serial().isNewerThan(old.serial())) {
        throw new ZoneSourceException("zone changed but serial " + fresh.serial()
            + " is not newer than " + old.serial() + " (RFC 1982); still serving "
            + old.serial(), zone, null);
      }
      delta = CompactZone.diff(old, fresh);
    }
    if (store != null) {
      if (delta != null) {
        store.append(delta.toZoneDelta(), fresh);
      } else {
        store.replace(fresh);
      }
    }
    served.set(fresh);
    outbound.published(fresh);
    Update u = delta == null ? new Update(fresh.serial(), true, 0, (int) Math.min(
        Integer.MAX_VALUE, fresh.recordCount()))
        : new Update(fresh.serial(), true, delta.deletedCount(), delta.addedCount());
    Loggers.XFER_OUT.info("zone {}: serving serial {} ({} records removed, {} added)", zone,
        u.serial(), u.deleted(), u.added());
    return u;
  }
}
