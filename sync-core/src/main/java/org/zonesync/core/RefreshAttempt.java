// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNotNewerException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.refresh.SoaQuery;

/**
 * One refresh of one zone ("The life of a secondary zone" in DESIGN.md), as a chain of steps
 * that each run on the executor and never block a thread while waiting for a slot: for each
 * primary in order, an SOA query through the rate gate; a primary that fails is failed over; a
 * primary whose serial is not newer is skipped; the first newer one is transferred from through
 * the transfer queue (IXFR only from the primary the held version came from, so deltas are never
 * chained across primaries). A retransfer skips the SOA queries and takes an AXFR from the first
 * primary that gives one. The attempt ends exactly once, through {@link Replica#attemptEnded}.
 */
final class RefreshAttempt {

  private static final Logger LOG = Loggers.XFER_IN;

  /** How an attempt ended. */
  sealed interface End {
    /** The zone is current: transferred, or a primary's serial equals ours. */
    record Success(TransferOutcome outcome, Primary primary, Optional<Duration> expire)
        implements End {
    }

    /** Every primary failed or was behind. */
    record Failure(Exception error) implements End {
    }

    /** Called off by a retransfer or the zone's removal. */
    record Aborted() implements End {
    }
  }

  private final Replica replica;
  private final Engine engine;
  private final List<Primary> primaries;
  private volatile boolean urgent;
  private final boolean retransfer;
  private final CompletableFuture<TransferOutcome> result;
  private volatile boolean cancelled;
  private volatile boolean ended;
  private volatile boolean asked;
  /** True while a step runs on the executor (between its dequeue and its hand-off). */
  private volatile boolean inStep;
  private volatile @Nullable Runnable cancelHook;
  private volatile @Nullable Exception lastError;
  private volatile SoaQuery.@Nullable Result sameSerial;
  private volatile @Nullable Primary sameSerialFrom;

  RefreshAttempt(Replica replica, boolean urgent, boolean retransfer,
      CompletableFuture<TransferOutcome> result) {
    this.replica = replica;
    this.engine = replica.engine();
    this.primaries = replica.config().primaries();
    this.urgent = urgent;
    this.retransfer = retransfer;
    this.result = result;
  }

  CompletableFuture<TransferOutcome> result() {
    return result;
  }

  boolean isUrgent() {
    return urgent;
  }

  /**
   * Whether this attempt has asked a primary anything yet. Until it has, a NOTIFY or a refresh
   * request can simply join it: what it learns will be newer than the request.
   */
  boolean hasAsked() {
    return asked;
  }

  /** A NOTIFY or request arrived while this attempt waits: it goes first from now on. */
  void promote() {
    urgent = true;
  }

  boolean isRetransfer() {
    return retransfer;
  }

  void start() {
    step(0);
  }

  /**
   * Calls the attempt off: closes its socket, and the step running ends it as aborted; an
   * attempt waiting in the gate or the transfer queue ends at once, so that what follows (a
   * retransfer) does not wait behind it. Its queued step, when its turn comes, does nothing.
   */
  void cancel() {
    cancelled = true;
    Runnable h = cancelHook;
    if (h != null) {
      h.run();
    }
    if (!inStep) {
      end(new End.Aborted());
    }
  }

  boolean isCancelled() {
    return cancelled;
  }

  /** Registers how to cancel the I/O now running; runs it at once if already cancelled. */
  void onCancel(Runnable hook) {
    cancelHook = hook;
    if (cancelled) {
      hook.run();
    }
  }

  /**
   * Throws if the attempt is no longer wanted; called under the publish lock right before the
   * store is written, so a cancelled attempt or a removed zone never writes.
   */
  void checkWanted() throws TransferConnectionException {
    if (cancelled || replica.isClosed()) {
      throw new TransferConnectionException("refresh of zone " + replica.zone()
          + " was cancelled", replica.zone(), null, null);
    }
  }

  /**
   * Goes on with primary {@code i}: its SOA query, or for a retransfer its AXFR; past the last
   * primary the attempt ends. A cancelled attempt ends here as aborted.
   */
  private void step(int i) {
    if (cancelled) {
      end(new End.Aborted());
      return;
    }
    if (i >= primaries.size()) {
      endAfterPrimaries();
      return;
    }
    Primary p = primaries.get(i);
    if (retransfer) {
      engine.transfers().submit(p.address().getAddress(), () -> true,
          () -> guarded(() -> transfer(i, Optional.empty(), false)), this::rejected);
      return;
    }
    if (!urgent && engine.unreachable().isHeld(p.address(), engine.clock().instant())) {
      LOG.debug("zone {}: primary {} is held as unreachable, skipped", replica.zone(),
          Primary.format(p.address()));
      asked = true; // a NOTIFY arriving now queues a follow-up that does ask this primary
      note(new TransferConnectionException("primary " + Primary.format(p.address())
          + " recently unreachable, skipped", replica.zone(), p.address(), null));
      step(i + 1);
      return;
    }
    engine.soaGate().submit(this::isUrgent, () -> guarded(() -> querySoa(i)), this::rejected);
  }

