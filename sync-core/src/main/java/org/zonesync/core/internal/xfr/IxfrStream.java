// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.wire.WireNames;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneContentException;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * Validates one IXFR response stream (RFC 1995 section 4) message by message, with the state
 * machine of BIND's {@code xfrin}, and produces the new zone off to the side.
 *
 * <pre>
 *   INITIAL_SOA --SOA s, s not newer than ours--&gt; UP_TO_DATE (rest of the answer ignored)
 *        | SOA s newer
 *   FIRST_DATA --SOA with our serial--&gt; IXFR_DELSOA    (incremental)
 *        |     --SOA equal to the first--&gt; AXFR         (AXFR-style, empty zone)
 *        |     --other SOA--&gt; "IXFR out of sync"
 *        +-----anything else--&gt; AXFR                    (AXFR-style, RFC 1995 section 4)
 *   IXFR_DELSOA -&gt; IXFR_DEL --SOA, serial newer (BIND's IXFR_ADDSOA)--&gt; IXFR_ADD
 *   IXFR_ADD --SOA s = s_to = s_new--&gt; END (delta applied)
 *            --SOA s = s_to--&gt; IXFR_DELSOA (delta applied, next one starts)
 *            --other SOA--&gt; "IXFR out of sync: expected serial s_to, got s"
 *   AXFR --SOA equal to the first--&gt; END
 * </pre>
 *
 * <p>Per message, as {@link AxfrStream}: ID, QR, opcode QUERY, TSIG (every message fed to the
 * stream verifier), rcode NOERROR, TC clear, the question (required in message 1) names the zone,
 * IXFR, IN, at most one OPT record (well framed, extended rcode 0; the EDNS EXPIRE value of message
 * 1 is kept, RFC 7314 section 4). Per answer record: class IN, at or under the apex, no meta type,
 * SOA only at the apex. An empty first answer section is rejected (BIND: "empty answer section,
 * retrying with AXFR"). Each delta's serial must increase (RFC 1982: equal, older and exactly 2^31
 * ahead are all rejected), and each delta is applied to the running zone with {@link
 * CompactZone#apply} as soon as it ends, which checks that it is exact (RFC 1995 section 4: the
 * deleted records exist, the added ones do not, the old SOA is ours) unless lenient. The final SOA
 * must equal the first, and so must the SOA the last delta produced.
 *
 * <p><b>Every failure means "fall back to AXFR".</b> Whatever {@link TransferException}
 * {@link #accept} or {@link #result} throws (malformed stream, out of sync, not exact, serial
 * not increasing, too many deltas or records, empty answer, error rcode such as NOTIMP or
 * FORMERR, TSIG), the caller keeps its zone and may retry with AXFR on a fresh connection and a
 * fresh stream, as BIND's {@code xfrin} does. Nothing from this stream may be reused.
 *
 * <p>Not thread-safe: one instance per transfer.
 */
public final class IxfrStream implements XfrConnection.MessageStream {

  private static final Logger LOG = Loggers.XFER_IN;

  /** What an IXFR answer amounted to. */
  public sealed interface Result {
    /**
     * The primary has nothing newer: a single SOA (or any answer opening with an SOA) whose
     * serial is equal to ours, older, or exactly 2^31 away (RFC 1982: undefined is not newer).
     *
     * @param serial the primary's serial
     */
    record UpToDate(SerialNumber serial) implements Result {
      /** Validates the field. */
      public UpToDate {
        requireNonNull(serial, "serial");
      }
    }

    /**
     * One or more deltas, all applied.
     *
     * @param zone the new zone, not yet published
     * @param deltas the deltas in order; the first starts at our serial, the last ends at the
     *     new zone's serial
     */
    record Incremental(CompactZone zone, List<WireDelta> deltas) implements Result {
      /** Validates and copies. */
      public Incremental {
        requireNonNull(zone, "zone");
        deltas = List.copyOf(deltas);
      }
    }

    /**
     * An AXFR-style answer (RFC 1995 section 4): the whole zone replaced.
     *
     * @param zone the new zone, not yet published
     */
    record Full(CompactZone zone) implements Result {
      /** Validates the field. */
      public Full {
        requireNonNull(zone, "zone");
      }
    }
  }

  private enum State {
    INITIAL_SOA, FIRST_DATA, IXFR_DELSOA, IXFR_DEL, IXFR_ADD, AXFR, END, UP_TO_DATE
  }

  private final Name zone;
  private final byte[] apex;
  private final int queryId;
  private final long ourSerial;
  private final TransferLimits limits;
  private final int maxDeltas;
  private final boolean lenient;
  private final ResponseCheck check;
  private final InetSocketAddress remote;
  private final MessageReader reader = new MessageReader();
  private final List<WireDelta> deltas = new ArrayList<>();

  private State state = State.INITIAL_SOA;
  private CompactZone running;
  private byte @Nullable [] openingSoa;
  private byte @Nullable [] openingOwner;
  private @Nullable Name deltaOrigin;
  private long ignoredRecords;
  private long openingTtl;
  private long endSerial;
  private @Nullable CompactZoneBuilder axfr;
  private WireDelta.@Nullable Builder delta;
  private long deltaFrom;
  private long deltaTo;
  private byte @Nullable [] deltaToSoa;
  private long records;

  /**
   * Starts validating an IXFR response stream.
   *
   * @param zone the zone requested
   * @param queryId the ID of the IXFR query
   * @param current our version, whose SOA went into the query; deltas apply to it
   * @param limits the bounds; {@link TransferLimits#maxRecords()} counts every answer record
   * @param maxDeltas the most deltas accepted (BIND {@code request-ixfr-max-diffs}); more is a
   *     failure, and the caller should use AXFR instead
   * @param lenient true to apply deltas that are not exact (delete a missing record, add a
   *     present one), as Knot's {@code ixfr-benevolent}; false rejects them (the default)
   * @param tsig the verifier when the query was signed, else null
   * @param remote the primary, for error reports
   * @throws IllegalArgumentException if {@code maxDeltas} is below 1 or {@code current} is not
   *     a version of {@code zone}
   */
  public IxfrStream(Name zone, int queryId, CompactZone current, TransferLimits limits,
      int maxDeltas, boolean lenient, @Nullable TsigStreamVerifier tsig,
      InetSocketAddress remote) {
    this.zone = requireNonNull(zone, "zone");
    this.apex = zone.toWire();
    this.queryId = queryId;
    this.running = requireNonNull(current, "current");
    if (!current.origin().equals(zone)) {
      throw new IllegalArgumentException("zone " + current.origin() + " is not " + zone);
    }
    if (maxDeltas < 1) {
      throw new IllegalArgumentException("maxDeltas must be at least 1: " + maxDeltas);
    }
    this.ourSerial = current.soa().getSerial();
    this.limits = requireNonNull(limits, "limits");
    this.maxDeltas = maxDeltas;
    this.lenient = lenient;
    this.check = new ResponseCheck(zone, queryId, limits, tsig, remote);
    this.remote = requireNonNull(remote, "remote");
  }

  /**
   * Feeds the next message of the stream.
   *
   * @param msg the buffer
   * @param len the message length, starting at index 0
   * @return true once the stream is complete (closing SOA read, or the primary is up to date)
   * @throws TransferException if the message breaks the protocol (a malformed OPT record
   *     included), a limit, or TSIG, or has an error rcode (an EDNS extended one included); the
   *     caller should fall back to AXFR
   */
  @Override
  public boolean accept(byte[] msg, int len) throws TransferException {
    if (isDone()) {
      throw malformed("message after the end of the IXFR answer");
    }
    check.open(reader, msg, len, records);
    if (check.messages() == 1 && reader.answerCount() == 0) {
      // BIND xfrin: "empty answer section, retrying with AXFR" (TESTPLAN B14)
      throw malformed("empty answer section: the primary does not serve IXFR for " + zone);
    }
    try {
      readEntries();
    } catch (WireFormatException e) {
      throw malformed(e.getMessage());
    }
    check.close();
    return isDone();
  }

  private void readEntries() throws WireFormatException, TransferException {
    while (reader.next()) {
      int section = reader.section();
      if (section == MessageReader.SECTION_QUESTION) {
        checkQuestion();
      } else if (section == MessageReader.SECTION_ANSWER) {
        answer();
      } else if (reader.type() == Type.OPT) {
        check.opt(reader, records); // EDNS (RFC 6891) and its EXPIRE option (RFC 7314)
      }
      // authority and additional carry nothing else for IXFR answers; TSIG was checked
    }
  }

  private void checkQuestion() throws TransferException {
    byte[] owner = reader.owner();
    if (!WireNames.equalsIgnoreCase(owner, 0, reader.ownerLength(), apex, 0, apex.length)
        || reader.type() != Type.IXFR || reader.dclass() != DClass.IN) {
      throw malformed("question does not match the query: "
          + AxfrStream.describe(owner, reader.ownerLength()) + "/" + Type.string(reader.type())
          + "/" + DClass.string(reader.dclass()));
    }
  }

  private void answer() throws TransferException {
    if (state == State.UP_TO_DATE) {
      return; // BIND stops at an initial SOA that is not newer; the rest is not looked at
    }
    if (state == State.END) {
      throw malformed("record after the closing SOA");
    }
    byte[] owner = reader.owner();
    int ownerLen = reader.ownerLength();
    int type = reader.type();
    if (++records > limits.maxRecords()) {
      throw malformed("transfer exceeds the limit of " + limits.maxRecords() + " records");
    }
    if (AxfrStream.isMeta(type)) {
      throw malformed("meta type " + Type.string(type) + " in the answer section");
    }
    if (reader.dclass() != DClass.IN) {
      throw malformed("record " + AxfrStream.describe(owner, ownerLen) + "/"
          + Type.string(type) + " has class " + DClass.string(reader.dclass()));
    }
    if (!WireNames.isSubdomain(owner, 0, ownerLen, apex, 0, apex.length)) {
      throw malformed("record outside the zone: " + AxfrStream.describe(owner, ownerLen) + "/"
          + Type.string(type));
    }
    boolean soa = type == Type.SOA;
    if (soa && !WireNames.equalsIgnoreCase(owner, 0, ownerLen, apex, 0, apex.length)) {
      throw malformed("SOA record not at the apex: " + AxfrStream.describe(owner, ownerLen));
    }
    if (state == State.INITIAL_SOA) {
      initialSoa(owner, ownerLen, type);
      return;
    }
    if (state == State.FIRST_DATA) {
      firstData(soa);
    }
    switch (state) {
      case IXFR_DELSOA -> startDelta();
      case IXFR_DEL -> {
        if (soa) {
          endDeletes();
        } else {
          requireNonNull(delta).delete(owner, 0, ownerLen, type, reader.dclass(), reader.ttl(),
              reader.rdata(), 0, reader.rdataLength());
        }
      }
      case IXFR_ADD -> {
        if (soa) {
          endAdds();
        } else {
          requireNonNull(delta).add(owner, 0, ownerLen, type, reader.dclass(), reader.ttl(),
              reader.rdata(), 0, reader.rdataLength());
        }
      }
      case AXFR -> {
        if (soa) {
          if (!AxfrStream.sameSoa(requireNonNull(openingSoa), reader.rdata(),
              reader.rdataLength())) {
            throw malformed("closing SOA differs from opening SOA");
          }
          state = State.END;
        } else {
          requireNonNull(axfr).add(owner, 0, ownerLen, type, reader.dclass(), reader.ttl(),
              reader.rdata(), 0, reader.rdataLength());
        }
      }
      default -> throw new IllegalStateException("state " + state);
    }
  }

  private void initialSoa(byte[] owner, int ownerLen, int type) throws TransferException {
    if (type != Type.SOA) {
      throw malformed("first record is " + AxfrStream.describe(owner, ownerLen) + "/"
          + Type.string(type) + ", not the SOA of " + zone);
    }
    openingSoa = Arrays.copyOf(reader.rdata(), reader.rdataLength());
    openingTtl = reader.ttl();
    openingOwner = Arrays.copyOf(owner, ownerLen);
    endSerial = serial(reader.rdata(), reader.rdataLength());
    SerialNumber theirs = SerialNumber.of(endSerial);
    SerialNumber ours = SerialNumber.of(ourSerial);
    if (!theirs.isNewerThan(ours)) {
      // RFC 1995 section 4 (and 2): a version not newer than the client's is a single SOA
      if (endSerial != ourSerial) {
        // TESTPLAN B16: never go back; say so once
        LOG.info("zone {}: IXFR, remote {}: received serial {} from primary, {} ours ({}):"
            + " not updating", zone, org.zonesync.api.Primary.format(remote), theirs, theirs.isOlderThan(ours) ? "older than"
            : "2^31 away from", ours);
      }
      state = State.UP_TO_DATE;
      return;
    }
    state = State.FIRST_DATA;
  }

  /** BIND's FIRSTDATA: the second record tells an incremental answer from an AXFR-style one. */
  private void firstData(boolean soa) throws TransferException {
    if (soa) {
      long s = serial(reader.rdata(), reader.rdataLength());
      if (s == ourSerial) {
        LOG.debug("zone {}: IXFR, remote {}: got incremental response", zone,
            org.zonesync.api.Primary.format(remote));
        state = State.IXFR_DELSOA;
        return;
      }
      if (!AxfrStream.sameSoa(requireNonNull(openingSoa), reader.rdata(),
          reader.rdataLength())) {
        throw outOfSync(ourSerial, s);
      }
    }
    LOG.debug("zone {}: IXFR, remote {}: got nonincremental response", zone,
        org.zonesync.api.Primary.format(remote));
    CompactZoneBuilder b = new CompactZoneBuilder(zone, limits.maxRecordsPerRRset(),
        limits.maxTypesPerName());
    byte[] first = requireNonNull(openingSoa);
    byte[] firstOwner = requireNonNull(openingOwner);
    b.add(firstOwner, 0, firstOwner.length, Type.SOA, DClass.IN, openingTtl, first, 0,
        first.length);
    axfr = b;
    state = State.AXFR;
  }

  private void startDelta() throws TransferException {
    if (deltas.size() >= maxDeltas) {
      // BIND request-ixfr-max-diffs: a long chain costs more than the AXFR
      throw malformed("IXFR has more than " + maxDeltas + " deltas");
    }
    deltaFrom = serial(reader.rdata(), reader.rdataLength());
    Name origin = deltaOrigin;
    if (origin == null) {
      // the SOA owner as the primary spells it, so that the new zone's apex keeps its case
      origin = nameOf(requireNonNull(openingOwner));
      deltaOrigin = origin;
    }
    WireDelta.Builder b = WireDelta.builder(origin).dclass(DClass.IN);
    b.fromSoa(reader.ttl(), reader.rdata(), 0, reader.rdataLength());
    delta = b;
    state = State.IXFR_DEL;
  }

  private void endDeletes() throws TransferException {
    long to = serial(reader.rdata(), reader.rdataLength());
    if (!SerialNumber.of(to).isNewerThan(SerialNumber.of(deltaFrom))) {
      // RFC 1982; TESTPLAN B11: 1 -> 1, 7 -> 5 and a step of 2^31 or more are all rejected
      throw malformed("IXFR delta " + (deltas.size() + 1) + " serial does not increase: "
          + deltaFrom + " -> " + to);
    }
    deltaTo = to;
    deltaToSoa = Arrays.copyOf(reader.rdata(), reader.rdataLength());
    requireNonNull(delta).toSoa(reader.ttl(), reader.rdata(), 0, reader.rdataLength());
    state = State.IXFR_ADD;
  }

  private void endAdds() throws TransferException {
    long s = serial(reader.rdata(), reader.rdataLength());
    if (s == endSerial && deltaTo == endSerial) {
      applyDelta();
      byte[] first = requireNonNull(openingSoa);
      if (!AxfrStream.sameSoa(first, reader.rdata(), reader.rdataLength())) {
        throw malformed("closing SOA differs from opening SOA");
      }
      if (!AxfrStream.sameSoa(first, requireNonNull(deltaToSoa), deltaToSoa.length)) {
        throw malformed("the last delta ends with an SOA that differs from the opening SOA");
      }
      state = State.END;
      return;
    }
    if (s != deltaTo) {
      throw outOfSync(deltaTo, s);
    }
    applyDelta();
    startDelta();
  }

  /** Applies the finished delta to the running zone: copy-on-write, O(delta). */
  private void applyDelta() throws TransferException {
    WireDelta d = requireNonNull(delta).build();
    try {
      running = running.apply(d, lenient, limits.maxRecordsPerRRset(),
          limits.maxTypesPerName());
    } catch (ZoneContentException e) {
      throw malformed("IXFR delta " + (deltas.size() + 1) + " (" + deltaFrom + " -> " + deltaTo
          + ") does not apply: " + e.getMessage());
    }
    ignoredRecords += running.ignoredDeltaRecords();
    deltas.add(d);
    delta = null;
  }

  /**
   * Finishes the stream: checks that it was complete and signed, and returns what it carried.
   *
   * @return up to date, the incrementally updated zone, or the AXFR-style zone
   * @throws TransferException if the stream ended early, the last message was unsigned, or the
   *     new zone breaks a content rule; the caller should fall back to AXFR
   */
  public Result result() throws TransferException {
    if (!isDone()) {
      throw malformed("stream ended before the closing SOA");
    }
    check.finish();
    if (state == State.UP_TO_DATE) {
      return new Result.UpToDate(SerialNumber.of(endSerial));
    }
    CompactZone built;
    if (axfr != null) {
      try {
        built = axfr.build();
      } catch (ZoneContentException e) {
        throw malformed("transferred zone rejected: " + e.getMessage());
      }
    } else {
      built = running;
      if (ignoredRecords > 0) {
        // TESTPLAN B12: once per transfer, not once per record
        LOG.warn("zone {}: IXFR, remote {}: not exact, {} records ignored (lenient)", zone,
            org.zonesync.api.Primary.format(remote), ignoredRecords);
      }
    }
    if (built.lookup(zone, Type.NS).isEmpty()) {
      // BIND refuses to load such a zone: "transferred zone has no NS records" (TESTPLAN B15)
      throw malformed("transferred zone has no NS records at the apex");
    }
    return axfr != null ? new Result.Full(built) : new Result.Incremental(built, deltas);
  }

  /**
   * Returns the EDNS EXPIRE value (RFC 7314) of the answer's first message, if it carried one;
   * later messages' are ignored (section 4). {@link Duration#ZERO} means the primary's own copy
   * has expired.
   *
   * @return the value, or empty when the first message had no EXPIRE option (or none yet read)
   */
  public Optional<Duration> expire() {
    return check.expire();
  }

  /** Returns true once the stream is complete. */
  public boolean isDone() {
    return state == State.END || state == State.UP_TO_DATE;
  }

  /** Returns the number of deltas applied so far. */
  public int deltaCount() {
    return deltas.size();
  }

  @Override
  public long messages() {
    return check.messages();
  }

  /** Returns the number of answer records read, every SOA included. */
  @Override
  public long records() {
    return records;
  }

  /** Returns the bytes read, length prefixes included. */
  @Override
  public long bytes() {
    return check.bytes();
  }

  /** The serial of SOA RDATA, which the reader has checked ends in five 32-bit fields. */
  private static long serial(byte[] rdata, int len) {
    int p = len - 20;
    return ((rdata[p] & 0xFFL) << 24) | ((rdata[p + 1] & 0xFF) << 16)
        | ((rdata[p + 2] & 0xFF) << 8) | (rdata[p + 3] & 0xFF);
  }

  private Name nameOf(byte[] wire) {
    try {
      return new Name(wire);
    } catch (java.io.IOException e) {
      return zone; // cannot happen: the reader checked the name
    }
  }

  private MalformedTransferException outOfSync(long expected, long got) {
    // the wording of BIND and dnsjava (TESTPLAN B10)
    return malformed("IXFR out of sync: expected serial " + expected + ", got " + got);
  }

  private MalformedTransferException malformed(@Nullable String what) {
    return check.malformed(what, records);
  }
}
