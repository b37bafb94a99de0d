// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.Loggers;

/**
 * NOTIFY out for one zone to its {@code also-notify} targets (RFC 1996 section 3.7): after each
 * new version of the zone is live and durable, {@link #published} tells every target, each
 * signed with its own key, coalescing the versions that arrive while a NOTIFY to that target is
 * still waiting for its answer.
 *
 * <p><b>Coalescing.</b> Each target has at most one NOTIFY in flight. A {@link #published} call
 * while one is in flight only remembers its SOA, keeping the newest by serial arithmetic (RFC 1982;
 * an older serial never replaces a newer one); when the in-flight NOTIFY completes, answered or
 * not, exactly one more is sent with the remembered SOA. So a thousand versions published during
 * one NOTIFY cost one follow-up per target, carrying the newest serial. Targets are independent:
 * a silent target delays only its own follow-ups.
 *
 * <p><b>Retries.</b> The {@link Send} retransmits (with {@link NotifySender}: {@value
 * NotifySender#ATTEMPTS} transmissions, doubling timeouts). A NOTIFY that still fails is counted
 * {@code failed} and is not sent again until the next {@link #published} call: retries belong to
 * one NOTIFY, as in BIND 9, where a notify that exhausted its retries is dropped and the next
 * zone change starts a new one. A secondary that missed it still finds the change at its next
 * SOA refresh (RFC 1996 section 4.7).
 *
 * <p><b>Close.</b> {@link #close()} stops sending: later {@link #published} calls do nothing, and
 * follow-ups remembered but not yet sent are dropped and counted nowhere (they were never sent,
 * and none of them had failed). NOTIFYs in flight are not abandoned silently: each is counted
 * {@code acknowledged} or {@code failed} when its future completes; the UDP adapter of {@link
 * #overUdp} closes its {@link NotifySender}s, which fails them at once.
 *
 * <p>Thread-safe. {@link #published} never blocks on I/O or on a NOTIFY: it takes a short
 * per-target lock and calls {@link Send#send} outside any lock. Completions run on the thread
 * that completes the {@link Send}'s future (the {@link NotifySender}'s thread) and, too, call
 * {@link Send#send} for a follow-up outside any lock.
 */
public final class NotifyOut implements Closeable {

  /**
   * Sends one NOTIFY to one target, retransmitting as it sees fit.
   *
   * <p>Implementations must be thread-safe and must not block: they are called from the thread
   * that calls {@link NotifyOut#published} and from the threads that complete their own futures.
   */
  @FunctionalInterface
  public interface Send {
    /**
     * Starts a NOTIFY carrying {@code soa} to {@code target}.
     *
     * @param target the secondary and its key
     * @param soa the zone's current apex SOA
     * @return completes with the round-trip time once the target answered, or fails (after any
     *     retransmissions) with why it did not
     */
    CompletableFuture<Duration> send(NotifyTarget target, SOARecord soa);
  }

  /**
   * NOTIFY counts, of one target or of all of them. Each NOTIFY counts once, however many times
   * it was retransmitted; {@code sent - acknowledged - failed} were in flight when counted.
   *
   * @param sent NOTIFYs handed to the {@link Send}
   * @param acknowledged NOTIFYs the target answered
   * @param failed NOTIFYs that failed after their retransmissions (or could not be sent)
   */
  public record Counters(long sent, long acknowledged, long failed) {
    /** No NOTIFYs at all. */
    public static final Counters ZERO = new Counters(0, 0, 0);

    /**
     * Validates the counts.
     *
     * @throws IllegalArgumentException if a count is negative or more completed than were sent
     */
    public Counters {
      if (sent < 0 || acknowledged < 0 || failed < 0 || acknowledged + failed > sent) {
        throw new IllegalArgumentException("notify counters sent " + sent + " acknowledged "
            + acknowledged + " failed " + failed + " are inconsistent");
      }
    }

    /**
     * Returns the sum of this and {@code other}.
     *
     * @param other the counts to add
     * @return the sums
     */
    public Counters plus(Counters other) {
      return new Counters(sent + other.sent, acknowledged + other.acknowledged,
          failed + other.failed);
    }
  }

  /** One target's state; every field guarded by the slot itself. */
  private static final class Slot {
    final NotifyTarget target;
    boolean inFlight;
    @Nullable SOARecord next;
    long sent;
    long acknowledged;
    long failed;
    /** The NOTIFY in flight, once its send has started, and when it started. */
    @Nullable CompletableFuture<Duration> current;
    long startedNanos;

    Slot(NotifyTarget target) {
      this.target = target;
    }
  }

