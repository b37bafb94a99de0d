// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.notify.NotifyHandler;
import org.zonesync.core.internal.notify.NotifyListener;
import org.zonesync.core.internal.notifyout.NotifySender;
import org.zonesync.core.internal.serve.OutQuota;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.xfr.IxfrOutPlan;
import org.zonesync.core.internal.xfr.MemoryServedZone;
import org.zonesync.core.internal.xfr.XfrOut;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.TsigKeyring;

/**
 * A small primary: serves the snapshots it is given to secondaries, the embedded primary of
 * {@code zonesync demo} and of tests.
 *
 * <ul>
 *   <li>TCP: AXFR (RFC 5936), IXFR (RFC 1995) from the differences between the versions
 *       {@link #publish}ed, and SOA queries; any number of queries per connection (RFC 7766).
 *   <li>UDP, on the same address and port: SOA queries, answered with AA and the apex SOA, with
 *       an OPT record (payload 1232) when the query had one and the EDNS EXPIRE option when it
 *       asked for it, carrying the SOA EXPIRE field as a primary does (RFC 7314 section 3);
 *       IXFR gets the single current SOA (RFC 1995 section 2) and AXFR FORMERR. A datagram gets at
 *       most one answer; responses (QR set), short and unparsable datagrams get none.
 *   <li>NOTIFY out (RFC 1996): {@link #notify(InetSocketAddress, Name)} tells one secondary that
 *       a zone changed and waits for its answer, retransmitting with a doubling timeout.
 * </ul>
 *
 * <p>Access is denied by default, the same rule for transfers and SOA queries: a request must be
 * TSIG-signed with a key of {@link Builder#keys} (the answer is then signed with that key,
 * RFC 8945), or come from an address given to {@link Builder#allowUnsigned}; other requests are
 * answered REFUSED. An SOA query for a name that is not the apex of a zone held is REFUSED, as
 * BIND answers a query for a zone it is not authoritative for (an AXFR or IXFR for it gets
 * NOTAUTH, as from BIND's xfrout). A TSIG that does not verify is answered NOTAUTH
 * and nothing is signed for it (a SOA query's answer carries the TSIG error, RFC 8945 section
 * 5.3.2, signed only for BADTIME after the MAC was checked). The checks and the transfers are
 * {@link ZoneSync}'s (the same responder and listener), with at most {@link
 * Builder#maxConnections} connections and transfers at once, an idle timeout and a 5 s write
 * timeout.
 *
 * <p>Threads (daemon): one accepting TCP connections, one per open connection (at most {@link
 * Builder#maxConnections}), one for UDP, and one for NOTIFY out, started by the first {@link
 * #notify(InetSocketAddress, Name)}. Thread-safe. {@link #publish} swaps a zone atomically; a
 * transfer already running finishes on the snapshot it started with.
 *
 * @since 0.1
 */
public final class TransferServer implements AutoCloseable {

  private static final Logger LOG = Loggers.XFER_OUT;
  /** How long one answer message may stay blocked in a write (a reader that stopped). */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

  private final NotifyListener listener;
  private final @Nullable TsigKey notifyKey;
  private final InstantSource clock;
  private final Duration notifyTimeout;
  private @Nullable NotifySender notifier; // guarded by this
  private final XfrOut responder;
  private final ConcurrentHashMap<Name, MemoryServedZone> zones = new ConcurrentHashMap<>();
  private final TransferAcl acl;
  private volatile boolean closed;

