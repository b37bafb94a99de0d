// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.WireParseException;
import org.zonesync.api.Primary;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.notify.Outcome.Reason;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigErrorResponse;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * Decides about one received NOTIFY (RFC 1996) on the secondary side, as BIND's {@code
 * ns_notify_start} and {@code dns_zone_notifyreceive} do, and builds the answer. Thread-safe;
 * readers and writers are pooled, so a flood allocates little.
 *
 * <p>The checks, in order (the first that fails decides):
 *
 * <ol>
 *   <li>shorter than a header, QR set (a response: never answered, so two servers cannot loop),
 *       opcode not NOTIFY, impossible section counts, unparsable question: dropped, no answer;
 *   <li>QDCOUNT not 1: FORMERR (RFC 1996 section 3.7 allows only one question);
 *   <li>QTYPE not SOA: NOTIMP (section 3.7; BIND answers NOTIMP, as RFC 1996 asks for other
 *       types we do not implement);
 *   <li>QCLASS ANY or NONE: FORMERR (meta classes name no zone; BIND's parser rejects them in a
 *       question); any other class but IN: REFUSED (we keep only IN zones);
 *   <li>a zone the policy does not know: NOTAUTH (BIND), logged;
 *   <li>a misplaced or malformed TSIG record: FORMERR without TSIG;
 *   <li>a TSIG that does not verify against the zone's keyring: NOTAUTH plus the TSIG error from
 *       {@link TsigErrorResponse}, which never signs unverified data (CVE-2017-3142): BADKEY and
 *       BADSIG answers carry no MAC; BADTIME and BADTRUNC answers are signed only after the
 *       request MAC was re-checked (RFC 8945 section 5.2.3);
 *   <li>a malformed record after the question (e.g. SOA rdata shorter than two names plus 20
 *       bytes): FORMERR;
 *   <li>unsigned and not from a primary address: REFUSED, logged "refused notify from
 *       non-primary" (section 3.10, TESTPLAN B18);
 *   <li>otherwise accepted, with the serial of the first class-IN SOA at the zone apex in the
 *       answer section as a hint (section 3.7), and answered NOERROR.
 * </ol>
 *
 * <p>Every answer has the request's ID, QR, opcode NOTIFY, AA, the request's RD and CD bits, the
 * question echoed (unless QDCOUNT was not 1) and the rcode; it is TSIG-signed whenever the
 * request's TSIG verified. Unknown zones are answered without TSIG even when the request is
 * signed: without a zone there is no keyring to verify with. Refusal log lines go to {@code
 * zonesync.notify} at INFO, rate-limited per source ({@link RefusalLog}).
 */
public final class NotifyHandler {
  /** The NOTIFY opcode (RFC 1996 section 3.1). */
  static final int OPCODE_NOTIFY = 4;
  static final int RCODE_NOERROR = 0;
  static final int RCODE_FORMERR = 1;
  static final int RCODE_NOTIMP = 4;
  static final int RCODE_REFUSED = 5;
  static final int RCODE_NOTAUTH = 9;

  private static final int HEADER = 12;
  private static final int TYPE_SOA = 6;
  private static final int CLASS_IN = 1;
  private static final int CLASS_NONE = 254;
  private static final int CLASS_ANY = 255;
  private static final int SOA_FIXED = 20;
  /** Header plus the longest question. */
  private static final int MAX_UNSIGNED_ANSWER = HEADER + 255 + 4;
  /** Flags copied from the request into the answer (as BIND's DNS_MESSAGE_REPLYPRESERVE). */
  private static final int PRESERVED_FLAGS = MessageWriter.FLAG_RD | 0x0010;
  private static final int SPARE_SCRATCH = 8;

