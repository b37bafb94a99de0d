// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.EdnsExpire;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * One AXFR exchange over TCP (RFC 5936 section 4): connect, send the (signed) query, read and
 * validate length-prefixed messages until the closing SOA, and return the new zone.
 *
 * <p>Limits: connect timeout; idle timeout per read; whole-transfer deadline, enforced on every
 * read (a primary that drips one byte just inside the idle limit still hits the deadline).
 * {@link #cancel()} closes the socket from another thread; the blocked read then fails. The
 * socket side is {@link XfrConnection}, shared with {@link IxfrClient}.
 */
public final class AxfrClient {

  private static final SecureRandom IDS = new SecureRandom();

  /**
   * What an AXFR produced.
   *
   * @param zone the validated zone, not yet published
   * @param messages messages read
   * @param records answer records read, both SOAs included
   * @param bytes bytes read, length prefixes included
   * @param duration from connect to the validated zone
   * @param expire the EDNS EXPIRE value of the first message (RFC 7314 section 4), when the
   *     query asked for it and the primary sent it; {@link Duration#ZERO} means the primary's
   *     own copy has expired
   */
  public record Result(CompactZone zone, long messages, long records, long bytes,
      Duration duration, Optional<Duration> expire) {
    /** Validates the fields. */
    public Result {
      requireNonNull(zone, "zone");
      requireNonNull(duration, "duration");
      requireNonNull(expire, "expire");
    }
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
  private final boolean requestExpire;
  private final XfrConnection connection;

  /**
   * Prepares a transfer whose query asks for EDNS EXPIRE (RFC 7314).
   *
   * @param zone the zone to transfer
   * @param primary where from, and the key if signed
   * @param limits the bounds
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadlines, as {@link System#nanoTime()}
   */
  public AxfrClient(Name zone, Primary primary, TransferLimits limits, InstantSource clock,
      LongSupplier nanoTime) {
    this(zone, primary, limits, clock, nanoTime, true);
  }

  /**
   * Prepares a transfer.
   *
   * @param zone the zone to transfer
   * @param primary where from, and the key if signed
   * @param limits the bounds
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadlines, as {@link System#nanoTime()}
   * @param requestExpire true to send an OPT record with an empty EXPIRE option (RFC 7314
   *     section 2), false to send no OPT record at all, for a primary that answers EDNS with
   *     FORMERR (TESTPLAN B7)
   */
  public AxfrClient(Name zone, Primary primary, TransferLimits limits, InstantSource clock,
      LongSupplier nanoTime, boolean requestExpire) {
    this.requestExpire = requestExpire;
    this.zone = requireNonNull(zone, "zone");
    this.primary = requireNonNull(primary, "primary");
    this.limits = requireNonNull(limits, "limits");
    this.clock = requireNonNull(clock, "clock");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.connection = new XfrConnection(zone, primary.address(), limits, nanoTime);
  }

  /** Closes the connection of a running transfer; it then fails. Idempotent. */
  public void cancel() {
    connection.cancel();
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
    SignedQuery q = SignedQuery.of(query(id), primary, clock);
    byte[] query = q.wire();
    TsigStreamVerifier verifier = q.verifier();
    AxfrStream stream = new AxfrStream(zone, id, limits, verifier, remote);
    connection.exchange(query, deadline, new XfrConnection.MessageStream() {
      @Override
      public boolean accept(byte[] msg, int len) throws TransferException {
        return stream.accept(msg, len);
      }

      @Override
      public long messages() {
        return stream.messages();
      }

      @Override
      public long records() {
        return stream.records();
      }

      @Override
      public long bytes() {
        return stream.bytes();
      }
    }, progress);
    CompactZone result = stream.result();
    // an EXPIRE nobody asked for is not trusted to move our expire timer
    Optional<Duration> expire = requestExpire ? stream.expire() : Optional.empty();
    return new Result(result, stream.messages(), stream.records(), stream.bytes(),
        Duration.ofNanos(nanoTime.getAsLong() - start), expire);
  }

  /**
   * The unsigned AXFR query (RFC 5936 section 4.1): question zone/AXFR/IN, RD clear, and an OPT
   * record with an empty EXPIRE option when asked for; {@link SignedQuery} then appends the
   * TSIG record, which stays last (RFC 8945 section 4.2).
   */
  byte[] query(int id) {
    MessageWriter w = new MessageWriter(512);
    w.start(id, 0, 512);
    byte[] name = zone.toWire();
    w.question(name, 0, name.length, Type.AXFR, DClass.IN);
    if (requestExpire && !EdnsExpire.addOpt(w, true)) {
      throw new IllegalStateException("opt record does not fit the query for " + zone);
    }
    int len = w.finish();
    return java.util.Arrays.copyOf(w.buffer(), len);
  }
}