  private void querySoa(int i) {
    if (cancelled) {
      end(new End.Aborted());
      return;
    }
    Primary p = primaries.get(i);
    asked = true;
    SoaQuery.Result res;
    try {
      res = engine.probe().query(replica.zone(), p, engine.soaTimeout(), this::onCancel);
      replica.counters().soaQuery(true);
      engine.unreachable().clear(p.address());
    } catch (TransferException e) {
      if (cancelled) {
        end(new End.Aborted());
        return;
      }
      replica.counters().soaQuery(false);
      LOG.info("zone {}: refresh, remote {}, soa query failed: {}", replica.zone(),
          Primary.format(p.address()), e.reason());
      // BIND's unreachable cache is fed by SOA queries that got no answer at all
      if (e instanceof TransferTimeoutException || e instanceof TransferConnectionException) {
        engine.unreachable().mark(p.address(), engine.clock().instant());
      }
      note(e);
      step(i + 1);
      return;
    }
    ZoneSnapshot held = replica.held();
    boolean expired = replica.isExpired();
    if (held != null) {
      SerialNumber ours = held.serial();
      if (res.serial().equals(ours)) {
        LOG.debug("zone {}: refresh, remote {}, serial {} is ours, up to date", replica.zone(),
            Primary.format(p.address()), ours);
        replica.counters().upToDate();
        if (sameSerial == null) {
          sameSerial = res;
          sameSerialFrom = p;
        }
        step(i + 1);
        return;
      }
      if (!res.serial().isNewerThan(ours) && !expired) {
        SerialNotNewerException behind =
            new SerialNotNewerException(ours, res.serial(), replica.zone(), p.address());
        LOG.warn("zone {}: refresh, remote {}: {}; ignored until expiry or retransfer",
            replica.zone(), Primary.format(p.address()), behind.getMessage());
        note(behind);
        step(i + 1);
        return;
      }
    }
    // deltas only from the primary the held version came from; a version of unknown origin
    // (stored before origins were) is taken to be the first primary's
    boolean ixfr = held != null && !expired && replica.config().requestIxfr()
        && replica.source().map(p.address()::equals).orElse(i == 0);
    engine.transfers().submit(p.address().getAddress(), this::isUrgent,
        () -> guarded(() -> transfer(i, Optional.of(res), ixfr)), this::rejected);
  }

  private void transfer(int i, Optional<SoaQuery.Result> soa, boolean ixfr) {
    if (cancelled) {
      end(new End.Aborted());
      return;
    }
    Primary p = primaries.get(i);
    asked = true;
    try {
      ReplicaTransfer t = new ReplicaTransfer(replica, this, p);
      TransferOutcome out = t.run(ixfr, retransfer || replica.isExpired());
      // EXPIRE of the transfer itself, else of the SOA answer before it (RFC 7314 section 4)
      Optional<Duration> expire = t.expire().or(() -> soa.flatMap(SoaQuery.Result::expire));
      end(new End.Success(out, p, expire));
    } catch (TransferException e) {
      if (cancelled) {
        end(new End.Aborted());
        return;
      }
      note(e);
      step(i + 1);
    } catch (ReplicaStoreException e) {
      if (cancelled) {
        end(new End.Aborted());
        return;
      }
      LOG.error("zone {}: cannot store the transferred version: {}", replica.zone(),
          e.getMessage());
      end(new End.Failure(e));
    }
  }

  /**
   * Runs a step; whatever it throws unexpectedly (a bug, an Error) still ends the attempt, so
   * that the zone's timers go on and the futures complete.
   */
  private void guarded(Runnable body) {
    inStep = true;
    try {
      body.run();
    } catch (RuntimeException | Error e) {
      LOG.error("zone {}: refresh failed unexpectedly", replica.zone(), e);
      end(new End.Failure(e instanceof RuntimeException re ? re
          : new IllegalStateException(e.toString(), e)));
      if (e instanceof Error err) {
        throw err;
      }
    } finally {
      inStep = false;
    }
  }

  /** The executor refused a step (it is shutting down, or bounded and full). */
  private void rejected(RuntimeException e) {
    LOG.warn("zone {}: the executor refused the refresh: {}", replica.zone(), e.toString());
    end(new End.Failure(new TransferConnectionException("refresh of zone " + replica.zone()
        + " refused by the executor: " + e, replica.zone(), null, null)));
  }

  private void note(TransferException e) {
    Exception last = lastError;
    if (last != null && last != e) {
      e.addSuppressed(last);
    }
    lastError = e;
  }

  private void endAfterPrimaries() {
    SoaQuery.Result same = sameSerial;
    Primary from = sameSerialFrom;
    if (same != null && from != null) {
      end(new End.Success(new TransferOutcome.UpToDate(same.serial()), from, same.expire()));
      return;
    }
    Exception e = lastError;
    end(new End.Failure(e != null ? e : new TransferConnectionException("zone "
        + replica.zone() + " has no primary to refresh from", replica.zone(), null, null)));
  }

  private void end(End how) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    replica.attemptEnded(this, how);
  }
}
