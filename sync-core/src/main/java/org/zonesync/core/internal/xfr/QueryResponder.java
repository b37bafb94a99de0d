// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.wire.WireNames;
import org.zonesync.core.internal.notify.RefusalLog;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.ZoneCursor;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigErrorResponse;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * Checks every request that reaches a server of zones (RFC 1034 section 4.3.5 SOA queries, RFC
 * 5936 AXFR, RFC 1995 IXFR) and answers those that take one message: the SOA query of a
 * refresh, over UDP or TCP, with the EDNS EXPIRE option when asked (RFC 7314 section 3: a primary
 * gives its SOA EXPIRE field); over UDP also IXFR, with the single current SOA that tells the
 * client to ask again over TCP (RFC 1995 section 2). An AXFR or IXFR over TCP that passes every
 * check comes back as a {@link Transfer} for {@link XfrOut} to stream. Thread-safe; readers and
 * writers are pooled.
 *
 * <p>The checks, in order (the first that fails decides), modelled on BIND's {@code query.c}
 * and {@code xfrout.c}:
 *
 * <ol>
 *   <li>shorter than a header or QR set: dropped, no answer (a response is never answered, so two
 *       servers cannot loop); impossible counts or an unparsable entry: FORMERR on TCP, dropped
 *       in a datagram (whose source may be forged);
 *   <li>a misplaced or malformed TSIG record: FORMERR; a TSIG that does not verify: NOTAUTH with
 *       the TSIG error from {@link TsigErrorResponse}, which never signs unverified data
 *       (RFC 8945 section 5.3.2, TESTPLAN C8); from here on, answers to a request whose TSIG
 *       verified are signed with its key;
 *   <li>opcode not QUERY: NOTIMP; QDCOUNT not 1: FORMERR ("multiple questions");
 *   <li>an OPT record that is not alone, not in the additional section, not owned by the root or
 *       with malformed options: FORMERR (RFC 6891 section 6.1.1); EDNS version above 0: BADVERS
 *       (section 6.1.3);
 *   <li>QCLASS not IN: REFUSED; QTYPE AXFR over UDP: FORMERR (BIND "attempted AXFR over UDP");
 *       QTYPE other than SOA, AXFR and IXFR: NOTIMP;
 *   <li>a name that is not the apex of a zone held: REFUSED without AA for an SOA query, as BIND
 *       and RFC 8906 section 3.1.3.1 answer; NOTAUTH for AXFR and IXFR, as BIND's xfrout;
 *   <li>IXFR whose authority section has no SOA, several SOAs, or an SOA not owned by the zone:
 *       FORMERR (BIND "IXFR request missing SOA", "... has multiple SOAs");
 *   <li>a zone not loaded or expired: SERVFAIL (TESTPLAN B22);
 *   <li>the zone's {@link TransferAcl} denies the address and verified key: REFUSED;
 *   <li>otherwise an SOA query gets NOERROR, AA and the apex SOA; AXFR and IXFR over TCP go on to
 *       the transfers-out quota. None of these checks takes a quota slot (TESTPLAN A14, C13).
 * </ol>
 *
 * <p>Every answer echoes the ID, the RD and CD bits and (when QDCOUNT was 1) the question; it has
 * an OPT record offering {@value #PAYLOAD} bytes when the query had one, and is TSIG-signed when
 * the request's TSIG verified. Over UDP an answer fits min(max(512, the client's payload),
 * {@value #PAYLOAD}) bytes, else it is sent with TC set and no answer records (RFC 1035 section
 * 4.2.1). Deviations: only the apex SOA is served, so an SOA query for a name inside a zone is
 * REFUSED instead of a referral or negative answer; the DO bit is not echoed (no RRSIGs are
 * added).
 */
final class QueryResponder {

  /** The EDNS UDP payload size we offer and use, the DNS Flag Day 2020 value. */
  static final int PAYLOAD = 1232;
  /** EDNS option code of EXPIRE (RFC 7314 section 2). */
  static final int EXPIRE_OPTION = 9;
  /** Extended rcode BADVERS (RFC 6891 section 6.1.3). */
  static final int BADVERS = 16;

  private static final int HEADER = 12;
  private static final int UDP_DEFAULT = 512;
  /** Room for any answer this class writes, TSIG not counted. */
  private static final int CAPACITY = 4096;
  /** Flags copied from the query (BIND's DNS_MESSAGE_REPLYPRESERVE): RD and CD. */
  private static final int PRESERVED_FLAGS = MessageWriter.FLAG_RD | 0x0010;
  private static final int SPARE_SCRATCH = 4;
  private static final byte[] ROOT = {0};

