// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.EdnsExpire;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.ZoneCursor;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * One IXFR exchange over TCP (RFC 1995): connect, send the (signed) IXFR query carrying our
 * current SOA in the authority section (section 3), read and validate the answer with
 * {@link IxfrStream}, and return what it amounted to: up to date, the incrementally updated
 * zone, or an AXFR-style replacement. The socket side, timeouts and {@link #cancel()} are those
 * of {@link AxfrClient} ({@link XfrConnection}).
 *
 * <p><b>Fallback.</b> Every {@link TransferException} from {@link #run} means "use AXFR": the
 * caller keeps its zone, logs the reason at WARN, and runs an {@link AxfrClient} against the
 * same primary on a new connection (BIND {@code xfrin}: NOTIMP, FORMERR, an empty answer, an
 * unusable chain, {@code request-ixfr-max-diffs}; Knot and BIND also after a timeout or reset,
 * TESTPLAN F2). Nothing from the failed IXFR is reused. Only the AXFR's failure is the
 * refresh's failure.
 */
public final class IxfrClient {

  private static final SecureRandom IDS = new SecureRandom();

  /**
   * What an IXFR produced.
   *
   * @param outcome up to date, incremental or full
   * @param messages messages read
   * @param records answer records read, every SOA included
   * @param bytes bytes read, length prefixes included
   * @param duration from connect to the validated result
   * @param expire the EDNS EXPIRE value of the first message (RFC 7314 section 4), when the
   *     query asked for it and the primary sent it, up-to-date answers included; {@link
   *     Duration#ZERO} means the primary's own copy has expired
   */
  public record Result(IxfrStream.Result outcome, long messages, long records, long bytes,
      Duration duration, Optional<Duration> expire) {
    /** Validates the fields. */
    public Result {
      requireNonNull(outcome, "outcome");
      requireNonNull(duration, "duration");
      requireNonNull(expire, "expire");
    }
  }

  private final Name zone;
  private final Primary primary;
  private final CompactZone current;
  private final TransferLimits limits;
  private final int maxDeltas;
  private final boolean lenient;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final boolean requestExpire;
  private final XfrConnection connection;

  /**
   * Prepares a transfer whose query asks for EDNS EXPIRE (RFC 7314).
   *
   * @param zone the zone to transfer
   * @param primary where from, and the key if signed
   * @param current our version: its SOA goes in the query, the deltas apply to it
   * @param limits the bounds
   * @param maxDeltas the most deltas accepted before giving up for AXFR, at least 1
   * @param lenient apply deltas that are not exact (off by default, TESTPLAN B12)
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadlines, as {@link System#nanoTime()}
   * @throws IllegalArgumentException if {@code maxDeltas} is below 1 or {@code current} is not
   *     a version of {@code zone}
   */
  public IxfrClient(Name zone, Primary primary, CompactZone current, TransferLimits limits,
      int maxDeltas, boolean lenient, InstantSource clock, LongSupplier nanoTime) {
    this(zone, primary, current, limits, maxDeltas, lenient, clock, nanoTime, true);
  }

  /**
   * Prepares a transfer.
   *
   * @param zone the zone to transfer
   * @param primary where from, and the key if signed
   * @param current our version: its SOA goes in the query, the deltas apply to it
   * @param limits the bounds
   * @param maxDeltas the most deltas accepted before giving up for AXFR, at least 1
   * @param lenient apply deltas that are not exact (off by default, TESTPLAN B12)
   * @param clock wall-clock time for TSIG
   * @param nanoTime a monotonic clock for the deadlines, as {@link System#nanoTime()}
   * @param requestExpire true to send an OPT record with an empty EXPIRE option (RFC 7314
   *     section 2), false to send no OPT record at all, for a primary that answers EDNS with
   *     FORMERR (TESTPLAN B7)
   * @throws IllegalArgumentException if {@code maxDeltas} is below 1 or {@code current} is not
   *     a version of {@code zone}
   */
  public IxfrClient(Name zone, Primary primary, CompactZone current, TransferLimits limits,
      int maxDeltas, boolean lenient, InstantSource clock, LongSupplier nanoTime,
      boolean requestExpire) {
    this.requestExpire = requestExpire;
    this.zone = requireNonNull(zone, "zone");
    this.primary = requireNonNull(primary, "primary");
    this.current = requireNonNull(current, "current");
    this.limits = requireNonNull(limits, "limits");
    if (maxDeltas < 1) {
      throw new IllegalArgumentException("maxDeltas must be at least 1: " + maxDeltas);
    }
    if (!current.origin().equals(zone)) {
      throw new IllegalArgumentException("zone " + current.origin() + " is not " + zone);
    }
    this.maxDeltas = maxDeltas;
    this.lenient = lenient;
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
   * @return the outcome and the figures
   * @throws TransferException on any failure; nothing has been published, and the caller should
   *     fall back to AXFR
   */
  public Result run(AxfrClient.Progress progress) throws TransferException {
    long start = nanoTime.getAsLong();
    long deadline = start + limits.transferTimeout().toNanos();
    int id = IDS.nextInt(0x10000);
    SignedQuery q = SignedQuery.of(query(id), primary, clock);
    byte[] query = q.wire();
    TsigStreamVerifier verifier = q.verifier();
    IxfrStream stream = new IxfrStream(zone, id, current, limits, maxDeltas, lenient, verifier,
        primary.address());
    connection.exchange(query, deadline, stream, progress);
    IxfrStream.Result outcome = stream.result();
    // an EXPIRE nobody asked for is not trusted to move our expire timer
    Optional<Duration> expire = requestExpire ? stream.expire() : Optional.empty();
    return new Result(outcome, stream.messages(), stream.records(), stream.bytes(),
        Duration.ofNanos(nanoTime.getAsLong() - start), expire);
  }

  /**
   * The unsigned IXFR query: question zone/IXFR/IN, our SOA in the authority section (RFC 1995
   * section 3), and an OPT record with an empty EXPIRE option when asked for (RFC 7314 section
   * 2); {@link SignedQuery} then appends the TSIG record, which stays last (RFC 8945 4.2).
   */
  byte[] query(int id) {
    ZoneCursor c = current.cursor();
    if (!c.next() || c.type() != Type.SOA) {
      throw new IllegalStateException("zone " + zone + " does not start with its SOA");
    }
    MessageWriter w = new MessageWriter(1024);
    w.start(id, 0, 1024);
    byte[] name = zone.toWire();
    w.question(name, 0, name.length, Type.IXFR, DClass.IN);
    if (!w.record(MessageReader.SECTION_AUTHORITY, c.ownerArray(), c.ownerOffset(),
        c.ownerLength(), Type.SOA, DClass.IN, c.ttl(), c.rdataArray(), c.rdataOffset(),
        c.rdataLength())) {
      throw new IllegalStateException("SOA of " + zone + " does not fit a query");
    }
    if (requestExpire && !EdnsExpire.addOpt(w, true)) {
      throw new IllegalStateException("opt record does not fit the query for " + zone);
    }
    int len = w.finish();
    return Arrays.copyOf(w.buffer(), len);
  }
}
