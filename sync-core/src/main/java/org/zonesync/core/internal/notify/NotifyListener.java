// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.zonesync.api.Primary;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.notify.Outcome.Reason;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.xfr.XfrOut;

/**
 * Receives NOTIFY on UDP and TCP (RFC 1996 section 3.1, RFC 7766) on one address and port, hands
 * each message to a {@link NotifyHandler}, sends its answer back and reports each accepted NOTIFY
 * to a callback. For standalone use; a host DNS server calls the handler itself.
 *
 * <p>Threads (daemon, named {@code zonesync-notify-<n>-udp}, {@code -tcp-accept} and {@code
 * -tcp-<i>}): one for UDP, one accepting TCP connections, and one per open connection, at most
 * {@code maxConnections}; a connection beyond that is closed at once and counted. A connection is
 * closed after {@code idleTimeout} without a complete message, and when writing an answer stays
 * blocked that long (a peer that does not read). Messages are at most 65535 bytes. The callback
 * runs on these threads and must not block; an exception it throws is logged and ignored.
 */
public final class NotifyListener implements Closeable {
  /** The default number of concurrent TCP connections. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16;
  /** The default TCP idle timeout (Knot's {@code tcp-idle-timeout} is 10 s). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

  private static final int MAX_MESSAGE = 65535;
  private static final int BIND_ATTEMPTS = 5;
  private static final long CLOSE_DEADLINE_MILLIS = 5000;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final NotifyHandler handler;
  private final BiConsumer<InetSocketAddress, Outcome> onOutcome;
  private final long idleNanos;
  private final long writeNanos;
  private final @Nullable XfrOut queries;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final String threadPrefix;
  private final Semaphore slots;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger connectionSeq = new AtomicInteger();
  private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);
  private final LongAdder connectionsRefused = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();
  private final Thread udpThread;
  private final Thread acceptThread;

  /**
   * Binds UDP and TCP on {@code bind} with the default limits and starts the threads.
   *
   * @param bind the address; with port 0 a free port is chosen, the same for UDP and TCP
   * @param handler decides about each message
   * @param onOutcome told about each message's outcome, on a listener thread; must not block
   * @throws IOException if the sockets cannot be bound
   */
  public NotifyListener(InetSocketAddress bind, NotifyHandler handler,
      BiConsumer<InetSocketAddress, Outcome> onOutcome) throws IOException {
    this(bind, handler, onOutcome, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * Binds UDP and TCP on {@code bind} and starts the threads, without a query path.
   *
   * @param bind the address; with port 0 a free port is chosen, the same for UDP and TCP
   * @param handler decides about each message
   * @param onOutcome told about each message's outcome, on a listener thread; must not block
   * @param idleTimeout how long a TCP connection may wait for a message or a write, at least 1 ms
   * @param maxConnections how many TCP connections are served at once, at least 1
   * @throws IOException if the sockets cannot be bound
   * @throws IllegalArgumentException if a limit is out of range
   */
  public NotifyListener(InetSocketAddress bind, NotifyHandler handler,
      BiConsumer<InetSocketAddress, Outcome> onOutcome, Duration idleTimeout, int maxConnections)
      throws IOException {
    this(bind, handler, onOutcome, idleTimeout, idleTimeout, maxConnections, null);
  }

  /**
   * Binds UDP and TCP on {@code bind} and starts the threads.
   *
   * @param bind the address; with port 0 a free port is chosen, the same for UDP and TCP
   * @param handler decides about each message
   * @param onOutcome told about each message's outcome, on a listener thread; must not block
   * @param idleTimeout how long a TCP connection may wait for a message, at least 1 ms
   * @param writeTimeout how long one answer message may stay blocked in a write (a reader that
   *     stops reading), at least 1 ms
   * @param maxConnections how many TCP connections are served at once, at least 1
   * @param queries answers every message that is not a NOTIFY (SOA queries, AXFR, IXFR), or
   *     null to give them to the handler too
   * @throws IOException if the sockets cannot be bound
   * @throws IllegalArgumentException if a limit is out of range
   */
  public NotifyListener(InetSocketAddress bind, NotifyHandler handler,
      BiConsumer<InetSocketAddress, Outcome> onOutcome, Duration idleTimeout,
      Duration writeTimeout, int maxConnections, @Nullable XfrOut queries) throws IOException {
    requireNonNull(bind, "bind");
    if (writeTimeout.toMillis() < 1 || writeTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("write timeout " + writeTimeout
          + " is not 1 ms..24 days");
    }
    this.writeNanos = writeTimeout.toNanos();
    this.queries = queries;
    this.handler = requireNonNull(handler, "handler");
    this.onOutcome = requireNonNull(onOutcome, "onOutcome");
    if (idleTimeout.toMillis() < 1 || idleTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("idle timeout " + idleTimeout + " is not 1 ms..24 days");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("max connections " + maxConnections + " is below 1");
    }
    this.idleNanos = idleTimeout.toNanos();
    this.slots = new Semaphore(maxConnections);
    for (Reason r : Reason.values()) {
      counts.put(r, new LongAdder());
    }
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int attempt = 1; t == null; attempt++) {
      u = new DatagramSocket(bind);
      try {
        t = new ServerSocket();
        t.setReuseAddress(true);
        t.bind(new InetSocketAddress(bind.getAddress(), u.getLocalPort()), 64);
        // the accept loop's tick also sweeps stuck writers: a fraction of the write timeout
        t.setSoTimeout((int) Math.max(1, Math.min(Math.min(1000, idleTimeout.toMillis() / 2),
            writeTimeout.toMillis() / 4)));
      } catch (IOException e) {
        closeQuietly(t);
        t = null;
        u.close();
        // Another process took the TCP side of the port UDP chose: pick another port.
        if (!(e instanceof BindException) || bind.getPort() != 0 || attempt == BIND_ATTEMPTS) {
          throw e;
        }
      }
    }
    this.udp = u;
    try {
      // a NOTIFY burst should queue in the kernel rather than be dropped (the OS may cap this)
      u.setReceiveBufferSize(1 << 20);
    } catch (java.net.SocketException e) {
      Loggers.NOTIFY.debug("cannot enlarge the notify receive buffer: {}", e.getMessage());
    }
    this.tcp = t;
    this.threadPrefix = "zonesync-notify-" + INSTANCES.incrementAndGet() + "-";
    this.udpThread = newThread("udp", this::serveUdp);
    this.acceptThread = newThread("tcp-accept", this::acceptTcp);
    udpThread.start();
    acceptThread.start();
    Loggers.NOTIFY.info("listening for notify on {} (udp and tcp)", Primary.format(localAddress()));
  }

  /**
   * Returns the bound address; UDP and TCP share the port.
   *
   * @return the address and port
   */
  public InetSocketAddress localAddress() {
    return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
  }

  /**
   * Returns how many messages ended for a reason, over both transports.
   *
   * @param reason the reason
   * @return the count
   */
  public long count(Reason reason) {
    return counts.get(reason).sum();
  }

  /**
   * Returns how many messages got no answer: dropped by the handler or failed to send.
   *
   * @return the count
   */
  public long dropped() {
    long n = sendFailures.sum();
    for (Reason r : Reason.values()) {
      if (r.dropped()) {
        n += counts.get(r).sum();
      }
    }
    return n;
  }

  /**
   * Returns how many TCP connections were closed at once because all slots were busy.
   *
   * @return the count
   */
  public long connectionsRefused() {
    return connectionsRefused.sum();
  }

  /** Returns the prefix of this listener's thread names, for tests. */
  String threadPrefix() {
    return threadPrefix;
  }

  /**
   * Stops receiving: closes every socket and waits up to 5 s for the threads to end. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    udp.close();
    closeQuietly(tcp);
    for (Connection c : connections) {
      closeQuietly(c.socket);
    }
    long deadline = System.nanoTime() + CLOSE_DEADLINE_MILLIS * 1_000_000L;
    // The accept thread first: once it has ended, no connection thread can be added.
    boolean interrupted = !join(acceptThread, deadline) | !join(udpThread, deadline);
    for (Thread th : threads) {
      interrupted |= !join(th, deadline);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for a thread until the deadline; returns false if interrupted. */
  private static boolean join(Thread th, long deadline) {
    boolean ok = true;
    try {
      th.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
    } catch (InterruptedException e) {
      ok = false;
    }
    if (th.isAlive()) {
      Loggers.NOTIFY.warn("notify listener thread {} did not stop within {} ms", th.getName(),
          CLOSE_DEADLINE_MILLIS);
    }
    return ok;
  }

  private void serveUdp() {
    byte[] buf = new byte[MAX_MESSAGE];
    DatagramPacket packet = new DatagramPacket(buf, buf.length);
    while (!closed.get()) {
      packet.setData(buf, 0, buf.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (closed.get() || udp.isClosed()) {
          return;
        }
        Loggers.NOTIFY.debug("notify udp receive failed: {}", e.getMessage());
        continue;
      }
      InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
      byte @Nullable [] answer = isQuery(buf, packet.getLength()) && queries != null
          ? queries.answerDatagram(buf, packet.getLength(), from).orElse(null)
          : deliver(buf, packet.getLength(), from);
      if (answer != null) {
        try {
          udp.send(new DatagramPacket(answer, answer.length, from));
        } catch (IOException e) {
          sendFailures.increment();
        }
      }
    }
  }

  private void acceptTcp() {
    while (!closed.get()) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (SocketTimeoutException e) {
        reapStuckWriters();
        continue;
      } catch (IOException e) {
        if (closed.get() || tcp.isClosed()) {
          return;
        }
        Loggers.NOTIFY.debug("notify tcp accept failed: {}", e.getMessage());
        continue;
      }
      reapStuckWriters();
      threads.removeIf(th -> th != udpThread && th != acceptThread && !th.isAlive());
      if (!slots.tryAcquire()) {
        connectionsRefused.increment();
        closeQuietly(s);
        continue;
      }
      Connection c = new Connection(s);
      connections.add(c);
      if (closed.get()) {
        // close() may have walked the set before this connection joined it.
        closeQuietly(s);
      }
      newThread("tcp-" + connectionSeq.incrementAndGet(), () -> serveTcp(c)).start();
    }
  }