  private TransferServer(Builder b) throws IOException {
    List<String> rules = new ArrayList<>();
    for (InetAddress a : b.allowUnsigned) {
      rules.add(a.getHostAddress());
    }
    for (TsigKey k : b.keys) {
      rules.add("key:" + k.name());
    }
    this.acl = TransferAcl.parse(rules);
    this.responder = new XfrOut(name -> Optional.ofNullable(zones.get(name)), b.keyring,
        new OutQuota(b.maxConnections, b.maxConnections), b.clock, System::nanoTime,
        new XfrOut.Limits(b.maxMessageSize, false, Duration.ofHours(2)));
    for (ZoneSnapshot z : b.zones) {
      publish(z);
    }
    this.notifyKey = b.notifyKey;
    this.clock = b.clock;
    this.notifyTimeout = b.notifyTimeout;
    // the same listener as ZoneSync's: UDP and TCP on one port, idle and write timeouts, a
    // connection cap; it takes no NOTIFY (no zone is a secondary here: NOTAUTH)
    this.listener = new NotifyListener(b.address, new NotifyHandler(zone -> Optional.empty(),
        b.clock), (from, outcome) -> { }, b.idleTimeout, WRITE_TIMEOUT, b.maxConnections,
        responder);
    LOG.info("serving AXFR, IXFR and SOA on {} (tcp and udp) for {} zone(s)", address(),
        b.zones.size());
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the bound address (the real port when 0 was asked for); UDP and TCP share it. */
  public InetSocketAddress address() {
    return listener.localAddress();
  }

  /**
   * Publishes a new version of a zone (or a new zone); transfers that start afterwards get it.
   *
   * @param zone the snapshot
   */
  public void publish(ZoneSnapshot zone) {
    CompactZone c = StoredZones.compact(zone);
    zones.computeIfAbsent(c.origin(), n -> new MemoryServedZone(acl, IxfrOutPlan.Ratio.DEFAULT,
        MemoryServedZone.DEFAULT_HISTORY)).publish(c);
  }

  /** Returns how many outgoing transfers have completed. */
  public long transfersServed() {
    return responder.transfersServed();
  }

  /**
   * Sends a NOTIFY for a zone held here to one secondary (RFC 1996 section 3.7): opcode NOTIFY,
   * AA, the question {@code zone SOA IN} and the current apex SOA in the answer section, from an
   * ephemeral UDP port of the server's address; TSIG-signed when {@link Builder#notifyKey} was
   * set. Without an answer it is sent again after 1, 2, 4 and 8 s, and given up 16 s after the
   * fifth transmission. An answer must come from {@code target}, match the ID and question, have
   * QR and opcode NOTIFY, and be signed when a key is set (an unsigned NOERROR is then ignored as
   * possibly forged).
   *
   * @param target the secondary's address and port
   * @param zone the zone's apex
   * @return completes with the round-trip time of the answered transmission; fails with a
   *     {@link org.zonesync.api.TransferTimeoutException} when no answer came, a {@link
   *     org.zonesync.api.TransferRefusedException} for an error rcode, a {@link
   *     org.zonesync.api.TsigVerificationException} for a signed answer that does not verify, or
   *     a {@link org.zonesync.api.TransferConnectionException} when the socket fails or the
   *     server closes. Cancelling it stops the retransmissions.
   * @throws IllegalArgumentException if the zone is not held here
   * @throws IllegalStateException if the server is closed
   * @throws java.io.UncheckedIOException if the NOTIFY socket cannot be opened
   */
  public CompletableFuture<Duration> notify(InetSocketAddress target, Name zone) {
    requireNonNull(target, "target");
    requireNonNull(zone, "zone");
    Optional<CompactZone> held = Optional.ofNullable(zones.get(zone))
        .flatMap(MemoryServedZone::current);
    if (held.isEmpty()) {
      throw new IllegalArgumentException("zone " + zone + " is not served here");
    }
    return notifier().send(target, held.get().soa());
  }

  /**
   * Publishes a new version of a zone, then sends a NOTIFY for it to each target, as a primary
   * does after a change (RFC 1996 section 4.7).
   *
   * @param zone the snapshot
   * @param targets the secondaries
   * @return one future per target, in order, as {@link #notify(InetSocketAddress, Name)}
   * @throws IllegalStateException if the server is closed
   * @throws java.io.UncheckedIOException if the NOTIFY socket cannot be opened
   */
  public List<CompletableFuture<Duration>> publishAndNotify(ZoneSnapshot zone,
      List<InetSocketAddress> targets) {
    requireNonNull(zone, "zone");
    List<InetSocketAddress> to = List.copyOf(targets);
    publish(zone);
    List<CompletableFuture<Duration>> sent = new ArrayList<>(to.size());
    for (InetSocketAddress t : to) {
      sent.add(notify(t, zone.origin()));
    }
    return List.copyOf(sent);
  }

  private synchronized NotifySender notifier() {
    if (closed) {
      throw new IllegalStateException("transfer server on " + address() + " is closed");
    }
    NotifySender n = notifier;
    if (n == null) {
      try {
        n = new NotifySender(listener.localAddress().getAddress(), notifyKey, clock,
            System::nanoTime, notifyTimeout);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot open the notify socket: " + e.getMessage(),
            e);
      }
      notifier = n;
    }
    return n;
  }

