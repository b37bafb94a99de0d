// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TsigKey;

/**
 * The UDP {@link NotifyOut.Send}: one {@link NotifySender} per distinct key (one more for
 * unsigned targets), each opened when first needed, all closed by {@link #close()}. A sender
 * signs with exactly one key, so targets sharing a key share its socket and thread.
 *
 * <p>Thread-safe, and no lock is held while a socket opens: two threads racing to open the
 * sender for one key both open one, and the loser closes its own.
 */
public final class NotifySenderPool implements NotifyOut.Send, Closeable {
  private final InetAddress local;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final Duration initialTimeout;
  private final ConcurrentHashMap<Optional<TsigKey>, NotifySender> senders =
      new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Creates a pool that opens one {@link NotifySender} (a UDP socket and its thread) per
   * distinct key, and one for unsigned targets, when first needed; share it between zones.
   *
   * @param local the local address to send from (BIND's {@code notify-source})
   * @param clock the wall clock for TSIG
   * @param nanoTime a monotonic clock for the timeouts
   * @param initialTimeout the first retransmission timeout, 1 ms..1 h
   * @throws IllegalArgumentException if the timeout is out of range
   */
  public NotifySenderPool(InetAddress local, InstantSource clock, LongSupplier nanoTime,
      Duration initialTimeout) {
    this.local = requireNonNull(local, "local");
    this.clock = requireNonNull(clock, "clock");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    if (initialTimeout.toMillis() < 1 || initialTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("initial notify timeout " + initialTimeout
          + " is not 1 ms..1 h");
    }
    this.initialTimeout = initialTimeout;
  }

  /** Returns the first retransmission timeout of its senders. */
  public Duration initialTimeout() {
    return initialTimeout;
  }

  @Override
  public CompletableFuture<Duration> send(NotifyTarget target, SOARecord soa) {
    NotifySender sender = senders.get(target.key());
    if (sender == null) {
      if (closed) {
        return closedFailure(target, soa);
      }
      NotifySender fresh;
      try {
        fresh = new NotifySender(local, target.key().orElse(null), clock, nanoTime,
            initialTimeout);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new TransferConnectionException(
            "notify socket on " + local.getHostAddress() + " failed to open: " + e.getMessage(),
            soa.getName(), target.address(), e));
      }
      sender = senders.putIfAbsent(target.key(), fresh);
      if (sender == null) {
        sender = fresh;
      } else {
        fresh.close();
      }
      if (closed) {
        closeAll(); // close() may have run before the put; this sender must not outlive it
        return closedFailure(target, soa);
      }
    }
    return sender.send(target.address(), soa);
  }

  /** Returns how many senders are open, for tests. */
  int openSenders() {
    return senders.size();
  }

  /** Closes every sender, failing their NOTIFYs in flight. Idempotent. */
  @Override
  public void close() {
    closed = true;
    closeAll();
  }

  private void closeAll() {
    for (Optional<TsigKey> k : senders.keySet()) {
      NotifySender s = senders.remove(k);
      if (s != null) {
        s.close();
      }
    }
  }

  private static CompletableFuture<Duration> closedFailure(NotifyTarget target, SOARecord soa) {
    return CompletableFuture.failedFuture(new TransferConnectionException(
        "notify sender closed", soa.getName(), target.address(), null));
  }
}
