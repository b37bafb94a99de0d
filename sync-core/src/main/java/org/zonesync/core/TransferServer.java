// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.zonesync.core.internal.Loggers;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.xfr.TransferResponder;
import org.zonesync.tsig.TsigKeyring;

/**
 * Serves AXFR of the snapshots it is given over TCP: the embedded primary of
 * {@code zonesync demo} and of tests. Outgoing transfer is denied by default: a request must be
 * signed with a key of the keyring, or come from an address given to
 * {@link Builder#allowUnsigned}. (Full serving — IXFR out, ACL prefixes, quotas, NOTIFY out —
 * arrives with the serving issue.)
 *
 * <p>Thread-safe. {@link #publish} swaps a zone atomically; a transfer already running finishes
 * on the snapshot it started with.
 *
 * @since 0.1
 */
public final class TransferServer implements AutoCloseable {

  private static final Logger LOG = Loggers.XFER_OUT;

  private final ServerSocket socket;
  private final TransferResponder responder;
  private final ExecutorService workers;
  private final Semaphore connections;
  private final Duration idleTimeout;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TransferServer(Builder b) throws IOException {
    this.responder = new TransferResponder(b.keyring, Set.copyOf(b.allowUnsigned), b.clock,
        b.maxMessageSize);
    for (ZoneSnapshot z : b.zones) {
      responder.publish(z);
    }
    this.idleTimeout = b.idleTimeout;
    this.connections = new Semaphore(b.maxConnections);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "zonesync-xfer-out-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(b.address, 64);
    this.acceptor = new Thread(this::acceptLoop, "zonesync-xfer-out-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    LOG.info("serving AXFR on {} for {} zone(s)", address(), b.zones.size());
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /**
   * Publishes a new version of a zone (or a new zone); transfers that start afterwards get it.
   *
   * @param zone the snapshot
   */
  public void publish(ZoneSnapshot zone) {
    responder.publish(zone);
  }

  /** Returns how many outgoing transfers have completed. */
  public long transfersServed() {
    return responder.transfersServed();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("accept failed on {}: {}", address(), e.toString());
        }
        continue;
      }
      if (!connections.tryAcquire()) {
        LOG.warn("client {}: refused, {} connections already open", s.getRemoteSocketAddress(),
            open.size());
        closeQuietly(s);
        continue;
      }
      open.add(s);
      workers.execute(() -> {
        try {
          serve(s);
        } finally {
          open.remove(s);
          closeQuietly(s);
          connections.release();
        }
      });
    }
  }

  private void serve(Socket s) {
    try {
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
      s.setTcpNoDelay(true);
      OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
      responder.serveTcp(s.getInputStream(), out,
          (InetSocketAddress) s.getRemoteSocketAddress());
      out.flush();
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("client {}: {}", s.getRemoteSocketAddress(), e.toString());
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      LOG.debug("close failed: {}", e.toString());
    }
  }

  /** Stops accepting, closes open connections and waits up to 5 s for workers to end. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("close failed: {}", e.toString());
    }
    for (Socket s : List.copyOf(open)) {
      closeQuietly(s);
    }
    workers.shutdown();
    try {
      acceptor.join(5000);
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link TransferServer}. Not thread-safe; the built server is. */
  public static final class Builder {
    private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final List<ZoneSnapshot> zones = new ArrayList<>();
    private TsigKeyring keyring = TsigKeyring.of();
    private final List<InetAddress> allowUnsigned = new ArrayList<>();
    private InstantSource clock = InstantSource.system();
    private int maxMessageSize = 65535;
    private int maxConnections = 10;
    private Duration idleTimeout = Duration.ofSeconds(30);

    private Builder() {
    }

    /**
     * Sets where to listen; default 127.0.0.1 on a free port.
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
     * Sets the largest message, TSIG included (BIND {@code transfer-message-size}); default 65535.
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
     * @throws IOException if the address cannot be bound
     */
    public TransferServer start() throws IOException {
      return new TransferServer(this);
    }
  }
}
