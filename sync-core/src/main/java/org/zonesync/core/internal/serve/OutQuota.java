// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the zone transfers being served at once: in total, and per client address. Non-blocking
 * and thread-safe: {@link #tryAcquire} either hands out a {@link Slot} at once or says no, and
 * the caller answers a refused request with REFUSED (or closes the connection) instead of
 * queueing it, as BIND does when transfers-out is reached.
 *
 * <p>Defaults: {@value #DEFAULT_TOTAL} in total, as BIND's transfers-out. {@value
 * #DEFAULT_PER_CLIENT} per client: a BIND secondary itself runs at most two transfers from one
 * primary at a time (transfers-per-ns, default 2), so a well-behaved secondary never hits this
 * limit, while one misbehaving or hostile client can hold at most a fifth of the total slots.
 * Knot has no per-client limit.
 *
 * <p>A client is its address without port: IPv4-mapped IPv6 addresses count as their IPv4
 * address. Clients with no slot in use are forgotten, so the bookkeeping is bounded by the total.
 * Check the {@link TransferAcl} before acquiring, so that denied clients cannot take slots.
 */
public final class OutQuota {

  /** Default limit on transfers out in total, BIND's transfers-out. */
  public static final int DEFAULT_TOTAL = 10;

  /** Default limit on transfers out to one client address. */
  public static final int DEFAULT_PER_CLIENT = 2;

  private final int total;
  private final int perClient;
  // Guarded by this. Transfers are rare and long, so one lock is simpler than lock-free counting
  // and checks both limits atomically. No entry is ever zero.
  private final Map<InetAddress, Integer> byClient = new HashMap<>();
  private int used;

  /**
   * A quota with the given limits.
   *
   * @param total the most transfers out at once
   * @param perClient the most transfers out at once to one client address
   * @throws IllegalArgumentException if a limit is below 1
   */
  public OutQuota(int total, int perClient) {
    if (total < 1) {
      throw new IllegalArgumentException("total transfers out must be at least 1, got " + total);
    }
    if (perClient < 1) {
      throw new IllegalArgumentException(
          "transfers out per client must be at least 1, got " + perClient);
    }
    this.total = total;
    this.perClient = perClient;
  }

  /**
   * A quota with {@link #DEFAULT_TOTAL} and {@link #DEFAULT_PER_CLIENT}.
   *
   * @return the quota
   */
  public static OutQuota withDefaults() {
    return new OutQuota(DEFAULT_TOTAL, DEFAULT_PER_CLIENT);
  }

  /**
   * Takes a slot for one transfer to {@code client}, if both limits allow. Never blocks.
   *
   * @param client the client's address (the port is not part of it)
   * @return the slot, to be closed when the transfer ends however it ends; empty if the total or
   *     the client's limit is reached
   */
  public Optional<Slot> tryAcquire(InetAddress client) {
    InetAddress key = AddressPrefix.canonical(client);
    synchronized (this) {
      int mine = byClient.getOrDefault(key, 0);
      if (used >= total || mine >= perClient) {
        return Optional.empty();
      }
      byClient.put(key, mine + 1);
      used++;
    }
    return Optional.of(new Slot(key));
  }

  private synchronized void release(InetAddress key) {
    Integer mine = byClient.get(key);
    if (mine == null) {
      throw new AssertionError("release without a slot for " + key.getHostAddress());
    }
    if (mine == 1) {
      byClient.remove(key);
    } else {
      byClient.put(key, mine - 1);
    }
    used--;
  }

  /**
   * The slots in use in total.
   *
   * @return the count
   */
  public synchronized int inUse() {
    return used;
  }

  /**
   * The slots in use by one client.
   *
   * @param client the client's address
   * @return the count, 0 for an unknown client
   */
  public int inUse(InetAddress client) {
    InetAddress key = AddressPrefix.canonical(client);
    synchronized (this) {
      return byClient.getOrDefault(key, 0);
    }
  }

  /**
   * The limit in total.
   *
   * @return the limit
   */
  public int total() {
    return total;
  }

  /**
   * The limit per client.
   *
   * @return the limit
   */
  public int perClient() {
    return perClient;
  }

  /** How many clients have a slot in use; tests use it to show that the map shrinks. */
  synchronized int trackedClients() {
    return byClient.size();
  }

  /** One transfer's claim on the quota; closing it releases the claim exactly once. */
  public final class Slot implements AutoCloseable {
    private final InetAddress client;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Slot(InetAddress client) {
      this.client = client;
    }

    /**
     * The client this slot counts against (IPv4-mapped addresses folded to IPv4).
     *
     * @return the address
     */
    public InetAddress client() {
      return client;
    }

    /** Releases the slot; later calls, from any thread, do nothing. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release(client);
      }
    }
  }
}