  private void serveTcp(Connection c) {
    Socket s = c.socket;
    InetSocketAddress from = (InetSocketAddress) s.getRemoteSocketAddress();
    try {
      s.setSoTimeout((int) Math.max(1, idleNanos / 1_000_000L));
      s.setTcpNoDelay(true);
      TcpMessageInput in = new TcpMessageInput(s.getInputStream(), MAX_MESSAGE);
      // larger than any framed message: the last message of a transfer stays buffered until the
      // flush after it is counted, so a client never sees a transfer end before the counters do
      OutputStream out = new BufferedOutputStream(new ProgressOutput(s.getOutputStream(), c),
          1 << 17);
      byte[] buf = new byte[MAX_MESSAGE];
      while (!closed.get()) {
        c.readingSince = System.nanoTime() | 1; // a whole message within the idle timeout
        int n = in.next(buf);
        c.readingSince = 0;
        if (n < 0) {
          break;
        }
        XfrOut q = queries;
        if (q != null && isQuery(buf, n)) {
          boolean[] pending = {false};
          q.respond(buf, n, from, true, (m, len) -> {
            c.writingSince = System.nanoTime() | 1;
            if (pending[0]) {
              // send each message as soon as the next is ready, so the client parses while we
              // encode; the last stays buffered until it is counted (the flush below)
              out.flush();
            }
            out.write(len >>> 8);
            out.write(len);
            out.write(m, 0, len);
            pending[0] = true;
          });
          c.writingSince = System.nanoTime() | 1;
          out.flush();
          c.writingSince = 0;
          continue;
        }
        byte @Nullable [] answer = deliver(buf, n, from);
        if (answer != null) {
          c.writingSince = System.nanoTime() | 1; // never 0, which means "not writing"
          out.write(answer.length >>> 8);
          out.write(answer.length);
          out.write(answer);
          out.flush();
          c.writingSince = 0;
        }
      }
    } catch (RuntimeException e) {
      Loggers.XFER_OUT.warn("connection from {} failed unexpectedly", Primary.format(from), e);
    } catch (IOException | WireFormatException e) {
      // Idle timeout, a bad length prefix, a reset or our own close: the connection ends.
      Loggers.NOTIFY.debug("notify tcp connection from {} ended: {}", Primary.format(from),
          e.getMessage());
    } finally {
      closeQuietly(s);
      connections.remove(c);
      slots.release();
    }
  }

