// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.TransferReport;

/**
 * One zonesync tier of {@code zonesync demo}: a listener that hands the figures of the next
 * finished transfer, with the {@link System#nanoTime()} at which the new version was served, to
 * the demo waiting for it (bounded); a failed transfer is remembered for the message if the wait
 * runs out. Thread-safe.
 */
final class DemoTier implements ReplicaListener {

  /**
   * A transfer finished.
   *
   * @param report its figures
   * @param servedAt {@link System#nanoTime()} when the event arrived
   */
  record Hop(TransferReport report, long servedAt) {
  }

  private final String name;
  private final AtomicReference<CompletableFuture<Hop>> next =
      new AtomicReference<>(new CompletableFuture<>());
  private final AtomicReference<String> lastFailure = new AtomicReference<>("none");

  DemoTier(String name) {
    this.name = name;
  }

  @Override
  public void onEvent(ReplicaEvent e) {
    if (e instanceof ReplicaEvent.TransferFinished f) {
      next.get().complete(new Hop(f.stats(), System.nanoTime()));
    } else if (e instanceof ReplicaEvent.TransferFailed f) {
      lastFailure.set(f.kind() + " from " + f.primary() + ": " + f.error().reason());
    }
  }

  /** Forgets the transfer seen so far: {@link #await} waits for the next one. */
  void expectNext() {
    next.set(new CompletableFuture<>());
  }

  /**
   * Waits for the next finished transfer.
   *
   * @param timeout how long at most
   * @return the transfer
   * @throws DemoFailure if none finished in time
   */
  Hop await(Duration timeout) throws DemoFailure, InterruptedException {
    try {
      return next.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new DemoFailure(name + ": no transfer finished within " + timeout.toSeconds()
          + " s; last failure: " + lastFailure.get());
    } catch (ExecutionException e) {
      throw new DemoFailure(name + ": " + e.getCause());
    }
  }

  /** Formats a transfer's figures as one line. */
  String line(TransferReport s, String from) {
    return String.format(Locale.ROOT,
        "%s: %s of %s from %s: %d records, %d messages, %d bytes, %.3f s, %.0f records/s",
        name, s.kind(), s.zone(), from, s.records(), s.messages(), s.bytes(),
        s.duration().toNanos() / 1e9, s.recordsPerSecond());
  }

  /** A step of the demo that did not happen; its message is the line printed. */
  static final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
      super(message);
    }
  }
}