  /** How long a NOTIFY over UDP waits for its answer before a newer serial replaces it. */
  public static final Duration SUPERSEDE_AFTER = Duration.ofMillis(100);

  private final Name zone;
  private final Send send;
  private final @Nullable Closeable owned;
  private final LongSupplier nanoTime;
  private final long supersedeNanos;
  private final List<Slot> slots;
  private volatile boolean closed;

  /**
   * Creates NOTIFY out for {@code zone}; sends nothing until {@link #published}.
   *
   * @param zone the zone, the owner of every SOA given to {@link #published}
   * @param targets the secondaries, each once; may be empty
   * @param send sends one NOTIFY; the caller keeps it and closes it after this
   * @throws IllegalArgumentException if a target is listed twice
   */
  public NotifyOut(Name zone, List<NotifyTarget> targets, Send send) {
    this(zone, targets, send, null, System::nanoTime, Long.MAX_VALUE);
  }

  /**
   * Creates NOTIFY out for {@code zone} in which a newer serial supersedes a NOTIFY that has
   * been waiting for its answer longer than {@code supersedeAfter} (it is retransmitting: the
   * target is slow or was down): that one is cancelled and the newer one sent at once, so a
   * target that comes back learns of the newest serial without waiting out the back-off. A
   * superseded NOTIFY counts as failed.
   *
   * @param zone the zone
   * @param targets the secondaries, each once
   * @param send sends one NOTIFY; its futures must stop retransmitting when cancelled
   * @param nanoTime a monotonic clock, as {@link System#nanoTime()}
   * @param supersedeAfter how long a NOTIFY may wait before a newer serial replaces it
   * @throws IllegalArgumentException if a target is listed twice
   */
  public NotifyOut(Name zone, List<NotifyTarget> targets, Send send, LongSupplier nanoTime,
      Duration supersedeAfter) {
    this(zone, targets, send, null, nanoTime, supersedeAfter.toNanos());
  }

  private NotifyOut(Name zone, List<NotifyTarget> targets, Send send, @Nullable Closeable owned,
      LongSupplier nanoTime, long supersedeNanos) {
    this.zone = requireNonNull(zone, "zone");
    this.send = requireNonNull(send, "send");
    this.owned = owned;
    this.nanoTime = nanoTime;
    this.supersedeNanos = supersedeNanos;
    Map<NotifyTarget, Slot> byTarget = new LinkedHashMap<>();
    for (NotifyTarget t : targets) {
      if (byTarget.put(requireNonNull(t, "target"), new Slot(t)) != null) {
        throw new IllegalArgumentException("zone " + zone + ": notify target " + t
            + " is listed twice");
      }
    }
    this.slots = List.copyOf(byTarget.values());
  }

  /**
   * Creates NOTIFY out over UDP: one {@link NotifySender} per distinct key (and one for unsigned
   * targets), each opened when a target first needs it and closed by {@link #close()}.
   *
   * @param zone the zone
   * @param targets the secondaries, each once
   * @param local the local address to send from, as BIND's {@code notify-source}
   * @param clock the wall clock for TSIG
   * @param nanoTime a monotonic clock for the timeouts, as {@link System#nanoTime()}
   * @param initialTimeout the first retransmission timeout, 1 ms..1 h (see {@link NotifySender})
   * @return the NOTIFY out, owning its senders
   * @throws IllegalArgumentException if a target is listed twice or the timeout is out of range
   */
  public static NotifyOut overUdp(Name zone, List<NotifyTarget> targets, InetAddress local,
      InstantSource clock, LongSupplier nanoTime, Duration initialTimeout) {
    NotifySenderPool pool = new NotifySenderPool(local, clock, nanoTime, initialTimeout);
    // a live secondary answers a NOTIFY within milliseconds: one unanswered for 100 ms (or the
    // first timeout, if shorter) was lost or its target is down, and a newer serial replaces
    // it at once instead of waiting out the retransmission back-off; quicker publications
    // still coalesce, so a target gets at most about ten NOTIFYs a second
    return new NotifyOut(zone, targets, pool, pool, nanoTime,
        Math.min(SUPERSEDE_AFTER.toNanos(), initialTimeout.toNanos()));
  }

  /** Returns the zone. */
  public Name zone() {
    return zone;
  }

