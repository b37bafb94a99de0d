// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.Rcode;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNotNewerException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TransferReport;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.xfr.AxfrClient;
import org.zonesync.core.internal.xfr.IxfrClient;
import org.zonesync.core.internal.xfr.IxfrStream;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneContentException;

/**
 * One transfer of a replica from one primary: IXFR from the held version when allowed, falling
 * back to AXFR on a new connection on every IXFR failure (RFC 1995 section 4); the new version
 * made durable in the store, then published by one swap. The store write and the swap happen
 * under the replica's publish lock and only if the attempt is still wanted, so a removed zone or
 * a cancelled attempt never writes late.
 */
final class ReplicaTransfer {

  private static final Logger LOG = Loggers.XFER_IN;

  private final Replica replica;
  private final RefreshAttempt attempt;
  private final Primary primary;
  private final Engine engine;
  private final SecondaryZone config;
  private Optional<java.time.Duration> expire = Optional.empty();

  ReplicaTransfer(Replica replica, RefreshAttempt attempt, Primary primary) {
    this.replica = replica;
    this.attempt = attempt;
    this.primary = primary;
    this.engine = replica.engine();
    this.config = replica.config();
  }

  /**
   * Runs the transfer.
   *
   * @param ixfr whether to try IXFR first
   * @param acceptAny whether a serial that is not newer is published too (retransfer, expired)
   * @return the outcome
   * @throws TransferException if the AXFR failed as well (or was not tried)
   * @throws ReplicaStoreException if the new version could not be made durable
   */
  TransferOutcome run(boolean ixfr, boolean acceptAny)
      throws TransferException, ReplicaStoreException {
    ZoneSnapshot held = replica.held();
    if (ixfr && held != null) {
      try {
        return incremental(compact(held));
      } catch (TransferException e) {
        if (attempt.isCancelled()) {
          throw e; // called off, not failed
        }
        replica.counters().transferFailed(TransferKind.IXFR);
        engine.emit(new ReplicaEvent.TransferFailed(replica.zone(), engine.clock().instant(),
            primary, TransferKind.IXFR, e, Optional.of(TransferKind.AXFR)));
        attempt.checkWanted();
      }
    }
    try {
      return full(held, acceptAny);
    } catch (TransferException e) {
      if (attempt.isCancelled()) {
        throw e;
      }
      replica.counters().transferFailed(TransferKind.AXFR);
      engine.emit(new ReplicaEvent.TransferFailed(replica.zone(), engine.clock().instant(),
          primary, TransferKind.AXFR, e, Optional.empty()));
      throw e;
    }
  }

  /** The EDNS EXPIRE of the transfer that produced the outcome, if its primary sent one. */
  Optional<java.time.Duration> expire() {
    return expire;
  }

  static CompactZone compact(ZoneSnapshot s) {
    return s instanceof CompactZone c ? c : StoredZones.compact(s);
  }

  private TransferOutcome incremental(CompactZone base)
      throws TransferException, ReplicaStoreException {
    engine.emit(new ReplicaEvent.TransferStarted(replica.zone(), engine.clock().instant(),
        primary, TransferKind.IXFR));
    IxfrClient client = new IxfrClient(replica.zone(), primary, base, config.limits(),
        config.ixfrMaxDeltas(), config.ixfrLenient(), engine.clock(), engine.nanoTime());
    attempt.onCancel(client::cancel);
    IxfrClient.Result r = ZoneTransfers.ixfr(client, replica.zone(), primary);
    expire = r.expire();
    if (r.outcome() instanceof IxfrStream.Result.UpToDate) {
      replica.counters().ixfrUpToDate();
      return new TransferOutcome.UpToDate(base.serial());
    }
    CompactZone fresh = r.outcome() instanceof IxfrStream.Result.Incremental i ? i.zone()
        : ((IxfrStream.Result.Full) r.outcome()).zone();
    TransferReport report = new TransferReport(replica.zone(), primary.address(),
        TransferKind.IXFR, fresh.serial(), r.messages(), r.records(), r.bytes(), r.duration());
    TransferOutcome outcome;
    synchronized (replica.publishLock()) {
      attempt.checkWanted();
      if (r.outcome() instanceof IxfrStream.Result.Incremental i) {
        if (engine.store() != null) {
          journal(engine.store(), base, i.deltas(), fresh);
        }
        outcome = new TransferOutcome.Incremental(report);
      } else {
        storeFull(base, fresh);
        outcome = new TransferOutcome.Full(report);
      }
      replica.publish(fresh, primary);
    }
    replica.counters().transferred(report);
    engine.emit(new ReplicaEvent.TransferFinished(replica.zone(), engine.clock().instant(),
        report));
    return outcome;
  }

