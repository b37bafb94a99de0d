// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.wire.MessageReader;

/**
 * Sends NOTIFY messages (RFC 1996) over UDP and waits for their answers, as a primary does after
 * its zone changed. Each NOTIFY goes out from one socket on an ephemeral port of the given local
 * address (as BIND's default {@code notify-source} picks one), with a random ID. Without an
 * answer it is sent again with the same bytes, each wait twice the one before: with the default
 * 1 s, after 1, 2, 4 and 8 s, then a last wait of 16 s, 5 transmissions and 31 s in all (RFC 1996
 * section 3.6 leaves the schedule to the implementation; BIND 9 resends after fixed UDP timeouts
 * and then tries TCP). Its future completes with the round-trip time of the answered
 * transmission, or fails with a {@link TransferTimeoutException} after the last wait, or as
 * {@link NotifyMessage} says for a bad answer.
 *
 * <p>One daemon thread ({@code zonesync-notify-out-<n>}) does all the sending, waiting and
 * matching, started by the constructor and stopped by {@link #close()}; at most {@value
 * #MAX_PENDING} NOTIFYs wait at once. Cancelling a future stops its retransmissions.
 * Thread-safe: {@link #send} may be called from any thread.
 */
public final class NotifySender implements Closeable {
  /** Transmissions per NOTIFY: the first and four retries. */
  public static final int ATTEMPTS = 5;
  /** The first timeout; each retry waits twice as long as the one before. */
  public static final Duration DEFAULT_INITIAL_TIMEOUT = Duration.ofSeconds(1);
  /** NOTIFYs waiting at once; more fail at once (IDs are 16 bits). */
  public static final int MAX_PENDING = 1024;

  private static final int MAX_MESSAGE = 65535;
  private static final long CLOSE_MILLIS = 5000;
  private static final SecureRandom IDS = new SecureRandom();
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final @Nullable TsigKey key;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final long initialNanos;
  private final DatagramChannel channel;
  private final Selector selector;
  private final Thread loop;
  private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
  /** By message ID; touched only by the loop thread. */
  private final Map<Integer, Pending> pending = new HashMap<>();
  private volatile boolean closed;

  /** One NOTIFY in flight. */
  private static final class Pending {
    final InetSocketAddress target;
    final SOARecord soa;
    final CompletableFuture<Duration> future = new CompletableFuture<>();
    @Nullable NotifyMessage message;
    int attempts;
    long sentAt;
    long deadline;

    Pending(InetSocketAddress target, SOARecord soa) {
      this.target = target;
      this.soa = soa;
    }
  }

  /**
   * Opens the socket and starts the thread.
   *
   * @param local the local address to send from (an ephemeral port is chosen)
   * @param key the key to sign every NOTIFY with, or null for unsigned
   * @param clock the wall clock for TSIG
   * @param nanoTime a monotonic clock for the timeouts, as {@link System#nanoTime()}
   * @param initialTimeout the first timeout, at least 1 ms
   * @throws IOException if the socket cannot be opened
   * @throws IllegalArgumentException if {@code initialTimeout} is below 1 ms or above 1 hour
   */
  public NotifySender(InetAddress local, @Nullable TsigKey key, InstantSource clock,
      LongSupplier nanoTime, Duration initialTimeout) throws IOException {
    requireNonNull(local, "local");
    if (initialTimeout.toMillis() < 1 || initialTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("initial notify timeout " + initialTimeout
          + " is not 1 ms..1 h");
    }
    this.key = key;
    this.clock = requireNonNull(clock, "clock");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.initialNanos = initialTimeout.toNanos();
    this.channel = DatagramChannel.open();
    try {
      channel.bind(new InetSocketAddress(local, 0));
      channel.configureBlocking(false);
      this.selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    this.loop = new Thread(this::run, "zonesync-notify-out-" + INSTANCES.incrementAndGet());
    loop.setDaemon(true);
    loop.start();
  }

  /**
   * Returns the local address NOTIFYs are sent from.
   *
   * @return the address and port
   * @throws IOException if the socket is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /**
   * Sends a NOTIFY for the zone of {@code soa} to {@code target}.
   *
   * @param target the secondary
   * @param soa the zone's current apex SOA, sent in the answer section
   * @return completes with the round-trip time of the answered transmission, or fails with a
   *     {@link TransferTimeoutException} (no answer), a {@link
   *     org.zonesync.api.TransferRefusedException} (an error rcode), a {@link
   *     org.zonesync.api.TsigVerificationException} (a bad signed answer) or a {@link
   *     TransferConnectionException} (the socket failed, too many pending, or closed)
   */
  public CompletableFuture<Duration> send(InetSocketAddress target, SOARecord soa) {
    Pending p = new Pending(requireNonNull(target, "target"), requireNonNull(soa, "soa"));
    incoming.add(p);
    if (closed) {
      failAll("notify sender closed");
    } else {
      selector.wakeup();
    }
    return p.future;
  }

  /** Stops the thread; NOTIFYs still waiting fail. Idempotent. */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      loop.join(CLOSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll("notify sender closed");
  }

  private void run() {
    MessageReader reader = new MessageReader();
    ByteBuffer buf = ByteBuffer.allocate(MAX_MESSAGE);
    try {
      while (!closed) {
        long now = nanoTime.getAsLong();
        for (Pending p; (p = incoming.poll()) != null; ) {
          start(p, now);
        }
        long next = timers(now);
        long waitMillis = next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now + 999_999) / 1_000_000);
        selector.select(waitMillis);
        selector.selectedKeys().clear();
        SocketAddress from;
        while (!closed && (from = channel.receive(buf.clear())) != null) {
          receive(buf.array(), buf.position(), (InetSocketAddress) from, reader);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        Loggers.NOTIFY.warn("notify sender stopped: {}", e.toString());
      }
    } finally {
      closed = true;
      try {
        selector.close();
      } catch (IOException e) {
        Loggers.NOTIFY.debug("selector close failed: {}", e.toString());
      }
      try {
        channel.close();
      } catch (IOException e) {
        Loggers.NOTIFY.debug("socket close failed: {}", e.toString());
      }
      for (Pending p : pending.values()) {
        incoming.add(p);
      }
      pending.clear();
      failAll("notify sender closed");
    }
  }

