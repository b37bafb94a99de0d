// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * One NOTIFY (RFC 1996 section 3.7) as sent to one secondary, and the judge of the datagrams that
 * come back. The message has opcode NOTIFY, AA, the question {@code zone SOA IN} and, as BIND
 * sends it, the current apex SOA in the answer section; it is TSIG-signed when a key is given.
 *
 * <p>A datagram that is not the answer (another source, ID or question, QR clear, another opcode,
 * unparsable, or unsigned and NOERROR while a key is set, which anyone could forge) is {@link
 * Verdict#IGNORED}: the NOTIFY keeps waiting. A matching answer with an error rcode fails with a
 * {@link TransferRefusedException}, even unsigned (a secondary answers an unknown zone without
 * TSIG, and such a forgery can only end a retransmission); a signed answer that does not verify
 * fails with a {@link TsigVerificationException}.
 *
 * <p>Not thread-safe: the verifier it holds accepts one answer.
 */
final class NotifyMessage {
  /** The NOTIFY opcode (RFC 1996 section 3.1). */
  static final int OPCODE_NOTIFY = 4;
  /** Without EDNS, a NOTIFY fits a 512-byte datagram (RFC 1035 section 4.2.1). */
  static final int MAX_UDP = 512;

  private static final int HEADER = 12;

  /** What a datagram means for the NOTIFY waiting for it. */
  enum Verdict {
    /** Not the answer; keep waiting. */
    IGNORED,
    /** The answer: the secondary took the NOTIFY (NOERROR, signed when keyed). */
    ANSWERED
  }

  private final Name zone;
  private final byte[] apex;
  private final InetSocketAddress target;
  private final int id;
  private final byte[] wire;
  private final boolean withSoa;
  private final @Nullable TsigStreamVerifier verifier;
  private @Nullable String lastIgnored;

  /**
   * Encodes (and signs) the NOTIFY.
   *
   * @param soa the zone's current apex SOA; its owner is the zone
   * @param id the message ID
   * @param target where it goes
   * @param key the key to sign with, or null
   * @param clock the wall clock for TSIG
   */
  NotifyMessage(SOARecord soa, int id, InetSocketAddress target, @Nullable TsigKey key,
      InstantSource clock) {
    this.zone = soa.getName();
    this.apex = zone.toWire();
    this.target = requireNonNull(target, "target");
    this.id = id;
    int reserve = key == null ? 0 : Tsig.maxRecordLength(key);
    MessageWriter w = new MessageWriter(MAX_UDP);
    w.start(id, (OPCODE_NOTIFY << 11) | MessageWriter.FLAG_AA, Math.max(HEADER + apex.length + 4,
        MAX_UDP - reserve));
    w.question(apex, 0, apex.length, Type.SOA, DClass.IN);
    byte[] rr = soa.toWire(Section.ANSWER); // uncompressed: owner, 10 fixed bytes, rdata
    int rdOff = apex.length + 10;
    this.withSoa = w.record(MessageReader.SECTION_ANSWER, apex, 0, apex.length, Type.SOA,
        DClass.IN, soa.getTTL(), rr, rdOff, rr.length - rdOff);
    byte[] message = Arrays.copyOf(w.buffer(), w.finish());
    if (key == null) {
      this.wire = message;
      this.verifier = null;
    } else {
      SignedMessage signed = Tsig.signRequest(key, message, 0, message.length, clock);
      this.wire = signed.message();
      this.verifier = new TsigStreamVerifier(key, signed.mac(), clock);
    }
  }

  /** Returns the message to send; the same bytes for every retransmission. */
  byte[] wire() {
    return wire;
  }

  /** Returns the zone. */
  Name zone() {
    return zone;
  }

  /** Returns where the NOTIFY goes. */
  InetSocketAddress target() {
    return target;
  }

  /** Returns the message ID. */
  int id() {
    return id;
  }

  /** Returns whether the SOA fitted into the answer section. */
  boolean withSoa() {
    return withSoa;
  }

  /** Returns why the last ignored datagram was ignored, for the log. */
  @Nullable String lastIgnored() {
    return lastIgnored;
  }

  /**
   * Judges one datagram.
   *
   * @param msg the buffer holding it from index 0
   * @param len its length
   * @param from its source
   * @param reader a reader to parse it with
   * @return {@link Verdict#IGNORED} or {@link Verdict#ANSWERED}
   * @throws TransferRefusedException for an answer with an error rcode
   * @throws TsigVerificationException for a signed answer that does not verify, or whose TSIG
   *     carries an error (the secondary's BADKEY, BADSIG, BADTIME)
   * @throws TransferException as the subtypes above
   */
  Verdict check(byte[] msg, int len, InetSocketAddress from, MessageReader reader)
      throws TransferException {
    if (!target.equals(from)) {
      return ignore("datagram from " + from + ", not the target");
    }
    if (len < HEADER) {
      return ignore("answer of " + len + " bytes is shorter than the 12-byte header");
    }
    int flags = ((msg[2] & 0xFF) << 8) | (msg[3] & 0xFF);
    int rid = ((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF);
    if (rid != id || (flags & MessageWriter.FLAG_QR) == 0
        || ((flags >>> 11) & 0xF) != OPCODE_NOTIFY) {
      return ignore("id " + rid + " flags " + Integer.toHexString(flags) + " do not answer id "
          + id);
    }
    int tsigAt;
    try {
      reader.reset(msg, 0, len);
      if (reader.questionCount() != 1 || !reader.next() || reader.type() != Type.SOA
          || reader.dclass() != DClass.IN || !sameName(reader.owner(), reader.ownerLength())) {
        return ignore("question does not match " + zone + " SOA IN");
      }
      while (reader.next()) {
        // the whole answer must parse
      }
      tsigAt = Tsig.locate(msg, 0, len);
    } catch (WireFormatException | TsigVerificationException e) {
      return ignore("unparsable answer: " + e.getMessage());
    }
    int rcode = flags & 0xF;
    TsigStreamVerifier v = verifier;
    if (v != null) {
      if (tsigAt < 0 && rcode == 0) {
        return ignore("unsigned answer while a key is configured");
      }
      if (tsigAt >= 0) {
        try {
          v.verify(msg, 0, len, tsigAt);
          v.finish();
        } catch (TsigVerificationException e) {
          throw e.in(zone, target);
        }
      }
    }
    if (rcode != 0) {
      throw new TransferRefusedException(rcode, zone, target);
    }
    return Verdict.ANSWERED;
  }

  private Verdict ignore(String why) {
    lastIgnored = why;
    return Verdict.IGNORED;
  }

  private boolean sameName(byte[] name, int len) {
    if (len != apex.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      // length octets are below 64 and so never in 'A'..'Z'; folding them is harmless
      if (fold(name[i]) != fold(apex[i])) {
        return false;
      }
    }
    return true;
  }

  private static int fold(byte c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }
}