  /**
   * Commits the deltas, each durable before the new version is served. If the journal refuses
   * one (a failed write may have left its state unknown), the whole new version is stored
   * instead, which restarts the journal.
   */
  private void journal(ReplicaStore store, CompactZone base, List<WireDelta> deltas,
      CompactZone fresh) throws ReplicaStoreException {
    CompactZone version = base;
    try {
      for (WireDelta d : deltas) {
        CompactZone before = version;
        version = apply(version, d);
        // a lenient apply may have skipped records of an inexact delta: journal what it did,
        // so the journal serves secondaries downstream an exact IXFR
        store.append((config.ixfrLenient() ? CompactZone.diff(before, version) : d)
            .toZoneDelta(), version);
      }
    } catch (ReplicaStoreException e) {
      LOG.warn("zone {}: journal append failed ({}); storing serial {} in full", replica.zone(),
          e.getMessage(), fresh.serial());
      store.replace(fresh);
    }
  }

  private CompactZone apply(CompactZone version, WireDelta d) throws ReplicaStoreException {
    try {
      return version.apply(d, config.ixfrLenient(), 0, 0);
    } catch (ZoneContentException e) {
      // the stream applied the same delta already; failing here means a bug, not bad input
      throw new ReplicaStoreException("cannot replay delta " + d.from() + " -> " + d.to()
          + " for the journal: " + e.getMessage(), replica.zone(), e);
    }
  }

  private TransferOutcome full(@Nullable ZoneSnapshot old, boolean acceptAny)
      throws TransferException, ReplicaStoreException {
    engine.emit(new ReplicaEvent.TransferStarted(replica.zone(), engine.clock().instant(),
        primary, TransferKind.AXFR));
    ZoneTransfers.Fetched fetched;
    try {
      fetched = axfr(old, true);
    } catch (TransferRefusedException e) {
      if (e.rcode() != Rcode.FORMERR) {
        throw e;
      }
      // a primary that does not take EDNS answers FORMERR (RFC 6891 section 7): ask again
      // without it, as BIND does
      LOG.info("zone {}: primary {} answered FORMERR to an EDNS AXFR query; retrying without"
          + " EDNS", replica.zone(), Primary.format(primary.address()));
      attempt.checkWanted();
      fetched = axfr(old, false);
    }
    expire = fetched.expire();
    ZoneTransfers.Result r = fetched.result();
    ZoneSnapshot fresh = r.snapshot();
    if (old != null && !fresh.serial().isNewerThan(old.serial())
        && !(acceptAny && !fresh.serial().equals(old.serial()))
        && !(acceptAny && attempt.isRetransfer())) {
      // the SOA said newer but the zone is not (the primary flapped, TESTPLAN B17), or its
      // serial is behind ours: not activated; the refresh fails and is retried later
      throw new SerialNotNewerException(old.serial(), fresh.serial(), replica.zone(),
          primary.address());
    }
    synchronized (replica.publishLock()) {
      attempt.checkWanted();
      storeFull(old == null ? null : compact(old), compact(fresh));
      replica.publish(fresh, primary);
    }
    replica.counters().transferred(r.stats());
    engine.emit(new ReplicaEvent.TransferFinished(replica.zone(), engine.clock().instant(),
        r.stats()));
    return new TransferOutcome.Full(r.stats());
  }

  private ZoneTransfers.Fetched axfr(@Nullable ZoneSnapshot old, boolean edns)
      throws TransferException {
    AxfrClient client = new AxfrClient(replica.zone(), primary, config.limits(), engine.clock(),
        engine.nanoTime(), edns);
    attempt.onCancel(client::cancel);
    return ZoneTransfers.axfr(client, replica.zone(), primary, TransferProgress.NONE,
        old == null ? null : old.serial());
  }

  /**
   * Makes a full version durable before it is served: the exact difference from the previous
   * version is journaled when ixfr-from-differences is on and the serial moved forward, else the
   * journal restarts.
   */
  private void storeFull(@Nullable CompactZone old, CompactZone fresh)
      throws ReplicaStoreException {
    ReplicaStore store = engine.store();
    if (store == null) {
      return;
    }
    if (old != null && config.ixfrFromDifferences() && fresh.serial().isNewerThan(old.serial())) {
      store.append(CompactZone.diff(old, fresh).toZoneDelta(), fresh);
    } else {
      store.replace(fresh);
    }
  }
}
