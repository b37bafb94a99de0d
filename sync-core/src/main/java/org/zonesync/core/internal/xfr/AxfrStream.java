// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.wire.WireNames;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.ZoneContentException;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * Validates one AXFR response stream (RFC 5936) message by message, the way BIND's
 * {@code xfrin} does, and builds the new zone off to the side.
 *
 * <pre>
 *   accept(msg) ---&gt; header: ID = query ID, QR, opcode QUERY, TC clear
 *                  -&gt; TSIG: every message fed to the stream verifier (MAC before time)
 *                  -&gt; rcode NOERROR, else TransferRefusedException
 *                  -&gt; question (required in message 1): zone, AXFR, IN
 *                  -&gt; answers: first = apex SOA; each record in class, under the apex,
 *                     not a meta type; an apex SOA equal to the first ends the stream,
 *                     and nothing may follow it
 *                  -&gt; OPT: at most one, in additional, well framed; extended rcode 0;
 *                     EDNS EXPIRE taken from message 1 only (RFC 7314 section 4)
 *   result()   ---&gt; TSIG: last message signed; zone content checks (one SOA, RRset limits)
 * </pre>
 *
 * <p>Not thread-safe: one instance per transfer.
 */
public final class AxfrStream {

  private final Name zone;
  private final byte[] apex;
  private final int queryId;
  private final TransferLimits limits;
  private final ResponseCheck check;
  private final InetSocketAddress remote;
  private final MessageReader reader = new MessageReader();
  private final CompactZoneBuilder builder;

  private byte @Nullable [] openingSoa;
  private boolean done;
  private long records;

  /**
   * Starts validating a response stream.
   *
   * @param zone the zone requested
   * @param queryId the ID of the AXFR query
   * @param limits the bounds
   * @param tsig the verifier when the query was signed, else null
   * @param remote the primary, for error reports
   */
  public AxfrStream(Name zone, int queryId, TransferLimits limits,
      @Nullable TsigStreamVerifier tsig, InetSocketAddress remote) {
    this.zone = requireNonNull(zone, "zone");
    this.apex = zone.toWire();
    this.queryId = queryId;
    this.limits = requireNonNull(limits, "limits");
    this.check = new ResponseCheck(zone, queryId, limits, tsig, remote);
    this.remote = requireNonNull(remote, "remote");
    this.builder = new CompactZoneBuilder(zone, limits.maxRecordsPerRRset(),
        limits.maxTypesPerName());
  }

  /**
   * Feeds the next message of the stream.
   *
   * @param msg the buffer
   * @param len the message length, starting at index 0
   * @return true once the closing SOA has been read: the stream is complete
   * @throws TransferException if the message breaks the protocol (a malformed OPT record
   *     included), a limit, or TSIG; {@link TransferRefusedException} for an error rcode, an
   *     EDNS extended one included
   */
  public boolean accept(byte[] msg, int len) throws TransferException {
    if (done) {
      throw malformed("message after the closing SOA");
    }
    check.open(reader, msg, len, records);
    try {
      readEntries();
    } catch (WireFormatException e) {
      throw malformed(e.getMessage());
    }
    check.close();
    return done;
  }

  private void readEntries() throws WireFormatException, TransferException {
    while (reader.next()) {
      int section = reader.section();
      if (section == MessageReader.SECTION_QUESTION) {
        checkQuestion();
        continue;
      }
      if (section != MessageReader.SECTION_ANSWER) {
        if (reader.type() == Type.OPT) {
          check.opt(reader, records); // EDNS (RFC 6891) and its EXPIRE option (RFC 7314)
        }
        continue; // authority and additional carry nothing else for AXFR; TSIG was checked
      }
      if (done) {
        throw malformed("record after the closing SOA");
      }
      answer();
    }
  }

  private void checkQuestion() throws TransferException {
    byte[] owner = reader.owner();
    if (!WireNames.equalsIgnoreCase(owner, 0, reader.ownerLength(), apex, 0, apex.length)
        || reader.type() != Type.AXFR || reader.dclass() != DClass.IN) {
      throw malformed("question does not match the query: " + describe(owner,
          reader.ownerLength()) + "/" + Type.string(reader.type()) + "/"
          + DClass.string(reader.dclass()));
    }
  }