  private final Function<Name, Optional<ServedZone>> zones;
  private final TsigKeyring keyring;
  private final InstantSource clock;
  private final ArrayBlockingQueue<Scratch> spare = new ArrayBlockingQueue<>(SPARE_SCRATCH);
  /** Refusals are logged at most once a second per client, 20 a second in all. */
  private final RefusalLog refusals;
  private final RefusalLog tsigRefusals;

  /**
   * Creates a responder.
   *
   * @param zones the zone held under an apex name
   * @param keyring keys that may sign requests
   * @param clock wall clock for TSIG
   */
  QueryResponder(Function<Name, Optional<ServedZone>> zones, TsigKeyring keyring,
      InstantSource clock) {
    this.zones = zones;
    this.keyring = keyring;
    this.clock = clock;
    this.refusals = new RefusalLog(clock, Loggers.XFER_OUT::info);
    this.tsigRefusals = new RefusalLog(clock, Loggers.TSIG::info);
  }

  /** What {@link #check} decided. */
  sealed interface Verdict permits Answer, Drop, Transfer {
  }

  /** Send this one message back. */
  record Answer(byte[] message) implements Verdict {
  }

  /** Send nothing. */
  record Drop() implements Verdict {
  }

  /**
   * An AXFR or IXFR over TCP that passed every check but the quota.
   *
   * @param id the request's ID
   * @param flags the request's flags
   * @param qname the question name, wire form
   * @param qtype AXFR or IXFR
   * @param name the zone
   * @param zone the zone served
   * @param snapshot the version to stream
   * @param clientSerial for IXFR the serial in the authority SOA, else -1
   * @param verified the request's verified TSIG, or null when unsigned
   * @param rule the ACL rule that allowed it, for the log
   * @param ednsOptions the options of the OPT record to answer with (the EDNS EXPIRE when it
   *     was asked for), or null when the request had no OPT
   */
  record Transfer(int id, int flags, byte[] qname, int qtype, Name name, ServedZone zone,
      CompactZone snapshot, long clientSerial, @Nullable VerifiedRequest verified, String rule,
      byte @Nullable [] ednsOptions) implements Verdict {
  }

  /** A reader and a writer, about 280 KiB together, reused across queries. */
  private static final class Scratch {
    final MessageReader reader = new MessageReader();
    final MessageWriter writer = new MessageWriter(CAPACITY);
  }

  /** What was read from one query. */
  private static final class Query {
    final byte[] msg;
    final int len;
    int id;
    int flags;
    int questions;
    byte @Nullable [] qname;
    int qtype;
    int qclass;
    int opts;
    boolean badOpt;
    int payload;
    int version;
    boolean expire;
    int soas;
    boolean soaOwnerDiffers;
    boolean soaMalformed;
    long clientSerial = -1;
    /** The EXPIRE option's value when not the SOA's (a secondary's remaining time), or -1. */
    long expireSeconds = -1;
    int tsigAt = -1;
    @Nullable VerifiedRequest verified;
    @Nullable TsigError tsigError;

    Query(byte[] msg, int len) {
      this.msg = msg;
      this.len = len;
    }
  }

  /**
   * Answers one query that takes a single message; an AXFR or IXFR over TCP that passes the
   * checks gets no answer here (use {@link #check}).
   *
   * @param msg the buffer holding the query from index 0; not kept
   * @param len its length
   * @param client where it came from
   * @param udp whether it came over UDP (size limit, TC, IXFR and AXFR rules)
   * @return the answer, or null when the message is dropped
   */
  byte @Nullable [] answer(byte[] msg, int len, InetSocketAddress client, boolean udp) {
    return check(msg, len, client, udp) instanceof Answer a ? a.message() : null;
  }

  /**
   * Checks one request as the class comment says.
   *
   * @param msg the buffer holding the request from index 0; not kept
   * @param len its length
   * @param client where it came from
   * @param udp whether it came in a datagram
   * @return the answer to send, nothing, or the transfer to stream
   */
  Verdict check(byte[] msg, int len, InetSocketAddress client, boolean udp) {
    if (len < HEADER || len > msg.length || (msg[2] & 0x80) != 0) {
      return new Drop();
    }
    Scratch s = spare.poll();
    if (s == null) {
      s = new Scratch();
    }
    try {
      return process(msg, len, client, udp, s);
    } finally {
      spare.offer(s);
    }
  }

