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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigKey;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * One AXFR exchange over TCP (RFC 5936 section 4): connect, send the (signed) query, read and
 * validate length-prefixed messages until the closing SOA, and return the new zone.
 *
 * <p>Limits: connect timeout; idle timeout per read; whole-transfer deadline, enforced on every
 * read (a primary that drips one byte just inside the idle limit still hits the deadline).
 * {@link #cancel()} closes the socket from another thread; the blocked read then fails.
 */
public final class AxfrClient {

  private static final SecureRandom IDS = new SecureRandom();

  /** What an AXFR produced. */
  public record Result(CompactZone zone, long messages, long records, long bytes,
      Duration duration) {
  }

  /** Receives progress after each message; called on the transfer's thread. */
  @FunctionalInterface
  public interface Progress {
    /** No progress reports. */
    Progress NONE = (m, r, b) -> { };

    /**
     * Reports the running totals.
     *
     * @param messages messages so far
     * @param records records so far
     * @param bytes bytes so far
     */
    void update(long messages, long records, long bytes);
  }

  private final Name zone;
  private final Primary primary;
  private final TransferLimits limits;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private volatile @Nullable Socket socket;
  private volatile boolean cancelled;

  /**
   * Prepares a transfer.
   *
   * @param zone the zone to transfer
   * @param primary where from, and the key if signed
   * @param limits the bounds
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadlines, as {@link System#nanoTime()}
   */
  public AxfrClient(Name zone, Primary primary, TransferLimits limits, InstantSource clock,
      LongSupplier nanoTime) {
    this.zone = requireNonNull(zone, "zone");
    this.primary = requireNonNull(primary, "primary");
    this.limits = requireNonNull(limits, "limits");
    this.clock = requireNonNull(clock, "clock");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  /** Closes the connection of a running transfer; it then fails. Idempotent. */
  public void cancel() {
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
   * Runs the transfer.
   *
   * @param progress called after every message
   * @return the validated zone and the figures
   * @throws TransferException on any failure; nothing has been published
   */
  public Result run(Progress progress) throws TransferException {
    InetSocketAddress remote = primary.address();
    long start = nanoTime.getAsLong();
    long deadline = start + limits.transferTimeout().toNanos();
    int id = IDS.nextInt(0x10000);
    byte[] query = query(id);
    TsigStreamVerifier verifier = null;
    TsigKey key = primary.key().orElse(null);
    if (key != null) {
      SignedMessage signed = Tsig.signRequest(key, query, 0, query.length, clock);
      query = signed.message();
      verifier = new TsigStreamVerifier(key, signed.mac(), clock);
    }
    AxfrStream stream = new AxfrStream(zone, id, limits, verifier, remote);
    try (Socket s = new Socket()) {
      socket = s;
      if (cancelled) {
        throw new TransferConnectionException("transfer cancelled", zone, remote, null);
      }
      connect(s, remote);
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
          break;
        }
      }
      CompactZone result = stream.result();
      return new Result(result, stream.messages(), stream.records(), stream.bytes(),
          Duration.ofNanos(nanoTime.getAsLong() - start));
    } catch (DeadlineInputStream.Expired e) {
      throw new TransferTimeoutException(TransferTimeoutException.Kind.TRANSFER,
          limits.transferTimeout(), zone, remote);
    } catch (SocketTimeoutException e) {
      throw new TransferTimeoutException(TransferTimeoutException.Kind.IDLE,
          limits.idleTimeout(), zone, remote);
    } catch (WireFormatException e) {
      throw new org.zonesync.api.MalformedTransferException(e.getMessage(),
          stream.messages() + 1, stream.records(), zone, remote);
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

  private void connect(Socket s, InetSocketAddress remote) throws TransferException {
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

  private byte[] query(int id) {
    MessageWriter w = new MessageWriter(512);
    w.start(id, 0, 512);
    byte[] name = zone.toWire();
    w.question(name, 0, name.length, Type.AXFR, DClass.IN);
    int len = w.finish();
    return java.util.Arrays.copyOf(w.buffer(), len);
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
