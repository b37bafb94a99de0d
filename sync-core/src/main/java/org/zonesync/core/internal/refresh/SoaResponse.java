// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.internal.wire.EdnsExpire;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * Builds the SOA query of a refresh and judges the answers to it (RFC 1034 section 4.3.5).
 *
 * <p>The judgement comes in two tiers, as in BIND's request matching and {@code refresh_callback}.
 * A datagram that is not an answer to this query (shorter than a header, another ID, QR clear,
 * another opcode, another question, unparsable) is {@link Ignored}: over UDP it may be a spoof,
 * and the query keeps waiting (TESTPLAN A13, F7). A matching answer is then held to the rules:
 * TSIG when keyed (RFC 8945 section 5.3), rcode NOERROR, AA set, exactly one SOA at the apex in
 * the answer section; a failure there is a typed {@link TransferException}. TC asks for TCP
 * (RFC 1035 section 4.2.1) before the signature is checked, since a truncated answer may lack
 * it; a spoofed TC can only move the query to TCP, which is safer still.
 *
 * <p>One instance per query: the TSIG verifier it holds accepts one signed response. Not
 * thread-safe.
 */
final class SoaResponse {

  /** The EDNS0 UDP payload size offered, the DNS Flag Day 2020 value. */
  static final int PAYLOAD = EdnsExpire.PAYLOAD;
  /** EDNS option code of EXPIRE (RFC 7314 section 2). */
  static final int EXPIRE_OPTION = EdnsExpire.OPTION_CODE;

  private static final int HEADER = 12;

  /** What an answer means for the query. */
  sealed interface Verdict permits Ignored, Truncated, Answer {
  }

  /**
   * Not an answer to this query; keep waiting.
   *
   * @param reason a lower-case fact, for the debug log
   */
  record Ignored(String reason) implements Verdict {
  }

  /** The answer has TC set: ask again over TCP. */
  record Truncated() implements Verdict {
  }

  /**
   * A valid answer.
   *
   * @param soa the apex SOA from the answer section
   * @param expire the EDNS EXPIRE value when it was asked for and sent (RFC 7314)
   */
  record Answer(SOARecord soa, Optional<Duration> expire) implements Verdict {
    Answer {
      requireNonNull(soa, "soa");
      requireNonNull(expire, "expire");
    }
  }

  private final Name zone;
  private final byte[] apex;
  private final int id;
  private final @Nullable TsigStreamVerifier verifier;
  private final boolean requestExpire;
  private final InetSocketAddress remote;
  private final MessageReader reader = new MessageReader();

  /**
   * Prepares the judgement of the answers to one query.
   *
   * @param zone the zone asked for
   * @param id the query's ID
   * @param verifier the verifier built from the signed query, or null when unkeyed
   * @param requestExpire whether the query carried the EXPIRE option
   * @param remote the primary, for the exceptions
   */
  SoaResponse(Name zone, int id, @Nullable TsigStreamVerifier verifier, boolean requestExpire,
      InetSocketAddress remote) {
    this.zone = requireNonNull(zone, "zone");
    this.apex = zone.toWire();
    this.id = id;
    this.verifier = verifier;
    this.requestExpire = requestExpire;
    this.remote = requireNonNull(remote, "remote");
  }

  /**
   * Encodes the unsigned query: QUERY opcode, RD clear (a primary answers from its own data),
   * question {@code zone SOA IN}, and an OPT RR offering {@value #PAYLOAD} bytes (RFC 6891) with
   * an empty EXPIRE option when asked (RFC 7314 section 2).
   *
   * @param zone the zone
   * @param id the message ID
   * @param edns whether to add an OPT record at all (not for a primary that answered FORMERR
   *     to one)
   * @param requestExpire whether to add the EXPIRE option to it
   * @return the message
   */
  static byte[] query(Name zone, int id, boolean edns, boolean requestExpire) {
    MessageWriter w = new MessageWriter(512);
    w.start(id, 0, 512);
    byte[] name = zone.toWire();
    w.question(name, 0, name.length, Type.SOA, DClass.IN);
    if (edns) {
      EdnsExpire.addOpt(w, requestExpire);
    }
    int len = w.finish();
    return Arrays.copyOf(w.buffer(), len);
  }