  /**
   * Answers a transfer request that passed {@link #check} but will not be served (the quota is
   * full): the rcode, signed when the request was.
   *
   * @param t the request
   * @param rcode the rcode
   * @return the answer
   */
  byte[] refuse(Transfer t, int rcode) {
    Scratch s = spare.poll();
    if (s == null) {
      s = new Scratch();
    }
    try {
      Query q = new Query(new byte[0], 0);
      q.id = t.id();
      q.flags = t.flags();
      q.qname = t.qname();
      q.qtype = t.qtype();
      q.qclass = DClass.IN;
      q.verified = t.verified();
      return respond(q, s, false, rcode, null);
    } finally {
      spare.offer(s);
    }
  }

  private Verdict process(byte[] msg, int len, InetSocketAddress client, boolean udp,
      Scratch s) {
    Query q = new Query(msg, len);
    q.id = ((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF);
    q.flags = ((msg[2] & 0xFF) << 8) | (msg[3] & 0xFF);
    MessageReader r = s.reader;
    try {
      r.reset(msg, 0, len);
      q.questions = r.questionCount();
      while (r.next()) {
        if (r.section() == MessageReader.SECTION_QUESTION) {
          if (q.qname == null) {
            q.qname = Arrays.copyOf(r.owner(), r.ownerLength());
            q.qtype = r.type();
            q.qclass = r.dclass();
          }
        } else if (r.type() == Type.OPT) {
          readOpt(r, q);
        } else if (r.section() == MessageReader.SECTION_AUTHORITY && r.type() == Type.SOA) {
          readSoa(r, q);
        }
      }
    } catch (WireFormatException e) {
      if (udp) {
        // a datagram may have a forged source: no answer, so no reflection (BIND drops too)
        Loggers.XFER_OUT.debug("client {}: dropped an unparsable datagram: {}",
            Primary.format(client), e.getMessage());
        return new Drop();
      }
      q.qname = null;
      q.opts = 0;
      return answer(q, s, udp, Rcode.FORMERR, null, "malformed request: " + e.getMessage(),
          client, false);
    }
    if (q.questions != 1) {
      q.qname = null; // echo a question only when there was exactly one
    }
    // the TSIG first, as BIND verifies it when it parses: every later answer to a request
    // that verified is signed, a NOTIMP or FORMERR too
    try {
      q.tsigAt = Tsig.locate(msg, 0, len);
      if (q.tsigAt >= 0) {
        q.verified = TsigRequestVerifier.verify(keyring, msg, 0, len, q.tsigAt, clock);
      }
    } catch (TsigVerificationException e) {
      TsigError error = e.tsigError();
      boolean formerr = q.tsigAt < 0 || error == TsigError.FORMERR
          || error == TsigError.UNSIGNED;
      q.tsigError = formerr ? null : error;
      tsigRefusals.log(client.getAddress(), () -> "client " + Primary.format(client) + ": TSIG "
          + error + " on request: " + e.getMessage());
      return answer(q, s, udp, formerr ? Rcode.FORMERR : Rcode.NOTAUTH, null, "tsig " + error,
          client, false);
    }
    if (((q.flags >>> 11) & 0xF) != Opcode.QUERY) {
      return answer(q, s, udp, Rcode.NOTIMP, null, "opcode " + ((q.flags >>> 11) & 0xF), client,
          false);
    }
    if (q.questions != 1) {
      return answer(q, s, udp, Rcode.FORMERR, null, "multiple questions (" + q.questions + ")",
          client, true);
    }
    if (q.badOpt || q.opts > 1) {
      q.opts = 0; // RFC 6891 section 7: a FORMERR for a bad OPT carries none
      return answer(q, s, udp, Rcode.FORMERR, null, "malformed opt record", client, false);
    }
    if (q.opts == 1 && q.version != 0) {
      return answer(q, s, udp, BADVERS, null, "edns version " + q.version, client, false);
    }
    byte[] qname = q.qname;
    if (qname == null || q.qclass != DClass.IN) {
      return answer(q, s, udp, Rcode.REFUSED, null, "class " + DClass.string(q.qclass), client,
          false);
    }
    boolean transfer = q.qtype == Type.AXFR || q.qtype == Type.IXFR;
    if (udp && q.qtype == Type.AXFR) {
      return answer(q, s, udp, Rcode.FORMERR, null, "attempted AXFR over UDP", client, true);
    }
    if (q.qtype != Type.SOA && !transfer) {
      return answer(q, s, udp, Rcode.NOTIMP, null, "type " + Type.string(q.qtype), client,
          false);
    }
    Name name;
    try {
      name = new Name(qname);
    } catch (IOException e) {
      // the reader checked the wire form, so this is a bug; drop rather than answer wrongly
      Loggers.XFER_OUT.warn("client {}: reader returned an invalid name: {}",
          Primary.format(client), e.getMessage());
      return new Drop();
    }
    Optional<ServedZone> served = zones.apply(name);
    if (served.isEmpty()) {
      return transfer && !udp
          ? answer(q, s, udp, Rcode.NOTAUTH, null, "non-authoritative zone " + name, client, true)
          : answer(q, s, udp, Rcode.REFUSED, null, "no zone " + name, client, false);
    }
    if (q.qtype == Type.IXFR) {
      String bad = q.soas == 0 ? "IXFR request missing SOA"
          : q.soas > 1 ? "IXFR authority section has multiple SOAs"
          : q.soaOwnerDiffers ? "IXFR authority SOA is not owned by " + name
          : q.soaMalformed ? "IXFR authority SOA has no serial" : null;
      if (bad != null) {
        return answer(q, s, udp, Rcode.FORMERR, null, bad, client, true);
      }
    }
    ServedZone zone = served.get();
    Optional<CompactZone> current = zone.current();
    if (current.isEmpty() || current.get().dclass() != DClass.IN) {
      return answer(q, s, udp, Rcode.SERVFAIL, null, "zone " + name
          + " is not loaded or has expired", client, transfer);
    }
    VerifiedRequest v = q.verified;
    TransferAcl.Decision d = zone.acl().check(client.getAddress(),
        v == null ? Optional.empty() : Optional.of(v.key().name()));
    if (!d.allowed()) {
      String who = v == null ? "unsigned" : "key " + v.key().name();
      return answer(q, s, udp, Rcode.REFUSED, null, "zone " + name + " " + Type.string(q.qtype)
          + " denied (" + who + ", " + d.describe() + ")", client, transfer);
    }
    if (transfer && !udp) {
      byte[] options = null;
      if (q.opts == 1) {
        long expire = zone.expireSeconds().orElse(current.get().soa().getExpire());
        options = q.expire ? expireOption(expire) : new byte[0];
      }
      return new Transfer(q.id, q.flags, qname, q.qtype, name, zone, current.get(),
          q.clientSerial, v, d.describe(), options);
    }
    q.expireSeconds = zone.expireSeconds().orElse(-1);
    return new Answer(respond(q, s, udp, Rcode.NOERROR, current.get()));
  }

  /** The EDNS EXPIRE option (RFC 7314 section 2): code 9, length 4, the seconds. */
  private static byte[] expireOption(long seconds) {
    return new byte[] {0, EXPIRE_OPTION, 0, 4, (byte) (seconds >>> 24), (byte) (seconds >>> 16),
        (byte) (seconds >>> 8), (byte) seconds};
  }

  /** Records an authority-section SOA of an IXFR request: its owner and serial. */
  private static void readSoa(MessageReader r, Query q) {
    q.soas++;
    byte[] qname = q.qname;
    if (qname == null || !WireNames.equalsIgnoreCase(qname, 0, qname.length, r.owner(), 0,
        r.ownerLength())) {
      q.soaOwnerDiffers = true;
    }
    // two names (at least a byte each), then the five 32-bit counters, serial first; the reader
    // lets an empty RDATA through for class NONE and ANY (RFC 2136), which is no SOA to use
    if (r.rdataLength() < 22) {
      q.soaMalformed = true;
      return;
    }
    byte[] rd = r.rdata();
    int at = r.rdataLength() - 20;
    q.clientSerial = ((rd[at] & 0xFFL) << 24) | ((rd[at + 1] & 0xFF) << 16)
        | ((rd[at + 2] & 0xFF) << 8) | (rd[at + 3] & 0xFF);
  }

  private Answer answer(Query q, Scratch s, boolean udp, int rcode, @Nullable CompactZone zone,
      String why, InetSocketAddress client, boolean info) {
    if (info) {
      refusals.log(client.getAddress(), () -> "client " + Primary.format(client) + ": "
          + Type.string(q.qtype) + " " + Rcode.string(rcode) + ": " + why);
    } else if (Loggers.XFER_OUT.isDebugEnabled()) {
      Loggers.XFER_OUT.debug("client {}: query id {} answered {}: {}", Primary.format(client),
          q.id, Rcode.string(rcode), why);
    }
    return new Answer(respond(q, s, udp, rcode, zone));
  }

  /** Records one OPT record's fields (RFC 6891 section 6.1.2) and whether EXPIRE is asked. */
  private static void readOpt(MessageReader r, Query q) {
    q.opts++;
    if (r.section() != MessageReader.SECTION_ADDITIONAL || r.ownerLength() != 1) {
      q.badOpt = true;
      return;
    }
    q.payload = r.dclass();
    q.version = (int) ((r.ttl() >>> 16) & 0xFF);
    byte[] rd = r.rdata();
    int n = r.rdataLength();
    int p = 0;
    while (p < n) {
      if (n - p < 4) {
        q.badOpt = true;
        return;
      }
      int code = u16(rd, p);
      int olen = u16(rd, p + 2);
      p += 4;
      if (olen > n - p) {
        q.badOpt = true;
        return;
      }
      // RFC 7314 section 2 asks for an empty option; BIND takes any length as the request
      q.expire |= code == EXPIRE_OPTION;
      p += olen;
    }
  }

  /**
   * Writes the answer: header, the question (if exactly one), the apex SOA of {@code zone} (for
   * NOERROR), the OPT, then the TSIG as the class comment says.
   */
  private byte[] respond(Query q, Scratch s, boolean udp, int rcode, @Nullable CompactZone zone) {
    VerifiedRequest v = q.verified;
    int reserve = v != null ? Tsig.maxRecordLength(v.key())
        : q.tsigError != null ? TsigErrorResponse.MAX_RECORD_LENGTH : 0;
    int limit = CAPACITY;
    if (udp) {
      int offered = q.opts == 1 ? Math.min(Math.max(q.payload, UDP_DEFAULT), PAYLOAD) : UDP_DEFAULT;
      limit = Math.min(CAPACITY, Math.max(offered - reserve, minimum(q)));
    }
    MessageWriter w = s.writer;
    int flags = MessageWriter.FLAG_QR | (q.flags & (PRESERVED_FLAGS | 0x7800)) | (rcode & 0xF);
    int n = write(w, q, flags | (zone != null ? MessageWriter.FLAG_AA : 0), limit, rcode, zone);
    if (n < 0) {
      // RFC 1035 section 4.2.1: what does not fit goes with TC, the client retries over TCP
      n = write(w, q, flags | MessageWriter.FLAG_TC | MessageWriter.FLAG_AA, CAPACITY, rcode,
          null);
    }
    byte[] buf = w.buffer();
    if (v != null) {
      n = new TsigStreamSigner(v.key(), v.mac(), clock).sign(buf, 0, n);
    } else if (q.tsigError != null) {
      n = TsigErrorResponse.append(buf, 0, n, q.tsigError, q.msg, 0, q.len, q.tsigAt, keyring,
          clock);
    }
    return Arrays.copyOf(buf, n);
  }

  /** Returns the message length, or -1 if the answer record or the OPT did not fit. */
  private static int write(MessageWriter w, Query q, int flags, int limit, int rcode,
      @Nullable CompactZone zone) {
    w.start(q.id, flags, limit);
    byte[] qname = q.qname;
    if (qname != null) {
      w.question(qname, 0, qname.length, q.qtype, q.qclass);
    }
    long expire = -1;
    if (zone != null) {
      ZoneCursor c = zone.cursor();
      c.next(); // the SOA comes first
      byte[] rd = c.rdataArray();
      int at = c.rdataOffset() + c.rdataLength() - 8; // EXPIRE: fourth of the five counters
      expire = q.expireSeconds >= 0 ? q.expireSeconds : ((rd[at] & 0xFFL) << 24)
          | ((rd[at + 1] & 0xFF) << 16) | ((rd[at + 2] & 0xFF) << 8) | (rd[at + 3] & 0xFF);
      if (!w.record(MessageReader.SECTION_ANSWER, c.ownerArray(), c.ownerOffset(),
          c.ownerLength(), Type.SOA, c.dclass(), c.ttl(), rd, c.rdataOffset(), c.rdataLength())) {
        return -1;
      }
    }
    if (q.opts == 1) {
      byte[] options = new byte[0];
      if (q.expire && expire >= 0) {
        options = expireOption(expire);
      }
      // OPT: CLASS is our payload size, TTL the upper rcode bits, version 0 and no flags
      long ttl = (long) (rcode >>> 4) << 24;
      if (!w.record(MessageReader.SECTION_ADDITIONAL, ROOT, 0, 1, Type.OPT, PAYLOAD, ttl,
          options, 0, options.length)) {
        return -1;
      }
    }
    return w.finish();
  }

  /** The smallest limit that always holds the header, the question and an OPT with EXPIRE. */
  private static int minimum(Query q) {
    byte[] qname = q.qname;
    return HEADER + (qname == null ? 0 : qname.length + 4) + (q.opts == 1 ? 11 + 8 : 0);
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }
}