  private final NotifyPolicy policy;
  private final InstantSource clock;
  private final RefusalLog refusals;
  /**
   * Idle readers and writers. A pool rather than a ThreadLocal, so that a thread per TCP
   * connection (or a virtual thread per message in a host server) does not allocate its own.
   */
  private final ArrayBlockingQueue<Scratch> spare = new ArrayBlockingQueue<>(SPARE_SCRATCH);

  /**
   * Creates a handler that logs refusals to {@code zonesync.notify}.
   *
   * @param policy which zones take NOTIFY from whom
   * @param clock the time for TSIG checks and signing and for the log rate limit
   */
  public NotifyHandler(NotifyPolicy policy, InstantSource clock) {
    this(policy, clock, Loggers.NOTIFY::info);
  }

  /** For tests: refusal log lines go to {@code refusalSink} instead of the logger. */
  NotifyHandler(NotifyPolicy policy, InstantSource clock, Consumer<String> refusalSink) {
    this.policy = requireNonNull(policy, "policy");
    this.clock = requireNonNull(clock, "clock");
    this.refusals = new RefusalLog(clock, refusalSink);
  }

  /**
   * Handles one received message. Never throws: an unexpected exception (a bug, a failing policy)
   * becomes {@link Reason#INTERNAL_ERROR} and a log line, with no answer.
   *
   * @param msg the buffer holding the message from index 0; not kept
   * @param len the message length
   * @param source where it came from (its address is checked against the primaries)
   * @return the answer to send, if any, and what was decided
   */
  public Outcome handle(byte[] msg, int len, InetSocketAddress source) {
    try {
      if (len < 0 || len > msg.length) {
        return drop(Reason.MALFORMED, source, () -> "notify length " + len
            + " outside its buffer of " + msg.length + " bytes");
      }
      Scratch s = spare.poll();
      if (s == null) {
        s = new Scratch();
      }
      try {
        return process(msg, len, source, s);
      } finally {
        spare.offer(s);
      }
    } catch (RuntimeException e) {
      Loggers.NOTIFY.warn("notify from {} failed unexpectedly", where(source), e);
      return new Outcome(Reason.INTERNAL_ERROR, Optional.empty(), Optional.empty(),
          Optional.empty());
    }
  }

  /** Returns how many refusal log lines the rate limit suppressed so far. */
  public long suppressedLogLines() {
    return refusals.suppressed();
  }

