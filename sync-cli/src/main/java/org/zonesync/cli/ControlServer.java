// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zonesync.core.ZoneSync;

/**
 * The control socket of a running {@code zonesync mirror}: a Unix-domain stream socket, mode
 * 0600, that answers one request per connection, as {@code rndc} and {@code knotc} do.
 *
 * <p>Protocol: the client sends one line of printable ASCII, at most {@link #MAX_REQUEST} bytes
 * before the line break: {@code status}, {@code status ZONE}, {@code refresh ZONE} or {@code
 * retransfer ZONE}. The server answers text lines and closes the connection; the first line is
 * {@code ok} or {@code error: REASON}. {@code status} is followed by the {@link StatusText} of
 * each zone, with the {@link ServingText} of zones served onward and the serving totals (sorted
 * by name, at most {@link #MAX_ANSWER} bytes in all, then a {@code truncated:}
 * line); {@code refresh} and {@code retransfer} answer once the work is queued, without waiting
 * for the transfer, whose outcome shows as an event line and in {@code status}.
 *
 * <p>Bounds: a client that has not sent its line within {@link #TIMEOUT_MILLIS} is answered
 * with an error; a line longer than {@link #MAX_REQUEST} bytes, or with a control or non-ASCII
 * byte, too. One daemon thread accepts; requests are served on at most {@link #MAX_CLIENTS}
 * daemon threads at once; a client beyond those is answered {@code error: busy} by one more
 * thread (after its request is read, at most 1 s), and beyond {@link #REJECT_QUEUE} of those
 * it is closed unanswered. Thread-safe.
 */
final class ControlServer implements AutoCloseable {

  /** The longest request line, without its line break. */
  static final int MAX_REQUEST = 1024;
  /** How long a client has to send its line, and to take the answer. */
  static final long TIMEOUT_MILLIS = 5_000;
  /** Clients served at once. */
  static final int MAX_CLIENTS = 4;
  /** The longest answer, in bytes. */
  static final int MAX_ANSWER = 1 << 20;
  /** Clients beyond {@link #MAX_CLIENTS} waiting to be told "busy"; more are just closed. */
  static final int REJECT_QUEUE = 16;

  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private final Path path;
  private final ControlAnswers answers;
  private final ServerSocketChannel channel;
  private final ThreadPoolExecutor workers;
  private final ThreadPoolExecutor rejecter;
  private final Semaphore permits = new Semaphore(MAX_CLIENTS);
  private final Thread acceptor;
  private volatile boolean closed;

  private ControlServer(Path path, ControlAnswers answers, ServerSocketChannel channel) {
    this.path = path;
    this.answers = answers;
    this.channel = channel;
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(MAX_CLIENTS, MAX_CLIENTS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "zonesync-control-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    workers.allowCoreThreadTimeOut(true);
    this.rejecter = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(REJECT_QUEUE), r -> {
          Thread t = new Thread(r, "zonesync-control-busy");
          t.setDaemon(true);
          return t;
        });
    rejecter.allowCoreThreadTimeOut(true);
    this.acceptor = new Thread(this::acceptLoop, "zonesync-control");
    acceptor.setDaemon(true);
  }

  /**
   * Binds the socket (mode 0600) and starts accepting. A stale socket left by a process that
   * died is removed; anything else at {@code path} is left alone.
   *
   * @param path where the socket goes
   * @param sync the engine the requests act on
   * @param clock for the distances in {@code status}
   * @return the running server
   * @throws IOException if {@code path} exists and is not a socket, another process listens on
   *     it, or binding fails
   */
  static ControlServer start(Path path, ZoneSync sync, InstantSource clock) throws IOException {
    return start(path, sync, clock, ServingText.Served.NONE);
  }