  /**
   * Closes connections whose write has made no progress for longer than the write timeout (a
   * reader that stopped reading), and those that took longer than the idle timeout to send a
   * whole message (a client trickling bytes to hold a connection slot, which a per-read timeout
   * alone would not stop).
   */
  private void reapStuckWriters() {
    long now = System.nanoTime();
    for (Connection c : connections) {
      long since = c.writingSince;
      if (since != 0 && now - since > writeNanos) {
        Loggers.XFER_OUT.info("client {}: write blocked for over {} ms, connection closed",
            c.socket.getRemoteSocketAddress(), writeNanos / 1_000_000L);
        closeQuietly(c.socket);
      }
      long reading = c.readingSince;
      if (reading != 0 && now - reading > idleNanos) {
        Loggers.XFER_OUT.debug("client {}: no whole message within {} ms, connection closed",
            c.socket.getRemoteSocketAddress(), idleNanos / 1_000_000L);
        closeQuietly(c.socket);
      }
    }
  }

  /** Whether a message is not a NOTIFY (opcode 4), so the query path answers it. */
  private static boolean isQuery(byte[] buf, int len) {
    return len >= 3 && ((buf[2] >>> 3) & 0xF) != 4;
  }

  /** Runs the handler, counts the outcome, tells the callback; returns the answer to send. */
  private byte @Nullable [] deliver(byte[] buf, int len, InetSocketAddress from) {
    Outcome o = handler.handle(buf, len, from);
    counts.get(o.reason()).increment();
    try {
      onOutcome.accept(from, o);
    } catch (RuntimeException e) {
      Loggers.NOTIFY.warn("notify callback failed for {}", o.reason(), e);
    }
    return o.response().orElse(null);
  }