  /** Returns the targets, in the order given. */
  public List<NotifyTarget> targets() {
    List<NotifyTarget> out = new ArrayList<>(slots.size());
    for (Slot s : slots) {
      out.add(s.target);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Tells every target that {@code soa} is the zone's new version. Call it only once that
   * version is live and durable, so that a secondary asking for it at once gets it. Returns at
   * once; does nothing after {@link #close()}.
   *
   * @param soa the new apex SOA
   * @throws IllegalArgumentException if {@code soa} is not the apex SOA of this zone
   */
  public void published(SOARecord soa) {
    requireNonNull(soa, "soa");
    if (!soa.getName().equals(zone)) {
      throw new IllegalArgumentException("SOA owner " + soa.getName() + " is not zone " + zone);
    }
    for (Slot s : slots) {
      boolean start;
      CompletableFuture<Duration> stale = null;
      synchronized (s) {
        if (closed) {
          return;
        }
        start = !s.inFlight;
        if (start) {
          s.inFlight = true;
          s.sent++;
        } else if (s.next == null || !serialOf(soa).isOlderThan(serialOf(s.next))) {
          s.next = soa;
          if (s.current != null && nanoTime.getAsLong() - s.startedNanos > supersedeNanos) {
            stale = s.current;
            s.current = null;
          }
        }
      }
      if (stale != null) {
        Loggers.NOTIFY.debug("zone {}: notify to {} unanswered, superseded by serial {}", zone,
            s.target, soa.getSerial());
        stale.cancel(true); // its completion sends the follow-up, this serial, at once
      } else if (start) {
        drive(s, soa);
      } else {
        Loggers.NOTIFY.debug("zone {}: notify to {} in flight, serial {} follows it", zone,
            s.target, soa.getSerial());
      }
    }
  }

  /**
   * Returns the counts over all targets. Each target's counts are consistent; the sum is not
   * one atomic snapshot across targets.
   *
   * @return the totals
   */
  public Counters counters() {
    Counters total = Counters.ZERO;
    for (Slot s : slots) {
      total = total.plus(countersOf(s));
    }
    return total;
  }

  /**
   * Returns each target's counts, in the order the targets were given.
   *
   * @return the counts by target, unmodifiable
   */
  public Map<NotifyTarget, Counters> countersByTarget() {
    Map<NotifyTarget, Counters> out = new LinkedHashMap<>();
    for (Slot s : slots) {
      out.put(s.target, countersOf(s));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Stops sending: drops the follow-ups not yet sent (counted nowhere) and closes the senders
   * this owns, which fails their NOTIFYs in flight (counted {@code failed}). Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    int dropped = 0;
    for (Slot s : slots) {
      synchronized (s) {
        if (s.next != null) {
          s.next = null;
          dropped++;
        }
      }
    }
    if (dropped > 0) {
      Loggers.NOTIFY.debug("zone {}: notify out closed, {} follow-up notifies dropped", zone,
          dropped);
    }
    if (owned != null) {
      try {
        owned.close();
      } catch (IOException e) {
        Loggers.NOTIFY.debug("zone {}: closing the notify senders failed: {}", zone,
            e.toString());
      }
    }
  }

  private static Counters countersOf(Slot s) {
    synchronized (s) {
      return new Counters(s.sent, s.acknowledged, s.failed);
    }
  }

  private static SerialNumber serialOf(SOARecord soa) {
    return SerialNumber.of(soa.getSerial());
  }

  /**
   * Sends {@code soa} to the slot's target (already counted sent and marked in flight), then
   * each follow-up. A future that is already done is handled in this loop, not by a nested
   * callback, so that a {@link Send} answering at once cannot deepen the stack.
   */
  private void drive(Slot s, SOARecord first) {
    SOARecord soa = first;
    while (soa != null) {
      CompletableFuture<Duration> f = start(s.target, soa);
      if (!f.isDone()) {
        synchronized (s) {
          if (!f.isDone()) {
            s.current = f;
            s.startedNanos = nanoTime.getAsLong();
          }
        }
        f.whenComplete((rtt, e) -> {
          SOARecord next = finish(s, e);
          if (next != null) {
            drive(s, next);
          }
        });
        return;
      }
      soa = finish(s, failureOf(f));
    }
  }

  private CompletableFuture<Duration> start(NotifyTarget target, SOARecord soa) {
    try {
      return requireNonNull(send.send(target, soa), "send returned no future");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Counts a completed NOTIFY; returns the follow-up to send, already counted, or null. */
  private @Nullable SOARecord finish(Slot s, @Nullable Throwable failure) {
    SOARecord next;
    synchronized (s) {
      if (failure == null) {
        s.acknowledged++;
      } else {
        s.failed++;
      }
      next = closed ? null : s.next;
      s.next = null;
      s.current = null;
      if (next == null) {
        s.inFlight = false;
      } else {
        s.sent++;
      }
    }
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      Loggers.NOTIFY.debug("zone {}: notify to {} counted failed: {}", zone, s.target,
          cause.toString());
    }
    return next;
  }

  private static @Nullable Throwable failureOf(CompletableFuture<Duration> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e;
    }
  }
}
