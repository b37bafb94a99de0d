// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.wire.EdnsExpire;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * The checks every message of an AXFR or IXFR response passes before its records are read,
 * as BIND's xfrin makes them: byte limit, header parse, ID, QR, opcode, TSIG (MAC before
 * anything is trusted), rcode, TC, question count. Shared by {@link AxfrStream} and
 * {@link IxfrStream}; one instance per transfer, not thread-safe.
 *
 * <p>The streams hand it every OPT record they meet ({@link #opt}) and close each message with
 * {@link #close}: an OPT record is held to RFC 6891 section 6.1.1 in every message (one at most,
 * owned by the root, in the additional section, options well framed, as BIND's message parser
 * demands on pain of FORMERR), its extended rcode joins the header's (section 6.1.3), and the
 * EDNS EXPIRE value (RFC 7314) is taken from the first message only (section 4: "in the first
 * message"), later ones being ignored.
 */
final class ResponseCheck {

  private final Name zone;
  private final int queryId;
  private final TransferLimits limits;
  private final @Nullable TsigStreamVerifier tsig;
  private final InetSocketAddress remote;
  private long messages;
  private long bytes;
  private int optsInMessage;
  private int extendedRcode;
  private long expire = EdnsExpire.ABSENT;

  ResponseCheck(Name zone, int queryId, TransferLimits limits,
      @Nullable TsigStreamVerifier tsig, InetSocketAddress remote) {
    this.zone = zone;
    this.queryId = queryId;
    this.limits = limits;
    this.tsig = tsig;
    this.remote = remote;
  }

  /**
   * Counts the message and checks its header; on return {@code reader} is positioned before
   * its first entry.
   *
   * @param records the records read so far, for error positions
   */
  void open(MessageReader reader, byte[] msg, int len, long records) throws TransferException {
    messages++;
    bytes += len + 2L;
    optsInMessage = 0;
    extendedRcode = 0;
    if (bytes > limits.maxBytes()) {
      throw malformed("transfer exceeds the limit of " + limits.maxBytes() + " bytes", records);
    }
    try {
      reader.reset(msg, 0, len);
    } catch (WireFormatException e) {
      throw malformed(e.getMessage(), records);
    }
    if (reader.id() != queryId) {
      throw malformed("response ID " + reader.id() + " does not match query ID " + queryId,
          records);
    }
    if (!reader.qr()) {
      throw malformed("QR bit not set in response", records);
    }
    if (reader.opcode() != Opcode.QUERY) {
      throw malformed("unexpected opcode " + Opcode.string(reader.opcode()), records);
    }
    int rcode = reader.rcode();
    if (tsig != null) {
      verifyTsig(tsig, msg, len, rcode);
    }
    if (rcode != Rcode.NOERROR) {
      throw new TransferRefusedException(rcode, zone, remote);
    }
    if (reader.tc()) {
      throw malformed("TC bit set in a TCP response", records);
    }
    if (reader.questionCount() > 1 || (messages == 1 && reader.questionCount() != 1)) {
      throw malformed("response has " + reader.questionCount() + " questions", records);
    }
  }

  private void verifyTsig(TsigStreamVerifier v, byte[] msg, int len, int rcode)
      throws TransferException {
    try {
      int at = Tsig.locate(msg, 0, len);
      if (at < 0 && rcode != Rcode.NOERROR) {
        return; // an unsigned error answer: report the rcode (BIND does the same)
      }
      v.verify(msg, 0, len, at);
    } catch (TsigVerificationException e) {
      throw e.in(zone, remote);
    }
  }

  /**
   * Checks the OPT record on which {@code reader} stands (RFC 6891 section 6.1.1), notes its
   * extended rcode, and in the first message its EXPIRE value (RFC 7314 section 4).
   *
   * @param records the records read so far, for error positions
   * @throws MalformedTransferException if the OPT record is outside the additional section, not
   *     owned by the root, the second in its message, or its options are badly framed
   */
  void opt(MessageReader reader, long records) throws MalformedTransferException {
    if (reader.section() != MessageReader.SECTION_ADDITIONAL) {
      throw malformed("opt record in the "
          + (reader.section() == MessageReader.SECTION_ANSWER ? "answer" : "authority")
          + " section", records);
    }
    if (++optsInMessage > 1) {
      throw malformed("two opt records in message " + messages, records);
    }
    if (reader.ownerLength() != 1) {
      throw malformed("opt record not owned by the root", records);
    }
    extendedRcode = (int) (reader.ttl() >>> 24);
    long value;
    try {
      value = EdnsExpire.parse(reader.rdata(), 0, reader.rdataLength());
    } catch (WireFormatException e) {
      throw malformed(e.getMessage(), records);
    }
    if (messages == 1) {
      expire = value;
    }
  }

  /**
   * Ends a message whose entries have all been read: an OPT record's extended rcode other than
   * 0 makes the rcode an error (RFC 6891 section 6.1.3; BADVERS is 16).
   *
   * @throws TransferRefusedException if the full rcode is not NOERROR
   */
  void close() throws TransferRefusedException {
    if (extendedRcode != 0) {
      throw new TransferRefusedException(extendedRcode << 4, zone, remote);
    }
  }

  /**
   * Returns the EDNS EXPIRE value of the first message (RFC 7314 section 4), if it had one;
   * 0 means that the primary's own copy has expired.
   */
  Optional<Duration> expire() {
    return expire == EdnsExpire.ABSENT ? Optional.empty()
        : Optional.of(Duration.ofSeconds(expire));
  }

  /** At the end of the stream: the last message must have been signed (RFC 8945 5.3.1). */
  void finish() throws TsigVerificationException {
    if (tsig != null) {
      try {
        tsig.finish();
      } catch (TsigVerificationException e) {
        throw e.in(zone, remote);
      }
    }
  }

  long messages() {
    return messages;
  }

  long bytes() {
    return bytes;
  }

  MalformedTransferException malformed(@Nullable String what, long records) {
    return new MalformedTransferException(what == null ? "malformed message" : what, messages,
        records, zone, remote);
  }
}