  /**
   * Judges one message that arrived from the primary.
   *
   * @param msg the buffer holding the message from index 0
   * @param len the message length
   * @param overTcp whether it came over TCP; TC is then an error
   * @return {@link Ignored}, {@link Truncated} or the {@link Answer}
   * @throws TransferException for a matching answer that fails: {@link TsigVerificationException}
   *     (unsigned or bad signature when keyed), {@link TransferRefusedException} (rcode other than
   *     NOERROR, EDNS extended rcode included), {@link MalformedTransferException} (AA clear, no
   *     or several apex SOAs, TC over TCP)
   */
  Verdict check(byte[] msg, int len, boolean overTcp) throws TransferException {
    if (len < HEADER) {
      return new Ignored("answer of " + len + " bytes is shorter than the 12-byte header");
    }
    int rid = u16(msg, 0);
    if (rid != id) {
      return new Ignored("answer id " + rid + " differs from query id " + id);
    }
    int flags = u16(msg, 2);
    if ((flags & MessageWriter.FLAG_QR) == 0) {
      return new Ignored("qr bit clear in answer id " + rid);
    }
    int opcode = (flags >>> 11) & 0xF;
    if (opcode != 0) {
      return new Ignored("opcode " + opcode + " in answer id " + rid);
    }
    try {
      reader.reset(msg, 0, len);
      if (reader.questionCount() != 1) {
        return new Ignored(reader.questionCount() + " questions in answer id " + rid);
      }
      reader.next();
      if (reader.type() != Type.SOA || reader.dclass() != DClass.IN || !isApex(reader.owner(),
          reader.ownerLength())) {
        return new Ignored("question " + nameText(reader.owner(), reader.ownerLength()) + " "
            + Type.string(reader.type()) + " " + DClass.string(reader.dclass())
            + " does not match " + zone + " SOA IN");
      }
      if ((flags & MessageWriter.FLAG_TC) != 0) {
        if (overTcp) {
          throw malformed("truncated answer to soa query over tcp");
        }
        return new Truncated();
      }
      return judge(msg, len, flags, overTcp);
    } catch (WireFormatException e) {
      return new Ignored("unparsable answer id " + rid + ": " + e.getMessage());
    }
  }

  private Verdict judge(byte[] msg, int len, int flags, boolean overTcp)
      throws WireFormatException, TransferException {
    int soaCount = 0;
    @Nullable SOARecord soa = null;
    int opts = 0;
    int extendedRcode = 0;
    long expire = -1;
    while (reader.next()) {
      int section = reader.section();
      if (section == MessageReader.SECTION_ANSWER && reader.type() == Type.SOA
          && reader.dclass() == DClass.IN && isApex(reader.owner(), reader.ownerLength())) {
        if (soaCount++ == 0) {
          soa = soaRecord();
          if (soa == null) {
            return new Ignored("unparsable soa rdata in answer id " + id);
          }
        }
      } else if (section == MessageReader.SECTION_ADDITIONAL && reader.type() == Type.OPT) {
        if (++opts > 1 || reader.ownerLength() != 1) {
          // RFC 6891 section 6.1.1: one OPT, owned by the root, or the message is malformed.
          return new Ignored("malformed opt record in answer id " + id);
        }
        extendedRcode = (int) (reader.ttl() >>> 24);
        // a badly framed option is disregarded here, not failed: the answer may be a UDP spoof
        expire = EdnsExpire.parseLenient(reader.rdata(), 0, reader.rdataLength());
      }
    }
    if (verifier != null) {
      try {
        int at = Tsig.locate(msg, 0, len);
        if (at < 0 && !overTcp) {
          // TESTPLAN F7: an unsigned UDP answer when a key is set may be spoofed; keep waiting
          return new Ignored("unsigned answer id " + id + " while a key is configured");
        }
        verifier.verify(msg, 0, len, at);
        verifier.finish();
      } catch (TsigVerificationException e) {
        throw e.in(zone, remote);
      }
    }
    int rcode = (extendedRcode << 4) | (flags & 0xF);
    if (rcode != 0) {
      throw new TransferRefusedException(rcode, zone, remote);
    }
    if ((flags & MessageWriter.FLAG_AA) == 0) {
      throw malformed("non-authoritative answer to soa query (aa clear)");
    }
    if (soa == null) {
      throw malformed("non-SOA response to SOA query");
    }
    if (soaCount != 1) {
      throw malformed(soaCount + " soa records at the apex in the answer, expected 1");
    }
    Optional<Duration> e = requestExpire && expire >= 0
        ? Optional.of(Duration.ofSeconds(expire)) : Optional.empty();
    return new Answer(soa, e);
  }

  private @Nullable SOARecord soaRecord() {
    try {
      Name owner = new Name(Arrays.copyOf(reader.owner(), reader.ownerLength()));
      byte[] rd = Arrays.copyOf(reader.rdata(), reader.rdataLength());
      Record r = Record.newRecord(owner, Type.SOA, DClass.IN, reader.ttl(), rd);
      return r instanceof SOARecord s ? s : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private boolean isApex(byte[] name, int len) {
    if (len != apex.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      // label length octets are below 64, so folding A-Z leaves them alone
      if (lower(name[i]) != lower(apex[i])) {
        return false;
      }
    }
    return true;
  }

  private MalformedTransferException malformed(String detail) {
    return new MalformedTransferException(detail, 0, 0, zone, remote);
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }

  private static String nameText(byte[] name, int len) {
    try {
      return new Name(Arrays.copyOf(name, len)).toString().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "(name of " + len + " bytes)";
    }
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }
}
