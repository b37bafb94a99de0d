// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.Primary;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * Asks a primary for a zone's SOA, as BIND's refresh does (RFC 1034 section 4.3.5, RFC 1996
 * section 4.7).
 *
 * <p>Over UDP first, from a fresh socket on a kernel-chosen (random) port, with a random ID from
 * {@link SecureRandom}, RD clear, EDNS0 (RFC 6891) offering 1232 bytes and, when asked, the
 * EDNS EXPIRE option (RFC 7314); TSIG-signed when the primary has a key (RFC 8945). A datagram
 * from another address or port, or one that is not an answer to this query (see
 * {@link SoaResponse}), is ignored and counted, and the query keeps waiting until its timeout
 * (TESTPLAN A13, F7). A truncated answer is asked again over TCP (RFC 7766 section 5); silence
 * for the whole timeout leads to one TCP attempt with the same timeout, as BIND falls back to
 * TCP, and then to a {@link TransferTimeoutException}.
 *
 * <p>{@link #cancel()} closes the socket of a running query from another thread; it then fails
 * with a {@link TransferConnectionException}.
 */
public final class SoaQuery {

  private static final SecureRandom IDS = new SecureRandom();
  private static final int MAX_MESSAGE = 65535;

  /**
   * What the primary answered.
   *
   * @param serial the serial of {@code soa}
   * @param soa the apex SOA, as sent
   * @param expire the EDNS EXPIRE value of the answer (RFC 7314 section 2), when asked for and
   *     present
   * @param overTcp whether the answer came over TCP (after TC or UDP silence)
   * @param ignoredAnswers how many UDP datagrams were ignored as not answering this query
   */
  public record Result(SerialNumber serial, SOARecord soa, Optional<Duration> expire,
      boolean overTcp, int ignoredAnswers) {
    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if {@code serial} differs from the SOA's or
     *     {@code ignoredAnswers} is negative
     */
    public Result {
      requireNonNull(serial, "serial");
      requireNonNull(soa, "soa");
      requireNonNull(expire, "expire");
      if (serial.value() != soa.getSerial()) {
        throw new IllegalArgumentException("serial " + serial + " differs from the soa serial "
            + soa.getSerial());
      }
      if (ignoredAnswers < 0) {
        throw new IllegalArgumentException("ignored answers " + ignoredAnswers + " is negative");
      }
    }
  }

  private final Name zone;
  private final Primary primary;
  private final InetSocketAddress remote;
  private final Duration timeout;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final boolean requestExpire;
  private final boolean edns;
  private volatile @Nullable Closeable socket;
  private volatile boolean cancelled;

  /**
   * Prepares a query; {@link #run()} sends it.
   *
   * @param zone the zone
   * @param primary where to ask, and the TSIG key if any
   * @param timeout how long to wait for an answer, per transport
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadline, as {@link System#nanoTime()}
   * @param requestExpire whether to ask for the EDNS EXPIRE option (RFC 7314)
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public SoaQuery(Name zone, Primary primary, Duration timeout, InstantSource clock,
      LongSupplier nanoTime, boolean requestExpire) {
    this(zone, primary, timeout, clock, nanoTime, requestExpire, true);
  }

  private SoaQuery(Name zone, Primary primary, Duration timeout, InstantSource clock,
      LongSupplier nanoTime, boolean requestExpire, boolean edns) {
    this.edns = edns;
    this.zone = requireNonNull(zone, "zone");
    this.primary = requireNonNull(primary, "primary");
    this.remote = primary.address();
    this.timeout = requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("soa query timeout " + timeout + " is not positive");
    }
    this.clock = requireNonNull(clock, "clock");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.requestExpire = requestExpire;
  }

  /**
   * Asks {@code primary} for the SOA of {@code zone}; see the class comment.
   *
   * @param zone the zone
   * @param primary where to ask, and the TSIG key if any
   * @param timeout how long to wait for an answer, per transport
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadline, as {@link System#nanoTime()}
   * @param requestExpire whether to ask for the EDNS EXPIRE option (RFC 7314)
   * @return the answer
   * @throws TransferException as {@link #run()}
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public static Result query(Name zone, Primary primary, Duration timeout, InstantSource clock,
      LongSupplier nanoTime, boolean requestExpire) throws TransferException {
    return new SoaQuery(zone, primary, timeout, clock, nanoTime, requestExpire).run();
  }

  /**
   * Returns the same query without EDNS (no OPT record, so no EXPIRE), for a primary that
   * answered FORMERR to EDNS (RFC 6891 section 7; BIND retries so too).
   *
   * @return a new query, not yet run
   */
  public SoaQuery withoutEdns() {
    return new SoaQuery(zone, primary, timeout, clock, nanoTime, false, false);
  }

  /** Closes the socket of a running query; it then fails. Idempotent. */
  public void cancel() {
    cancelled = true;
    Closeable s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing only to wake a blocked receive: a failure to close changes nothing here
      }
    }
  }

  /**
   * Runs the query: UDP, then TCP after TC or silence.
   *
   * @return the answer
   * @throws TransferTimeoutException if neither UDP nor the TCP attempt brought an answer in time
   * @throws TransferConnectionException if a socket fails or the query is cancelled
   * @throws org.zonesync.api.TsigVerificationException if keyed and the answer is unsigned or
   *     does not verify
   * @throws org.zonesync.api.TransferRefusedException if the rcode is not NOERROR
   * @throws MalformedTransferException if the answer is not authoritative, has no (or several)
   *     apex SOA, or (over TCP) breaks the framing or does not answer the query
   * @throws TransferException as the subtypes above
   */
  public Result run() throws TransferException {
    Exchange udp = prepare();
    int[] ignored = {0};
    SoaResponse.Verdict v = udp(udp, ignored);
    if (v instanceof SoaResponse.Answer a) {
      return result(a, false, ignored[0]);
    }
    if (v instanceof SoaResponse.Truncated) {
      Loggers.XFER_IN.debug("zone {} primary {}: soa answer truncated, asking over tcp", zone,
          primary);
      return tcp(ignored[0]);
    }
    Loggers.XFER_IN.debug("zone {} primary {}: no udp answer to the soa query in {} ms ({} "
        + "ignored), asking over tcp", zone, primary, timeout.toMillis(), ignored[0]);
    try {
      return tcp(ignored[0]);
    } catch (TransferConnectionException e) {
      if (cancelled) {
        throw e;
      }
      TransferTimeoutException t = new TransferTimeoutException(
          TransferTimeoutException.Kind.TRANSFER, timeout, zone, remote);
      t.addSuppressed(e);
      throw t;
    }
  }

  /** A query on the wire and the judge of its answers. */
  private record Exchange(byte[] query, SoaResponse response) {
  }

  private Exchange prepare() {
    int id = IDS.nextInt(0x10000);
    byte[] query = SoaResponse.query(zone, id, edns, requestExpire);
    TsigStreamVerifier verifier = null;
    TsigKey key = primary.key().orElse(null);
    if (key != null) {
      SignedMessage signed = Tsig.signRequest(key, query, 0, query.length, clock);
      query = signed.message();
      verifier = new TsigStreamVerifier(key, signed.mac(), clock);
    }
    return new Exchange(query, new SoaResponse(zone, id, verifier, requestExpire, remote));
  }

  private Result result(SoaResponse.Answer a, boolean overTcp, int ignored) {
    SOARecord soa = a.soa();
    return new Result(SerialNumber.of(soa.getSerial()), soa, a.expire(), overTcp, ignored);
  }

  /** Returns the answer, {@code Truncated}, or {@code Ignored} when the timeout passed. */
  private SoaResponse.Verdict udp(Exchange x, int[] ignored) throws TransferException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    try (DatagramSocket s = new DatagramSocket(null)) {
      socket = s;
      checkCancelled();
      s.bind(new InetSocketAddress(localFor(remote.getAddress()), 0));
      s.send(new DatagramPacket(x.query(), x.query().length, remote));
      byte[] buf = new byte[MAX_MESSAGE];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      while (true) {
        long left = deadline - nanoTime.getAsLong();
        if (left <= 0) {
          return new SoaResponse.Ignored("timeout");
        }
        s.setSoTimeout(millis(left));
        p.setLength(buf.length);
        try {
          s.receive(p);
        } catch (SocketTimeoutException e) {
          return new SoaResponse.Ignored("timeout");
        }
        SoaResponse.Verdict v;
        if (!remote.equals(p.getSocketAddress())) {
          v = new SoaResponse.Ignored("datagram from " + p.getSocketAddress()
              + ", not the primary");
        } else {
          v = x.response().check(buf, p.getLength(), false);
        }
        if (v instanceof SoaResponse.Ignored i) {
          ignored[0]++;
          Loggers.XFER_IN.debug("zone {} primary {}: ignored udp answer to the soa query: {}",
              zone, primary, i.reason());
          continue;
        }
        return v;
      }
    } catch (IOException e) {
      throw connectionFailure(e);
    } finally {
      socket = null;
    }
  }

  private Result tcp(int ignored) throws TransferException {
    Exchange x = prepare();
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    try (Socket s = new Socket()) {
      socket = s;
      checkCancelled();
      try {
        s.connect(remote, millis(timeout.toNanos()));
      } catch (SocketTimeoutException e) {
        throw new TransferTimeoutException(TransferTimeoutException.Kind.CONNECT, timeout, zone,
            remote);
      }
      s.setTcpNoDelay(true);
      byte[] q = x.query();
      byte[] framed = new byte[q.length + 2];
      framed[0] = (byte) (q.length >>> 8);
      framed[1] = (byte) q.length;
      System.arraycopy(q, 0, framed, 2, q.length);
      OutputStream out = s.getOutputStream();
      out.write(framed);
      out.flush();
      TcpMessageInput in = new TcpMessageInput(new DeadlineInput(s, deadline), MAX_MESSAGE);
      byte[] buf = new byte[MAX_MESSAGE];
      int len = in.next(buf);
      if (len < 0) {
        throw new TransferConnectionException("connection closed by primary before the soa answer",
            zone, remote, null);
      }
      SoaResponse.Verdict v = x.response().check(buf, len, true);
      if (v instanceof SoaResponse.Answer a) {
        return result(a, true, ignored);
      }
      // over TCP the connection is ours: a message that does not answer the query is an error
      String why = v instanceof SoaResponse.Ignored i ? i.reason() : "truncated answer";
      throw new MalformedTransferException(why + " (tcp)", 1, 0, zone, remote);
    } catch (SocketTimeoutException e) {
      throw new TransferTimeoutException(TransferTimeoutException.Kind.TRANSFER, timeout, zone,
          remote);
    } catch (WireFormatException e) {
      throw new MalformedTransferException(e.getMessage(), 1, 0, zone, remote);
    } catch (EOFException e) {
      throw new TransferConnectionException("tcp stream ended inside the soa answer: "
          + e.getMessage(), zone, remote, e);
    } catch (IOException e) {
      throw connectionFailure(e);
    } finally {
      socket = null;
    }
  }

  private void checkCancelled() throws TransferConnectionException {
    if (cancelled) {
      throw new TransferConnectionException("soa query cancelled", zone, remote, null);
    }
  }

  private TransferConnectionException connectionFailure(IOException e) {
    String what = cancelled ? "soa query cancelled" : "soa query failed: " + e.getMessage();
    return new TransferConnectionException(what, zone, remote, e);
  }

  /** The loopback address of the primary's family for a loopback primary, else the wildcard. */
  static InetAddress localFor(InetAddress primary) throws IOException {
    boolean v6 = primary instanceof Inet6Address;
    if (primary.isLoopbackAddress()) {
      byte[] loopback = v6 ? new byte[16] : new byte[] {127, 0, 0, 1};
      loopback[loopback.length - 1] = 1; // ::1 or 127.0.0.1
      return InetAddress.getByAddress(loopback);
    }
    return InetAddress.getByAddress(new byte[v6 ? 16 : 4]);
  }

  /** Rounds nanoseconds up to at least one millisecond, for socket timeouts (0 means never). */
  private static int millis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
  }

  /** Reads from a socket, each read bounded by what is left until the deadline. */
  private final class DeadlineInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    DeadlineInput(Socket socket, long deadline) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
    }

    private void arm() throws IOException {
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        throw new SocketTimeoutException("soa query deadline passed");
      }
      socket.setSoTimeout(millis(left));
    }

    @Override
    public int read() throws IOException {
      arm();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      return in.read(b, off, len);
    }
  }
}