  private void start(Pending p, long now) {
    if (p.future.isDone()) {
      return;
    }
    if (pending.size() >= MAX_PENDING) {
      fail(p, new TransferConnectionException(MAX_PENDING + " notifies already waiting",
          p.soa.getName(), p.target, null));
      return;
    }
    int id;
    do {
      id = IDS.nextInt(0x10000);
    } while (pending.containsKey(id));
    try {
      p.message = new NotifyMessage(p.soa, id, p.target, key, clock);
    } catch (RuntimeException e) {
      p.future.completeExceptionally(e);
      return;
    }
    pending.put(id, p);
    if (!transmit(p, now)) {
      pending.remove(id);
    }
  }

  /** Retransmits or fails what is due; returns the next deadline, or Long.MAX_VALUE. */
  private long timers(long now) {
    long next = Long.MAX_VALUE;
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.future.isDone()) {
        it.remove(); // cancelled by the caller, or failed while sending
        continue;
      }
      if (now - p.deadline >= 0) {
        if (p.attempts >= ATTEMPTS) {
          it.remove();
          Duration total = Duration.ofNanos(initialNanos * ((1L << ATTEMPTS) - 1));
          fail(p, new TransferTimeoutException(TransferTimeoutException.Kind.TRANSFER, total,
              p.soa.getName(), p.target));
          continue;
        }
        if (!transmit(p, now)) {
          it.remove();
          continue;
        }
      }
      next = Math.min(next, p.deadline);
    }
    return next;
  }

  /** Sends the NOTIFY (again); returns false, having failed it, if the socket failed. */
  private boolean transmit(Pending p, long now) {
    NotifyMessage m = requireNonNull(p.message);
    p.attempts++;
    p.sentAt = now;
    p.deadline = now + (initialNanos << (p.attempts - 1));
    try {
      channel.send(ByteBuffer.wrap(m.wire()), p.target);
      Loggers.NOTIFY.debug("zone {}: sending notify to {}, serial {}, attempt {}", m.zone(),
          Primary.format(p.target), p.soa.getSerial(), p.attempts);
      return true;
    } catch (IOException e) {
      fail(p, new TransferConnectionException("notify send failed: " + e.getMessage(),
          m.zone(), p.target, e));
      return false;
    }
  }

  private void receive(byte[] msg, int len, InetSocketAddress from, MessageReader reader) {
    if (len < 2) {
      return;
    }
    Pending p = pending.get(((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF));
    NotifyMessage m = p == null ? null : p.message;
    if (p == null || m == null) {
      Loggers.NOTIFY.debug("ignored a datagram of {} bytes from {}: no notify waits for it",
          len, Primary.format(from));
      return;
    }
    try {
      if (m.check(msg, len, from, reader) == NotifyMessage.Verdict.IGNORED) {
        Loggers.NOTIFY.debug("zone {}: ignored a datagram from {}: {}", m.zone(),
            Primary.format(from), m.lastIgnored());
        return;
      }
    } catch (TransferException e) {
      pending.remove(m.id());
      fail(p, e);
      return;
    }
    pending.remove(m.id());
    Duration rtt = Duration.ofNanos(nanoTime.getAsLong() - p.sentAt);
    Loggers.NOTIFY.info("zone {}: notify to {} answered, serial {}, attempt {}, {} ms",
        m.zone(), Primary.format(p.target), p.soa.getSerial(), p.attempts, rtt.toMillis());
    p.future.complete(rtt);
  }

  private static void fail(Pending p, Exception e) {
    if (p.future.completeExceptionally(e)) {
      Loggers.NOTIFY.warn("zone {}: notify to {} failed: {}", p.soa.getName(),
          Primary.format(p.target), e.getMessage());
    }
  }

  private void failAll(String why) {
    for (Pending p; (p = incoming.poll()) != null; ) {
      p.future.completeExceptionally(new TransferConnectionException(why, p.soa.getName(),
          p.target, null));
    }
  }
}
