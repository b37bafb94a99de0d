// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Name;

/**
 * One secondary zone: the version it serves and the means to bring it up to date.
 *
 * <p>Thread-safe. {@link #current()} and {@link #snapshot()} never block and never show a
 * half-applied transfer: a new version is published by one atomic swap, and everything written
 * to the snapshot happens-before its publication.
 *
 * @since 0.1
 */
public interface ZoneReplica {

  /** Returns the zone apex. */
  Name zone();

  /** Returns the replica's state. */
  ReplicaState state();

  /** Returns the version being served, if any. */
  Optional<ZoneSnapshot> current();

  /**
   * Returns the version being served.
   *
   * @return the snapshot
   * @throws IllegalStateException if no version has been loaded yet, or the zone expired
   */
  default ZoneSnapshot snapshot() {
    return current().orElseThrow(() -> new IllegalStateException(
        "zone " + zone() + " has no version to serve (state " + state() + ")"));
  }

  /**
   * Checks the primaries' SOA now and transfers a newer version if there is one (like
   * {@code rndc refresh}). At most one refresh of a zone runs at a time. A call while one waits
   * to ask its primaries joins it; a call after it has asked queues exactly one follow-up, and
   * the returned future is that follow-up's. Either way the outcome reflects the primaries'
   * state after the call. The future completes on one of zonesync's threads: a dependent stage
   * that blocks should use an {@code ...Async} variant with its own executor.
   *
   * @return completes with the outcome, or exceptionally with a {@link TransferException} as the
   *     cause of a {@link java.util.concurrent.CompletionException}; the previous version keeps
   *     serving on failure
   */
  CompletableFuture<TransferOutcome> refresh();

  /**
   * Transfers the whole zone by AXFR from the first primary that serves it, without asking for
   * its SOA first and whatever its serial (like {@code rndc retransfer}); a running refresh is
   * cancelled first. The only way to go back to a primary whose serial is lower than ours.
   *
   * @return completes as {@link #refresh()}
   */
  CompletableFuture<TransferOutcome> retransfer();

  /**
   * Returns what the replica is doing: state, serial, primary, last success and failure, the
   * next refresh, the expiry and the counters.
   *
   * @return a snapshot
   */
  ZoneStatus status();

  /**
   * Waits until a version is being served.
   *
   * @param timeout how long to wait at most
   * @return the snapshot
   * @throws TransferException if the last attempt failed and no version is held
   * @throws InterruptedException if interrupted while waiting
   * @throws java.util.concurrent.TimeoutException if {@code timeout} passes first
   */
  ZoneSnapshot awaitCurrent(Duration timeout)
      throws TransferException, InterruptedException, java.util.concurrent.TimeoutException;
}