  private void answer() throws TransferException {
    byte[] owner = reader.owner();
    int ownerLen = reader.ownerLength();
    int type = reader.type();
    if (++records > limits.maxRecords()) {
      throw malformed("transfer exceeds the limit of " + limits.maxRecords() + " records");
    }
    if (isMeta(type)) {
      throw malformed("meta type " + Type.string(type) + " in the answer section");
    }
    if (reader.dclass() != DClass.IN) {
      throw malformed("record " + describe(owner, ownerLen) + "/" + Type.string(type)
          + " has class " + DClass.string(reader.dclass()));
    }
    boolean atApex = WireNames.equalsIgnoreCase(owner, 0, ownerLen, apex, 0, apex.length);
    if (openingSoa == null) {
      if (type != Type.SOA || !atApex) {
        throw malformed("first record is " + describe(owner, ownerLen) + "/"
            + Type.string(type) + ", not the SOA of " + zone);
      }
      openingSoa = java.util.Arrays.copyOf(reader.rdata(), reader.rdataLength());
      builder.add(owner, 0, ownerLen, type, reader.dclass(), reader.ttl(), reader.rdata(), 0,
          reader.rdataLength());
      return;
    }
    if (!WireNames.isSubdomain(owner, 0, ownerLen, apex, 0, apex.length)) {
      throw malformed("record outside the zone: " + describe(owner, ownerLen) + "/"
          + Type.string(type));
    }
    if (type == Type.SOA) {
      if (!atApex) {
        throw malformed("SOA record not at the apex: " + describe(owner, ownerLen));
      }
      if (!sameSoa(openingSoa, reader.rdata(), reader.rdataLength())) {
        throw malformed("closing SOA differs from opening SOA");
      }
      done = true;
      return;
    }
    builder.add(owner, 0, ownerLen, type, reader.dclass(), reader.ttl(), reader.rdata(), 0,
        reader.rdataLength());
  }

  /** Meta and query-only types (RFC 6895 section 3.1: 128-255 are Q/meta; OPT is 41). */
  static boolean isMeta(int type) {
    return type == Type.OPT || (type >= 128 && type <= 255) || type == 0;
  }

  /**
   * SOA RDATA equality as BIND compares it: the two names case-insensitively, the five
   * counters exactly.
   */
  static boolean sameSoa(byte[] a, byte[] b, int bLen) {
    if (a.length != bLen || bLen < 20) {
      return false;
    }
    int names = bLen - 20;
    for (int i = 0; i < names; i++) {
      if (lower(a[i]) != lower(b[i])) {
        return false; // label length octets (0..63) are never ASCII letters
      }
    }
    return java.util.Arrays.equals(a, names, bLen, b, names, bLen);
  }

  private static int lower(byte c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  /**
   * Finishes the stream: checks that it was complete and signed, and builds the zone.
   *
   * @return the new zone, not yet published
   * @throws TransferException if the stream ended early, the last message was unsigned, or the
   *     zone breaks a content rule
   */
  public CompactZone result() throws TransferException {
    if (!done) {
      throw malformed("stream ended before the closing SOA");
    }
    check.finish();
    CompactZone built;
    try {
      built = builder.build();
    } catch (ZoneContentException e) {
      throw malformed("transferred zone rejected: " + e.getMessage());
    }
    if (built.lookup(zone, Type.NS).isEmpty()) {
      // BIND refuses to load such a zone: "transferred zone has no NS records" (TESTPLAN B15)
      throw malformed("transferred zone has no NS records at the apex");
    }
    return built;
  }

  /**
   * Returns the EDNS EXPIRE value (RFC 7314) of the stream's first message, if it carried one;
   * later messages' are ignored (section 4). {@link Duration#ZERO} means the primary's
   * own copy has expired.
   *
   * @return the value, or empty when the first message had no EXPIRE option (or none yet read)
   */
  public Optional<Duration> expire() {
    return check.expire();
  }

  /** Returns true once the closing SOA has been read. */
  public boolean isDone() {
    return done;
  }

  /** Returns the number of messages read. */
  public long messages() {
    return check.messages();
  }

  /** Returns the number of answer records read, both SOAs included. */
  public long records() {
    return records;
  }

  /** Returns the bytes read, length prefixes included. */
  public long bytes() {
    return check.bytes();
  }

  private MalformedTransferException malformed(@Nullable String what) {
    return check.malformed(what, records);
  }

  static String describe(byte[] wire, int len) {
    try {
      return new Name(java.util.Arrays.copyOf(wire, len)).toString();
    } catch (java.io.IOException e) {
      return "<bad name " + java.util.HexFormat.of().formatHex(wire, 0, len) + ">";
    }
  }
}