  private Outcome process(byte[] msg, int len, InetSocketAddress source, Scratch s) {
    if (len < HEADER) {
      return drop(Reason.MALFORMED, source, () -> "notify of " + len
          + " bytes is shorter than the 12-byte header");
    }
    int flags = ((msg[2] & 0xFF) << 8) | (msg[3] & 0xFF);
    if ((flags & MessageWriter.FLAG_QR) != 0) {
      return drop(Reason.DROPPED_RESPONSE, source, () -> "dropped a response (QR set, opcode "
          + ((flags >>> 11) & 0xF) + ")");
    }
    if (((flags >>> 11) & 0xF) != OPCODE_NOTIFY) {
      return drop(Reason.NOT_NOTIFY, source, () -> "dropped a message with opcode "
          + ((flags >>> 11) & 0xF));
    }
    MessageReader r = s.reader;
    Request q = new Request(msg, len, source, flags, s.writer);
    try {
      r.reset(msg, 0, len);
      q.id = r.id();
      if (r.questionCount() != 1) {
        int n = r.questionCount();
        return refuse(q, Reason.FORMERR, RCODE_FORMERR, () -> "notify with " + n
            + " questions, need 1: FORMERR");
      }
      r.next();
    } catch (WireFormatException e) {
      return drop(Reason.MALFORMED, source, () -> "dropped an unparsable notify: "
          + e.getMessage());
    }
    q.qname = Arrays.copyOf(r.owner(), r.ownerLength());
    q.qtype = r.type();
    q.qclass = r.dclass();
    Name received = toName(q.qname);
    if (q.qtype != TYPE_SOA) {
      return refuse(q, Reason.NOT_SOA, RCODE_NOTIMP, () -> "notify for '" + received
          + "' with question type " + org.xbill.DNS.Type.string(q.qtype) + ": NOTIMP");
    }
    if (q.qclass != CLASS_IN) {
      boolean meta = q.qclass == CLASS_ANY || q.qclass == CLASS_NONE;
      return refuse(q, Reason.BAD_CLASS, meta ? RCODE_FORMERR : RCODE_REFUSED, () -> "notify for '"
          + received + "' in class " + org.xbill.DNS.DClass.string(q.qclass)
          + (meta ? ": FORMERR" : ": REFUSED"));
    }
    Name zone = received.canonicalize();
    Optional<ZoneAcl> found = policy.zone(zone);
    if (found.isEmpty()) {
      return refuse(q, Reason.UNKNOWN_ZONE, RCODE_NOTAUTH, () -> "received notify for zone '"
          + received + "', not a secondary zone here: NOTAUTH");
    }
    ZoneAcl acl = found.get();
    q.zone = zone;
    int tsigAt;
    try {
      tsigAt = Tsig.locate(msg, 0, len);
    } catch (TsigVerificationException e) {
      return refuse(q, Reason.FORMERR, RCODE_FORMERR, () -> "notify for zone '" + received
          + "': " + e.getMessage() + ": FORMERR");
    }
    if (tsigAt >= 0) {
      try {
        q.verified = TsigRequestVerifier.verify(acl.keys(), msg, 0, len, tsigAt, clock);
      } catch (TsigVerificationException e) {
        TsigError error = e.tsigError();
        q.tsigError = error;
        q.tsigAt = tsigAt;
        q.acl = acl;
        boolean formerr = error == TsigError.FORMERR || error == TsigError.UNSIGNED;
        return refuse(q, Reason.BAD_TSIG, formerr ? RCODE_FORMERR : RCODE_NOTAUTH, () ->
            "notify for zone '" + received + "': TSIG " + error + " (" + e.getMessage() + ")");
      }
    }
    Optional<SerialNumber> serial = Optional.empty();
    try {
      while (r.next()) {
        if (serial.isEmpty() && r.section() == MessageReader.SECTION_ANSWER
            && r.type() == TYPE_SOA && r.dclass() == CLASS_IN
            && sameName(r.owner(), r.ownerLength(), q.qname)) {
          byte[] rd = r.rdata();
          int p = r.rdataLength() - SOA_FIXED; // the reader checked two names plus 20 bytes
          serial = Optional.of(SerialNumber.fromBits(((rd[p] & 0xFF) << 24)
              | ((rd[p + 1] & 0xFF) << 16) | ((rd[p + 2] & 0xFF) << 8) | (rd[p + 3] & 0xFF)));
        }
      }
    } catch (WireFormatException e) {
      return refuse(q, Reason.FORMERR, RCODE_FORMERR, () -> "notify for zone '" + received
          + "' has a malformed record: " + e.getMessage() + ": FORMERR");
    }
    InetAddress address = source.getAddress();
    if (q.verified == null && (address == null || !acl.primaries().contains(address))) {
      return refuse(q, Reason.NOT_A_PRIMARY, RCODE_REFUSED, () ->
          "refused notify from non-primary: " + where(source) + " for zone '" + received + "'");
    }
    Optional<Name> keyName = q.verified == null ? Optional.empty()
        : Optional.of(q.verified.key().name());
    Accepted accepted = new Accepted(zone, source, serial, keyName);
    if (Loggers.NOTIFY.isDebugEnabled()) {
      Loggers.NOTIFY.debug("received notify for zone '{}' from {}{}, serial {}", received,
          where(source), keyName.map(k -> " TSIG " + k).orElse(""),
          serial.map(SerialNumber::toString).orElse("none"));
    }
    return new Outcome(Reason.ACCEPTED, Optional.of(answer(q, RCODE_NOERROR)),
        Optional.of(accepted), Optional.of(zone));
  }