  /**
   * Binds the socket as {@link #start(Path, ZoneSync, InstantSource)} does, for an engine that
   * also serves zones onward: {@code status} shows them ({@link ServingText}).
   *
   * @param path where the socket goes
   * @param sync the engine the requests act on
   * @param clock for the distances in {@code status}
   * @param served the zones served onward
   * @return the running server
   * @throws IOException as {@link #start(Path, ZoneSync, InstantSource)}
   */
  static ControlServer start(Path path, ZoneSync sync, InstantSource clock,
      ServingText.Served served) throws IOException {
    removeStale(path);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(path), MAX_CLIENTS * 2);
      // at once: between bind and here the mode is the umask's
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
    ControlServer s = new ControlServer(path, new ControlAnswers(sync, clock, served), ch);
    s.acceptor.start();
    return s;
  }

  private static void removeStale(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new IOException(path + " exists and is not a socket; not replacing it");
    }
    boolean listening;
    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      listening = c.isConnected();
    } catch (ConnectException e) {
      listening = false; // nobody accepts: left by a process that died
    }
    if (listening) {
      throw new IOException("another process listens on control socket " + path);
    }
    Files.delete(path);
  }

  /** Whether {@code path} itself (not a link's target) is a socket. */
  static boolean isSocket(Path path) throws IOException {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & S_IFMT) == S_IFSOCK;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isOther();
    }
  }

  /** Returns the socket's path. */
  Path path() {
    return path;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel c;
      try {
        c = channel.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("control socket {}: accept failed: {}", path, e.toString());
        }
        return;
      }
      if (!permits.tryAcquire()) {
        reject(c);
        continue;
      }
      try {
        workers.execute(() -> {
          try {
            send(c, answerOf(c));
          } finally {
            // before the close: a client that has seen the end of its answer finds the permit
            permits.release();
            close(c);
          }
        });
      } catch (RejectedExecutionException e) {
        permits.release();
        close(c); // closing down
      }
    }
  }

  /**
   * Answers "busy" on the rejecter thread, after reading the request: closing a Unix socket
   * with unread bytes resets the connection, and the client would lose the answer.
   */
  private void reject(SocketChannel c) {
    try {
      rejecter.execute(() -> {
        try {
          c.configureBlocking(false);
          ControlIo.read(c, ByteBuffer.allocate(MAX_REQUEST + 1), ControlIo.deadline(1_000),
              false);
          send(c, "error: busy: " + MAX_CLIENTS + " clients are being served\n");
        } catch (IOException e) {
          LOG.debug("control socket {}: {}", path, e.toString());
        } finally {
          close(c);
        }
      });
    } catch (RejectedExecutionException e) {
      close(c); // more than REJECT_QUEUE waiting to be told: no answer at all
    }
  }

  /** Reads the request line and answers it. */
  private String answerOf(SocketChannel c) {
    ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST + 1);
    ControlIo.End end;
    try {
      c.configureBlocking(false);
      end = ControlIo.read(c, buf, ControlIo.deadline(TIMEOUT_MILLIS), false);
    } catch (IOException e) {
      return "error: cannot read the request: " + e.getMessage() + "\n";
    }
    int len = buf.position();
    for (int i = 0; i < len; i++) {
      if (buf.get(i) == '\n') {
        len = i;
        break;
      }
    }
    if (end == ControlIo.End.FULL && len > MAX_REQUEST) {
      return "error: request longer than " + MAX_REQUEST + " bytes\n";
    }
    if (end == ControlIo.End.TIMEOUT) {
      return "error: no request line within " + TIMEOUT_MILLIS / 1000 + " s\n";
    }
    if (len > 0 && buf.get(len - 1) == '\r') {
      len--;
    }
    for (int i = 0; i < len; i++) {
      byte b = buf.get(i);
      if (b < 0x20 || b > 0x7e) {
        return "error: request has a control or non-ASCII byte at offset " + i + "\n";
      }
    }
    return answer(new String(buf.array(), 0, len, US_ASCII));
  }

  /**
   * Answers one request line.
   *
   * @param request the line, without its line break
   * @return the answer: {@code ok} or {@code error: ...}, then lines, each ending in a line break
   */
  String answer(String request) {
    return answers.answer(request);
  }

  private void close(SocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("control socket {}: close: {}", path, e.toString());
    }
  }

  private void send(SocketChannel c, String answer) {
    try {
      c.configureBlocking(false);
      if (!ControlIo.write(c, ByteBuffer.wrap(answer.getBytes(UTF_8)),
          ControlIo.deadline(TIMEOUT_MILLIS))) {
        LOG.debug("control socket {}: client did not take its answer in time", path);
      }
    } catch (IOException e) {
      LOG.debug("control socket {}: {}", path, e.toString());
    }
  }

  /** Stops accepting, ends the worker threads and removes the socket file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("control socket {}: close: {}", path, e.toString());
    }
    workers.shutdownNow();
    rejecter.shutdownNow();
    try {
      acceptor.join(5_000);
      workers.awaitTermination(TIMEOUT_MILLIS * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.warn("control socket {}: cannot remove: {}", path, e.toString());
      }
    }
  }
}