  /**
   * Stops accepting, closes the UDP socket and open connections, stops NOTIFY out (waiting
   * NOTIFYs fail) and waits up to 5 s for the threads to end. Idempotent.
   */
  @Override
  public void close() {
    NotifySender n;
    synchronized (this) {
      closed = true;
      n = notifier;
    }
    if (n != null) {
      n.close();
    }
    listener.close();
  }

  /** Configures a {@link TransferServer}. Not thread-safe; the built server is. */
  public static final class Builder {
    private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final List<ZoneSnapshot> zones = new ArrayList<>();
    private TsigKeyring keyring = TsigKeyring.of();
    private List<TsigKey> keys = List.of();
    private final List<InetAddress> allowUnsigned = new ArrayList<>();
    private InstantSource clock = InstantSource.system();
    private int maxMessageSize = XfrOut.Limits.DEFAULT.messageSize();
    private int maxConnections = 10;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private @Nullable TsigKey notifyKey;
    private Duration notifyTimeout = NotifySender.DEFAULT_INITIAL_TIMEOUT;

    private Builder() {
    }

    /**
     * Sets where to listen, on TCP and UDP; default 127.0.0.1 on a port free for both.
     *
     * @param address the address
     * @return this
     */
    public Builder listen(InetSocketAddress address) {
      this.address = requireNonNull(address, "address");
      return this;
    }

    /**
     * Adds a zone to serve.
     *
     * @param zone the snapshot
     * @return this
     */
    public Builder zone(ZoneSnapshot zone) {
      zones.add(requireNonNull(zone, "zone"));
      return this;
    }

    /**
     * Sets the keys that may sign transfer requests; answers are signed with the request's key.
     *
     * @param keys the keys
     * @return this
     */
    public Builder keys(TsigKey... keys) {
      this.keyring = TsigKeyring.of(keys);
      this.keys = List.of(keys);
      return this;
    }

    /**
     * Lets unsigned requests from this address transfer zones. Default: none.
     *
     * @param address the client address
     * @return this
     */
    public Builder allowUnsigned(InetAddress address) {
      allowUnsigned.add(requireNonNull(address, "address"));
      return this;
    }

    /**
     * Signs every NOTIFY sent with this key (RFC 8945), and requires the answers to be signed
     * with it. Default: NOTIFYs are unsigned.
     *
     * @param key the key
     * @return this
     */
    public Builder notifyKey(TsigKey key) {
      this.notifyKey = requireNonNull(key, "key");
      return this;
    }

    /**
     * For tests: the first NOTIFY timeout, default 1 s; each retry waits twice as long.
     *
     * @param initial 1 ms to 1 h
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    Builder notifyTimeout(Duration initial) {
      if (initial.toMillis() < 1 || initial.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("notify timeout must be 1 ms..1 h: " + initial);
      }
      this.notifyTimeout = initial;
      return this;
    }

    /**
     * Sets the wall clock for TSIG; default the system clock.
     *
     * @param clock the clock
     * @return this
     */
    public Builder clock(InstantSource clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the largest message, TSIG included (BIND {@code transfer-message-size}); default
     * 16384, the largest size whose every name can be compressed against any earlier one.
     *
     * @param bytes 512 to 65535
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 512 || bytes > 65535) {
        throw new IllegalArgumentException("message size must be 512..65535: " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * Sets how many connections are served at once; default 10.
     *
     * @param n at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1: " + n);
      }
      this.maxConnections = n;
      return this;
    }

    /**
     * Builds and starts the server.
     *
     * @return the running server
     * @throws IOException if the address cannot be bound for both TCP and UDP
     */
    public TransferServer start() throws IOException {
      return new TransferServer(this);
    }
  }
}
