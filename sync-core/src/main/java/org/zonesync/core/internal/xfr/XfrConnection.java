// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;

/**
 * The TCP side of one incoming transfer (RFC 5936 section 4, RFC 1995, RFC 7766): connect, send
 * one framed query, read length-prefixed messages into a {@link MessageStream} until it says
 * the transfer is complete. Shared by {@link AxfrClient} and {@link IxfrClient}.
 *
 * <p>Limits: connect timeout; idle timeout per read; whole-transfer deadline, enforced on every
 * read (a primary that drips one byte just inside the idle limit still hits the deadline).
 * {@link #cancel()} closes the socket from another thread; the blocked read then fails. Every
 * failure is a typed {@link TransferException}.
 */
final class XfrConnection {

  /** Validates the messages of one response stream. */
  interface MessageStream {
    /**
     * Feeds the next message.
     *
     * @param msg the buffer
     * @param len the message length from index 0
     * @return true when the stream is complete and no more messages should be read
     * @throws TransferException if the message breaks a rule
     */
    boolean accept(byte[] msg, int len) throws TransferException;

    /** Returns the messages accepted so far. */
    long messages();

    /** Returns the answer records read so far. */
    long records();

    /** Returns the bytes read so far, length prefixes included. */
    long bytes();
  }

  private final Name zone;
  private final InetSocketAddress remote;
  private final TransferLimits limits;
  private final LongSupplier nanoTime;
  private volatile @Nullable Socket socket;
  private volatile boolean cancelled;

  XfrConnection(Name zone, InetSocketAddress remote, TransferLimits limits,
      LongSupplier nanoTime) {
    this.zone = requireNonNull(zone, "zone");
    this.remote = requireNonNull(remote, "remote");
    this.limits = requireNonNull(limits, "limits");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  /** Closes the connection of a running exchange; it then fails. Idempotent. */
  void cancel() {
    cancelled = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing to interrupt a blocked read: a failure to close changes nothing here
      }
    }
  }

  /**
   * Sends {@code query} and feeds the answer to {@code stream} until it is complete.
   *
   * @param query the (signed) query, unframed
   * @param deadline the {@code nanoTime} value at which the whole transfer must have ended
   * @param stream validates the answer
   * @param progress called after every message
   * @throws TransferException on any failure: connection, timeout, framing, or the stream's own
   */
  void exchange(byte[] query, long deadline, MessageStream stream, AxfrClient.Progress progress)
      throws TransferException {
    try (Socket s = new Socket()) {
      socket = s;
      if (cancelled) {
        throw new TransferConnectionException("transfer cancelled", zone, remote, null);
      }
      connect(s);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      byte[] framed = new byte[query.length + 2];
      framed[0] = (byte) (query.length >>> 8);
      framed[1] = (byte) query.length;
      System.arraycopy(query, 0, framed, 2, query.length);
      out.write(framed);
      out.flush();
      InputStream in = new DeadlineInputStream(s, limits.idleTimeout(), deadline, nanoTime);
      TcpMessageInput input = new TcpMessageInput(in, 65535);
      byte[] buf = new byte[65535];
      while (true) {
        int len = input.next(buf);
        if (len < 0) {
          throw new TransferConnectionException("connection closed by primary after "
              + stream.messages() + " messages, before the closing SOA", zone, remote, null);
        }
        boolean complete = stream.accept(buf, len);
        progress.update(stream.messages(), stream.records(), stream.bytes());
        if (complete) {
          return;
        }
      }
    } catch (DeadlineInputStream.Expired e) {
      throw new TransferTimeoutException(TransferTimeoutException.Kind.TRANSFER,
          limits.transferTimeout(), zone, remote);
    } catch (SocketTimeoutException e) {
      throw new TransferTimeoutException(TransferTimeoutException.Kind.IDLE,
          limits.idleTimeout(), zone, remote);
    } catch (WireFormatException e) {
      throw new MalformedTransferException(e.getMessage(), stream.messages() + 1,
          stream.records(), zone, remote);
    } catch (EOFException e) {
      throw new TransferConnectionException("stream ended inside message "
          + (stream.messages() + 1) + ": " + e.getMessage(), zone, remote, e);
    } catch (IOException e) {
      String what = cancelled ? "transfer cancelled" : String.valueOf(e.getMessage());
      throw new TransferConnectionException(what, zone, remote, e);
    } finally {
      socket = null;
    }
  }

  private void connect(Socket s) throws TransferException {
    try {
      s.connect(remote, (int) Math.min(Integer.MAX_VALUE, limits.connectTimeout().toMillis()));
    } catch (SocketTimeoutException e) {
      if (cancelled) {
        throw new TransferConnectionException("transfer cancelled", zone, remote, e);
      }
      throw new TransferTimeoutException(TransferTimeoutException.Kind.CONNECT,
          limits.connectTimeout(), zone, remote);
    } catch (IOException e) {
      String what = cancelled ? "transfer cancelled" : "cannot connect: " + e.getMessage();
      throw new TransferConnectionException(what, zone, remote, e);
    }
  }

  /** Reads from a socket with an idle limit per read and an overall deadline. */
  static final class DeadlineInputStream extends InputStream {
    /** The overall deadline passed. */
    static final class Expired extends IOException {
      private static final long serialVersionUID = 1L;

      Expired() {
        super("transfer deadline passed");
      }
    }

    private final Socket socket;
    private final InputStream in;
    private final long idleMillis;
    private final long deadline;
    private final LongSupplier nanoTime;
    private boolean deadlineFirst;

    DeadlineInputStream(Socket socket, Duration idle, long deadline, LongSupplier nanoTime)
        throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.idleMillis = Math.max(1, idle.toMillis());
      this.deadline = deadline;
      this.nanoTime = nanoTime;
    }

    private void arm() throws IOException {
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        throw new Expired();
      }
      long leftMillis = Math.max(1, (left + 999_999) / 1_000_000);
      deadlineFirst = leftMillis < idleMillis;
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE,
          deadlineFirst ? leftMillis : idleMillis));
    }

    @Override
    public int read() throws IOException {
      arm();
      try {
        return in.read();
      } catch (SocketTimeoutException e) {
        throw timeout(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      try {
        return in.read(b, off, len);
      } catch (SocketTimeoutException e) {
        throw timeout(e);
      }
    }

    private IOException timeout(SocketTimeoutException e) {
      // the timer that fired was the deadline's when it was the shorter of the two
      return deadlineFirst || deadline - nanoTime.getAsLong() <= 0 ? new Expired() : e;
    }
  }
}
