// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Set;
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
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.ZoneCursor;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigErrorResponse;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * Answers the single-message queries a secondary sends its primary: the SOA query of a refresh
 * (RFC 1034 section 4.3.5), over UDP or TCP, with the EDNS EXPIRE option when asked (RFC 7314
 * section 3: a primary gives its SOA EXPIRE field); over UDP also IXFR, with the single current
 * SOA that tells the client to ask again over TCP (RFC 1995 section 2). Thread-safe; readers and
 * writers are pooled.
 *
 * <p>The checks, in order (the first that fails decides):
 *
 * <ol>
 *   <li>shorter than a header, QR set, impossible counts or any unparsable entry: dropped, no
 *       answer (a response is never answered, so two servers cannot loop);
 *   <li>opcode not QUERY: NOTIMP; QDCOUNT not 1: FORMERR;
 *   <li>an OPT record that is not alone, not in the additional section, not owned by the root or
 *       with malformed options: FORMERR (RFC 6891 section 6.1.1); EDNS version above 0: BADVERS
 *       (section 6.1.3);
 *   <li>a misplaced or malformed TSIG record: FORMERR; a TSIG that does not verify: NOTAUTH with
 *       the TSIG error from {@link TsigErrorResponse}, which never signs unverified data
 *       (RFC 8945 section 5.3.2, TESTPLAN C8);
 *   <li>QCLASS not IN: REFUSED; QTYPE AXFR over UDP: FORMERR (BIND "attempted AXFR over UDP");
 *       QTYPE other than SOA (and IXFR over UDP): NOTIMP, as the TCP path answers it;
 *   <li>a name that is not the apex of a zone held: REFUSED without AA, as BIND and RFC 8906
 *       section 3.1.3.1 answer for a zone the server is not authoritative for;
 *   <li>unsigned and not from an address allowed unsigned: REFUSED (the AXFR rule);
 *   <li>otherwise NOERROR, AA, the apex SOA in the answer section.
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

  private final Function<Name, @Nullable CompactZone> zones;
  private final TsigKeyring keyring;
  private final Set<InetAddress> allowUnsigned;
  private final InstantSource clock;
  private final ArrayBlockingQueue<Scratch> spare = new ArrayBlockingQueue<>(SPARE_SCRATCH);

  /**
   * Creates a responder.
   *
   * @param zones the zone held under an apex name, or null
   * @param keyring keys that may sign queries
   * @param allowUnsigned addresses whose unsigned queries are answered
   * @param clock wall clock for TSIG
   */
  QueryResponder(Function<Name, @Nullable CompactZone> zones, TsigKeyring keyring,
      Set<InetAddress> allowUnsigned, InstantSource clock) {
    this.zones = zones;
    this.keyring = keyring;
    this.allowUnsigned = Set.copyOf(allowUnsigned);
    this.clock = clock;
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
    int tsigAt = -1;
    @Nullable VerifiedRequest verified;
    @Nullable TsigError tsigError;

    Query(byte[] msg, int len) {
      this.msg = msg;
      this.len = len;
    }
  }

  /**
   * Answers one query.
   *
   * @param msg the buffer holding the query from index 0; not kept
   * @param len its length
   * @param client where it came from
   * @param udp whether it came over UDP (size limit, TC, IXFR and AXFR rules)
   * @return the answer, or null when the message is dropped
   */
  byte @Nullable [] answer(byte[] msg, int len, InetSocketAddress client, boolean udp) {
    if (len < HEADER || len > msg.length || (msg[2] & 0x80) != 0) {
      return null;
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

  private byte @Nullable [] process(byte[] msg, int len, InetSocketAddress client, boolean udp,
      Scratch s) {
    Query q = new Query(msg, len);
    MessageReader r = s.reader;
    try {
      r.reset(msg, 0, len);
      q.id = r.id();
      q.flags = r.flags();
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
        }
      }
    } catch (WireFormatException e) {
      debug(client, "dropped an unparsable query: " + e.getMessage());
      return null;
    }
    if (q.questions != 1) {
      q.qname = null; // echo a question only when there was exactly one
    }
    if (r.opcode() != Opcode.QUERY) {
      return respond(q, s, udp, Rcode.NOTIMP, null, "opcode " + r.opcode(), client);
    }
    if (q.questions != 1) {
      return respond(q, s, udp, Rcode.FORMERR, null, q.questions + " questions", client);
    }
    if (q.badOpt || q.opts > 1) {
      q.opts = 0; // RFC 6891 section 7: a FORMERR for a bad OPT carries none
      return respond(q, s, udp, Rcode.FORMERR, null, "malformed opt record", client);
    }
    if (q.opts == 1 && q.version != 0) {
      return respond(q, s, udp, BADVERS, null, "edns version " + q.version, client);
    }
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
      Loggers.XFER_OUT.debug("client {}: TSIG {} on query: {}", Primary.format(client), error,
          e.getMessage());
      return respond(q, s, udp, formerr ? Rcode.FORMERR : Rcode.NOTAUTH, null, "tsig " + error,
          client);
    }
    byte[] qname = q.qname;
    if (qname == null || q.qclass != DClass.IN) {
      return respond(q, s, udp, Rcode.REFUSED, null, "class " + DClass.string(q.qclass), client);
    }
    boolean ixfrOverUdp = udp && q.qtype == Type.IXFR;
    if (udp && q.qtype == Type.AXFR) {
      return respond(q, s, udp, Rcode.FORMERR, null, "attempted AXFR over UDP", client);
    }
    if (q.qtype != Type.SOA && !ixfrOverUdp) {
      return respond(q, s, udp, Rcode.NOTIMP, null, "type " + Type.string(q.qtype), client);
    }
    Name name;
    try {
      name = new Name(qname);
    } catch (IOException e) {
      // the reader checked the wire form, so this is a bug; drop rather than answer wrongly
      Loggers.XFER_OUT.warn("client {}: reader returned an invalid name: {}",
          Primary.format(client), e.getMessage());
      return null;
    }
    CompactZone zone = zones.apply(name);
    if (zone == null || zone.dclass() != DClass.IN) {
      return respond(q, s, udp, Rcode.REFUSED, null, "no zone " + name, client);
    }
    if (q.verified == null && !allowUnsigned.contains(client.getAddress())) {
      return respond(q, s, udp, Rcode.REFUSED, null, "unsigned query for " + name, client);
    }
    return respond(q, s, udp, Rcode.NOERROR, zone, null, client);
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
  private byte[] respond(Query q, Scratch s, boolean udp, int rcode, @Nullable CompactZone zone,
      @Nullable String why, InetSocketAddress client) {
    if (why != null) {
      debug(client, "query id " + q.id + " answered " + Rcode.string(rcode) + ": " + why);
    }
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
      expire = ((rd[at] & 0xFFL) << 24) | ((rd[at + 1] & 0xFF) << 16)
          | ((rd[at + 2] & 0xFF) << 8) | (rd[at + 3] & 0xFF);
      if (!w.record(MessageReader.SECTION_ANSWER, c.ownerArray(), c.ownerOffset(),
          c.ownerLength(), Type.SOA, c.dclass(), c.ttl(), rd, c.rdataOffset(), c.rdataLength())) {
        return -1;
      }
    }
    if (q.opts == 1) {
      byte[] options = new byte[0];
      if (q.expire && expire >= 0) {
        options = new byte[] {0, EXPIRE_OPTION, 0, 4, (byte) (expire >>> 24),
            (byte) (expire >>> 16), (byte) (expire >>> 8), (byte) expire};
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

  private static void debug(InetSocketAddress client, String what) {
    if (Loggers.XFER_OUT.isDebugEnabled()) {
      Loggers.XFER_OUT.debug("client {}: {}", Primary.format(client), what);
    }
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }
}