  private Thread newThread(String name, Runnable body) {
    Thread th = new Thread(body, threadPrefix + name);
    th.setDaemon(true);
    threads.add(th);
    return th;
  }

  private static void closeQuietly(@Nullable Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // Closing is best effort; nothing is left to do with this socket.
      }
    }
  }

  /** One TCP connection, for close() and the stuck-writer sweep. */
  private static final class Connection {
    final Socket socket;
    /** System.nanoTime() of the current write's last progress, or 0 when not writing. */
    volatile long writingSince;
    /** System.nanoTime() when waiting for the next message began, or 0 when not waiting. */
    volatile long readingSince;

    Connection(Socket socket) {
      this.socket = socket;
    }
  }

  /**
   * Writes to the socket in chunks, marking progress after each, so the write timeout measures
   * a write that does not move rather than one large buffer flushed to a slow reader.
   */
  private static final class ProgressOutput extends java.io.FilterOutputStream {
    private static final int CHUNK = 16 * 1024;
    private final Connection c;

    ProgressOutput(OutputStream out, Connection c) {
      super(out);
      this.c = c;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int p = off; p < off + len; p += CHUNK) {
        out.write(b, p, Math.min(CHUNK, off + len - p));
        if (c.writingSince != 0) {
          c.writingSince = System.nanoTime() | 1;
        }
      }
    }
  }

  /** Counter of messages seen, for tests and stats: every reason summed. */
  long received() {
    long n = 0;
    for (LongAdder a : counts.values()) {
      n += a.sum();
    }
    return n;
  }
}