  private Outcome drop(Reason reason, InetSocketAddress source,
      java.util.function.Supplier<String> line) {
    refusals.log(key(source), () -> line.get() + " from " + where(source));
    return new Outcome(reason, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private Outcome refuse(Request q, Reason reason, int rcode,
      java.util.function.Supplier<String> line) {
    String suffix = reason == Reason.NOT_A_PRIMARY ? "" : " from " + where(q.source);
    refusals.log(key(q.source), () -> line.get() + suffix);
    return new Outcome(reason, Optional.of(answer(q, rcode)), Optional.empty(),
        Optional.ofNullable(q.zone));
  }

  /** Builds the answer: header, the question if there was exactly one, TSIG as described. */
  private byte[] answer(Request q, int rcode) {
    MessageWriter w = q.writer;
    int flags = MessageWriter.FLAG_QR | (OPCODE_NOTIFY << 11) | MessageWriter.FLAG_AA
        | (q.flags & PRESERVED_FLAGS) | rcode;
    int id = q.id >= 0 ? q.id : ((q.msg[0] & 0xFF) << 8) | (q.msg[1] & 0xFF);
    w.start(id, flags, MAX_UNSIGNED_ANSWER);
    byte[] qname = q.qname;
    if (qname != null) {
      w.question(qname, 0, qname.length, q.qtype, q.qclass);
    }
    int n = w.finish();
    byte[] buf = w.buffer();
    VerifiedRequest v = q.verified;
    TsigError error = q.tsigError;
    ZoneAcl acl = q.acl;
    if (v != null) {
      n = new TsigStreamSigner(v.key(), v.mac(), clock).sign(buf, 0, n);
    } else if (error != null && acl != null) {
      n = TsigErrorResponse.append(buf, 0, n, error, q.msg, 0, q.len, q.tsigAt, acl.keys(), clock);
    }
    return Arrays.copyOf(buf, n);
  }

  /** Compares two uncompressed wire names, ASCII case-insensitively (RFC 4343). */
  static boolean sameName(byte[] a, int aLen, byte[] b) {
    if (aLen != b.length) {
      return false;
    }
    for (int i = 0; i < aLen; i++) {
      // Length octets are below 64 and so never in 'A'..'Z'; folding them is harmless.
      if (fold(a[i]) != fold(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static int fold(byte c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }

  private static Name toName(byte[] wire) {
    try {
      return new Name(new DNSInput(wire));
    } catch (WireParseException e) {
      // MessageReader produced a valid uncompressed name, so this is a bug.
      throw new IllegalStateException("reader returned an invalid name: " + e.getMessage(), e);
    }
  }

  private static Object key(InetSocketAddress source) {
    InetAddress a = source.getAddress();
    return a != null ? a : source.getHostString().toLowerCase(Locale.ROOT);
  }

  private static String where(InetSocketAddress source) {
    return Primary.format(source);
  }

  /** A reader and a writer, about 440 KiB, reused through {@link #spare}. */
  private static final class Scratch {
    final MessageReader reader = new MessageReader();
    final MessageWriter writer = new MessageWriter(MAX_UNSIGNED_ANSWER);
  }

  /** What is known about the request so far, for building the answer. */
  private static final class Request {
    final byte[] msg;
    final int len;
    final InetSocketAddress source;
    final int flags;
    final MessageWriter writer;
    int id = -1;
    byte @Nullable [] qname;
    int qtype;
    int qclass;
    @Nullable VerifiedRequest verified;
    @Nullable Name zone;
    @Nullable TsigError tsigError;
    @Nullable ZoneAcl acl;
    int tsigAt = -1;

    Request(byte[] msg, int len, InetSocketAddress source, int flags, MessageWriter writer) {
      this.msg = msg;
      this.writer = writer;
      this.len = len;
      this.source = source;
      this.flags = flags;
    }
  }
}
